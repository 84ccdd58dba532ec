package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/rekan/rekan/eval/checks"
)

// writeSummary prints one row per business and a total row. Criterion cells
// read "passed/judged", with "+Ne" when N verdicts could not be given.
func writeSummary(w io.Writer, run *Run) {
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
