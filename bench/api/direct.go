package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/stack"
)

// directRuntime is the baseline of the throughput ratio: a BAML runtime of
// its own, called through the same Go client the server uses, with what the
// server would send, so the difference is the server's own work per
// generation (HTTP, auth, the posts' storage, the checks).
type directRuntime struct {
	rt     *bamlrt.Runtime
	writer content.Writer
}

func startDirect(fakeURL string) (*directRuntime, error) {
	rt, writer, err := stack.StartRuntime(context.Background(), fakeURL)
	if err != nil {
		return nil, err
	}
	return &directRuntime{rt: rt, writer: writer}, nil
}

func (d *directRuntime) close() { _ = d.rt.Close() }

func (d *directRuntime) generate() (time.Duration, error) {
	price := 45.0
	req := content.Request{
		Business: content.Business{
			Name: "Confeitaria Bench", Segment: "confeitaria", City: "São Paulo", State: "SP",
			Services: []content.Offering{{Name: "Bolo de cenoura", PriceBRL: &price}},
			Facts:    []string{"receita da avó"}, Voice: "carinhosa",
		},
		Brief: "bolo de cenoura com calda de chocolate",
		Roles: content.PickRoles(nil, 1),
	}
	start := time.Now()
	if _, err := d.writer.WritePosts(context.Background(), req); err != nil {
		return 0, fmt.Errorf("direct WritePosts: %w", err)
	}
	return time.Since(start), nil
}

// ratioRounds alternate Rekan and the direct runtime so that load from
// elsewhere on the machine hits both sides alike.
const ratioRounds = 5

// throughputRatio returns the median over the rounds of Rekan's generations
// per second at concurrency 16 divided by the direct runtime's, and the
// median rates themselves.
func throughputRatio(fakeURL string, rekan func() (time.Duration, error), n int) (ratio, rekanRate, directRate float64, err error) {
	direct, err := startDirect(fakeURL)
	if err != nil {
		return 0, 0, 0, err
	}
	defer direct.close()
	for range 20 {
		if _, err := direct.generate(); err != nil {
			return 0, 0, 0, err
		}
	}
	var ratios, rekanRates, directRates []float64
	for range ratioRounds {
		r, err := measure(n, 16, rekan)
		if err != nil {
			return 0, 0, 0, err
		}
		d, err := measure(n, 16, direct.generate)
		if err != nil {
			return 0, 0, 0, err
		}
		rr, dr := float64(r.n)/r.wall.Seconds(), float64(d.n)/d.wall.Seconds()
		rekanRates, directRates, ratios = append(rekanRates, rr), append(directRates, dr), append(ratios, rr/dr)
	}
	return median(ratios), median(rekanRates), median(directRates), nil
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}
