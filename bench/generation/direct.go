package main

import (
	"context"
	"fmt"

	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/stack"
)

// directRuntime is the baseline: a BAML runtime of the bench's own, called
// through the Go client the server uses with what the server would send.
type directRuntime struct {
	rt     *bamlrt.Runtime
	writer content.Writer
	req    content.Request
}

func startDirect(fakeURL string, count int) (*directRuntime, error) {
	rt, writer, err := stack.StartRuntime(context.Background(), fakeURL)
	if err != nil {
		return nil, err
	}
	price := 45.0
	req := content.Request{
		Business: content.Business{
			Name: "Confeitaria Bench", Segment: "confeitaria", City: "São Paulo", State: "SP",
			Services: []content.Offering{{Name: "Bolo de cenoura", PriceBRL: &price}},
			Facts:    []string{"receita da avó"}, Voice: "carinhosa",
		},
		Brief: "bolo de cenoura com calda de chocolate",
		Roles: content.PickRoles(nil, count),
	}
	return &directRuntime{rt: rt, writer: writer, req: req}, nil
}

func (d *directRuntime) close() { _ = d.rt.Close() }

func (d *directRuntime) generate() error {
	if _, err := d.writer.WritePosts(context.Background(), d.req); err != nil {
		return fmt.Errorf("direct WritePosts: %w", err)
	}
	return nil
}
