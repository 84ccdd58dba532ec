package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/rekan/rekan/eval/checks"
)

// writeSummary prints one row per business and a total row. Criterion cells
// read "passed/judged", with "+Ne" when N verdicts could not be given.
func writeSummary(w io.Writer, run *Run) {
	if line := fakeLine(run); line != "" {
		fmt.Fprintln(w, line)
	}
	rs := statsOf(run)
	shown := rs.shownCriteria()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "BUSINESS\tPOSTS\tCHECKS"
	if rs.Judged {
		for _, c := range shown {
			header += "\t" + string(c)
		}
	}
	if rs.Judged {
		header += "\tFAILED VOTES"
	}
	if run.Options.Chain > 1 {
		header += "\tREUSED OPENINGS"
	}
	header += "\tGEN ERRORS"
	fmt.Fprintln(tw, header)
	for _, bs := range rs.Businesses {
		row := fmt.Sprintf("%s\t%d\t%s", bs.ID, bs.Posts, ratio(bs.Checks))
		if rs.Judged {
			for _, c := range shown {
				row += "\t" + ratio(bs.Criteria[c])
			}
		}
		if rs.Judged {
			row += fmt.Sprintf("\t%d", bs.FailedVotes)
		}
		if run.Options.Chain > 1 {
			row += fmt.Sprintf("\t%d", bs.ReusedOpenings)
		}
		row += fmt.Sprintf("\t%d/%d", bs.GenErrors, bs.Generations)
		fmt.Fprintln(tw, row)
	}
	total := fmt.Sprintf("TOTAL\t%d\t%s", rs.Posts, percent(rs.Checks))
	if rs.Judged {
		for _, c := range shown {
			total += "\t" + percent(rs.Criteria[c])
		}
	}
	if rs.Judged {
		failed := 0
		for _, bs := range rs.Businesses {
			failed += bs.FailedVotes
		}
		total += fmt.Sprintf("\t%d", failed)
	}
	if run.Options.Chain > 1 {
		reused := 0
		for _, bs := range rs.Businesses {
			reused += bs.ReusedOpenings
		}
		total += fmt.Sprintf("\t%d", reused)
	}
	total += fmt.Sprintf("\t%d/%d", rs.GenErrors, rs.Generations)
	fmt.Fprintln(tw, total)
	tw.Flush()

	if run.Options.Samples > 0 {
		writeIntervals(w, rs)
	}
	writeFailedChecks(w, run)
	if rate, basis, ok := rs.Score(); ok {
		fmt.Fprintf(w, "score: %.1f%% of %s passed\n", rate*100, basis)
	} else {
		fmt.Fprintln(w, "score: nothing was checked")
	}
}

func ratio(t Tally) string {
	if t.Total() == 0 {
		return "-"
	}
	s := fmt.Sprintf("%d/%d", t.Pass, t.Pass+t.Fail)
	if t.Error > 0 {
		s += fmt.Sprintf("+%de", t.Error)
	}
	return s
}

func percent(t Tally) string {
	rate, ok := t.Rate()
	if !ok {
		return "-"
	}
	s := fmt.Sprintf("%.0f%%", rate*100)
	if t.Error > 0 {
		s += fmt.Sprintf("+%de", t.Error)
	}
	return s
}

// writeFailedChecks lists, per check that failed at least once, on how many
// posts it failed and one reason, so a run shows what went wrong and not
// only how much.
func writeFailedChecks(w io.Writer, run *Run) {
	failed := map[string]int{}
	example := map[string]string{}
	posts := 0
	for _, br := range run.Businesses {
		for _, g := range br.Generations {
			for _, p := range g.Posts {
				posts++
				for _, c := range p.Checks {
					if !c.Passed {
						failed[c.ID]++
						if example[c.ID] == "" {
							example[c.ID] = br.Profile.ID + ": " + c.Reason
						}
					}
				}
			}
		}
	}
	if len(failed) == 0 {
		return
	}
	fmt.Fprintln(w, "failed checks:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, id := range checks.IDs() {
		if n := failed[id]; n > 0 {
			fmt.Fprintf(tw, "  %s\t%d/%d posts\te.g. %s\n", id, n, posts, shortReason(example[id]))
		}
	}
	tw.Flush()
}

func shortReason(s string) string {
	if r := []rune(s); len(r) > 110 {
		return string(r[:109]) + "…"
	}
	return s
}

// fakeLine is the report's first line when fakellm wrote or judged the
// posts, "" otherwise: such scores say nothing about the prompts.
func fakeLine(run *Run) string {
	o := run.Options
	switch {
	case o.FakeWriter && o.FakeJudges:
		return "FAKE LLM: fakellm wrote and judged these posts; the scores say nothing about the prompts."
	case o.FakeWriter:
		return "FAKE LLM: fakellm wrote these posts; the scores say nothing about the prompts."
	case o.FakeJudges:
		return "FAKE LLM: fakellm judged these posts; the verdicts say nothing about them."
	}
	return ""
}

// writeIntervals prints, for a --samples run, each business's rates with
// their 95% Wilson interval: one post flipping moves a rate, rarely out of
// its interval.
func writeIntervals(w io.Writer, rs RunStats) {
	fmt.Fprintln(w, "rates with 95% intervals (Wilson):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "  BUSINESS\tPOSTS\tPUBLISHABLE POSTS\tCHECKS"
	if rs.Judged {
		header += "\tJUDGE VERDICTS (gated)"
	}
	fmt.Fprintln(tw, header)
	row := func(id string, posts int, pub, chk, gated Tally) {
		line := fmt.Sprintf("  %s\t%d\t%s\t%s", id, posts, interval(pub), interval(chk))
		if rs.Judged {
			line += "\t" + interval(gated)
		}
		fmt.Fprintln(tw, line)
	}
	for _, bs := range rs.Businesses {
		row(bs.ID, bs.Posts, bs.Publishable, bs.Checks, bs.Gated)
	}
	row("TOTAL", rs.Posts, rs.Publishable, rs.Checks, rs.Gated)
	tw.Flush()
}

// interval writes a tally as "k/n 83% [64–93%]".
func interval(t Tally) string {
	if t.Total() == 0 {
		return "-"
	}
	lo, hi := wilson(t.Pass, t.Total())
	return fmt.Sprintf("%d/%d %.0f%% [%.0f–%.0f%%]", t.Pass, t.Total(), 100*float64(t.Pass)/float64(t.Total()), lo*100, hi*100)
}

// wilson is the 95% Wilson score interval of k successes in n trials:
// unlike the normal approximation it stays inside [0, 1] and is honest for
// the small n and extreme rates an eval run has.
func wilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.959964
	p := float64(k) / float64(n)
	nf := float64(n)
	denom := 1 + z*z/nf
	centre := (p + z*z/(2*nf)) / denom
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / denom
	return max(0, centre-half), min(1, centre+half)
}
