package main

import (
	"strings"
	"testing"
)

// Through the CLI: a post that fails an error-level check cannot score
// 100% with the judges (fakellm's judges pass everything they see), and the
// report says on its first line that the fake wrote the posts.
func TestFakeFaultWithJudgesIsNotPerfect(t *testing.T) {
	h := newHarness(t)
	res := h.mustRun(t, "--fake-fault", "invented_price", "--judges", "--profile", "confeitaria-lu", "--count", "1", "--fail-under", "0.99")
	if res.code != exitBelow {
		t.Errorf("exit %d, want %d (below --fail-under)\n%s\n%s", res.code, exitBelow, res.stdout, res.stderr)
	}
	if strings.Contains(res.stdout, "score: 100.0%") || !strings.Contains(res.stdout, "score: 0.0% of judge verdicts passed") {
		t.Errorf("a post with an invented price scored:\n%s", res.stdout)
	}
	first, _, _ := strings.Cut(res.stdout, "\n")
	if first != "FAKE LLM: fakellm wrote and judged these posts; the scores say nothing about the prompts." {
		t.Errorf("first line %q", first)
	}
	if !res.run.Options.FakeWriter || !res.run.Options.FakeJudges {
		t.Errorf("the saved run does not record the fake: %+v", res.run.Options)
	}

	// The real provider (scripted here by the harness's fakellm, but not
	// the in-process fake) gets no such line.
	res = h.mustRun(t, "--profile", "confeitaria-lu", "--count", "1")
	if strings.HasPrefix(res.stdout, "FAKE LLM") || res.run.Options.FakeWriter {
		t.Errorf("flagged as fake with a provider configured:\n%s", res.stdout)
	}
}

// --samples N writes N posts per profile in independent generations and
// prints the rates with their intervals.
func TestSamples(t *testing.T) {
	h := newHarness(t)
	res := h.mustRun(t, "--fake", "--samples", "5", "--count", "2", "--profile", "confeitaria-lu")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	gens := res.run.Businesses[0].Generations
	posts := 0
	for _, g := range gens {
		posts += len(g.Posts)
		if len(g.PreviousHooks) != 0 {
			t.Errorf("generation %d was fed earlier hooks: samples are independent", g.Index)
		}
	}
	if len(gens) != 3 || posts != 5 || res.run.Options.Samples != 5 {
		t.Errorf("%d generations, %d posts, samples %d; want 3, 5, 5", len(gens), posts, res.run.Options.Samples)
	}
	for _, want := range []string{"rates with 95% intervals (Wilson):", "PUBLISHABLE POSTS", "5/5 100% [57–100%]"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, res.stdout)
		}
	}
	if bad := h.run(t, "--fake", "--samples", "4", "--chain", "2", "--profile", "confeitaria-lu"); bad.code != exitUsage {
		t.Errorf("--samples with --chain: exit %d, want %d", bad.code, exitUsage)
	}
}

// --diff names, per profile, the checks that moved.
func TestDiffNamesTheChecksThatMoved(t *testing.T) {
	h := newHarness(t)
	a := h.mustRun(t, "--fake", "--profile", "confeitaria-lu", "--count", "1")
	b := h.mustRun(t, "--fake-fault", "invented_price", "--profile", "confeitaria-lu", "--count", "1")
	res := h.run(t, "--diff", a.path, b.path)
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	var row string
	for _, line := range strings.Split(res.stdout, "\n") {
		if strings.Contains(line, "check:nothing_invented") {
			row = line
		}
	}
	if !strings.HasPrefix(row, "confeitaria-lu") || !strings.Contains(row, "REGRESSED") {
		t.Errorf("no regressed nothing_invented row for the profile:\n%s", res.stdout)
	}
	if strings.Contains(res.stdout, "check:no_links") {
		t.Errorf("a check that did not move is listed:\n%s", res.stdout)
	}
}

func TestWilson(t *testing.T) {
	for _, c := range []struct {
		k, n   int
		lo, hi float64
	}{{5, 5, 0.566, 1}, {0, 10, 0, 0.278}, {50, 100, 0.404, 0.596}} {
		lo, hi := wilson(c.k, c.n)
		if d := lo - c.lo; d > 0.001 || d < -0.001 {
			t.Errorf("wilson(%d, %d) lo = %.3f, want %.3f", c.k, c.n, lo, c.lo)
		}
		if d := hi - c.hi; d > 0.001 || d < -0.001 {
			t.Errorf("wilson(%d, %d) hi = %.3f, want %.3f", c.k, c.n, hi, c.hi)
		}
	}
	// Sampled runs: one post flipping out of ten is no regression.
	if got := compare(Tally{Pass: 10}, Tally{Pass: 9, Fail: 1}, true); got != Same {
		t.Errorf("10/10 -> 9/10 sampled = %s, want same", got)
	}
	if got := compare(Tally{Pass: 10}, Tally{Pass: 9, Fail: 1}, false); got != Regressed {
		t.Errorf("10/10 -> 9/10 unsampled = %s, want regressed", got)
	}
}
