package main

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rekan/rekan/eval/judges"
)

func TestKappa(t *testing.T) {
	cases := []struct {
		a     Agreement
		rate  float64
		kappa float64
		ok    bool
	}{
		// Perfect agreement with both verdicts present.
		{Agreement{Both: 5, Neither: 5}, 1, 1, true},
		// Textbook example: po = 0.7, pe = 0.5.
		{Agreement{Both: 20, PanelOnly: 5, LabelOnly: 10, Neither: 15}, 0.7, 0.4, true},
		// A panel that always passes agrees by chance only.
		{Agreement{Both: 6, PanelOnly: 4}, 0.6, 0, true},
		// Everyone always passes: kappa is undefined.
		{Agreement{Both: 4}, 1, 0, false},
		{Agreement{Errors: 3}, 0, 0, false},
	}
	for _, c := range cases {
		k, ok := c.a.Kappa()
		r, _ := c.a.Rate()
		if ok != c.ok || math.Abs(k-c.kappa) > 1e-9 || math.Abs(r-c.rate) > 1e-9 {
			t.Errorf("%+v: kappa %.3f ok=%v rate %.3f; want %.3f ok=%v rate %.3f", c.a, k, ok, r, c.kappa, c.ok, c.rate)
		}
	}
}

// passAll is a judge that passes every post: what fakellm does.
type passAll struct {
	mu    sync.Mutex
	asked map[judges.Criterion]int
}

func (p *passAll) Ask(_ context.Context, _ judges.Judge, c judges.Criterion, _ judges.Subject) (judges.Opinion, error) {
	p.mu.Lock()
	p.asked[c]++
	p.mu.Unlock()
	return judges.Opinion{Reasoning: "ok", Pass: true}, nil
}

// A panel that passes everything agrees with the labels exactly as often as
// the labels pass, and its kappa is 0 (or undefined): calibration exposes a
// useless judge instead of flattering it.
func TestCalibrateExposesAJudgeThatPassesEverything(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata")
	files, err := loadLabelled(filepath.Join(dir, "labelled"), dir)
	if err != nil {
		t.Fatal(err)
	}
	asker := &passAll{asked: map[judges.Criterion]int{}}
	panel := &judges.Panel{Asker: asker, Judges: []judges.Judge{{Client: "JudgeA", Model: "a"}, {Client: "JudgeB", Model: "b"}}, Limiter: judges.NewLimiter(4)}
	agreement := calibrate(context.Background(), panel, files)

	labels := map[judges.Criterion][2]int{} // pass, fail
	for _, f := range files {
		for _, c := range f.Cases {
			for _, p := range c.Posts {
				for crit, v := range p.Judges {
					n := labels[crit]
					if v == "pass" {
						n[0]++
					} else {
						n[1]++
					}
					labels[crit] = n
				}
			}
			if c.Variety != "" && len(c.Posts) > 1 {
				n := labels[judges.Variety]
				if c.Variety == "pass" {
					n[0]++
				} else {
					n[1]++
				}
				labels[judges.Variety] = n
			}
		}
	}
	for _, crit := range calibratedCriteria {
		a, want := agreement[crit], labels[crit]
		if want[0]+want[1] == 0 {
			t.Fatalf("%s: no labels in the set", crit)
		}
		if want[1] == 0 {
			t.Errorf("%s: the set labels no failure, so it cannot tell a judge that passes everything", crit)
		}
		if a.Both != want[0] || a.PanelOnly != want[1] || a.LabelOnly != 0 || a.Neither != 0 {
			t.Errorf("%s: agreement %+v, labels pass/fail %v", crit, *a, want)
		}
		if asker.asked[crit] != 2*(want[0]+want[1]) {
			t.Errorf("%s: asked %d times, want two judges x %d labels", crit, asker.asked[crit], want[0]+want[1])
		}
		if k, ok := a.Kappa(); ok && math.Abs(k) > 1e-9 {
			t.Errorf("%s: kappa %.2f for a judge that passes everything", crit, k)
		}
	}
	var out bytes.Buffer
	writeAgreement(&out, agreement, panel.Judges)
	for _, want := range []string{"CRITERION", "KAPPA", "naturalness", "variety"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("agreement table lacks %q:\n%s", want, out.String())
		}
	}
}
