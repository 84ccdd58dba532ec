package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/judges"
)

// Change is how a metric moved from run A to run B.
type Change string

// Changes. A metric missing on one side (a profile added or removed, a run
// without judges) is reported, not scored.
const (
	Improved  Change = "improved"
	Regressed Change = "REGRESSED"
	Same      Change = "same"
	OnlyInA   Change = "only in A"
	OnlyInB   Change = "only in B"
)

// DiffRow compares one metric ("checks" or a criterion) of one business,
// or of the whole run when Business is "TOTAL".
type DiffRow struct {
	Business string
	Metric   string
	A, B     Tally
	Change   Change
}

func diffRuns(a, b *Run) []DiffRow {
	sa, sb := statsOf(a), statsOf(b)
	byID := func(rs RunStats) map[string]BusinessStats {
		m := make(map[string]BusinessStats, len(rs.Businesses))
		for _, bs := range rs.Businesses {
			m[bs.ID] = bs
		}
		return m
	}
	ma, mb := byID(sa), byID(sb)
	ids := make([]string, 0, len(ma)+len(mb))
	for id := range ma {
		ids = append(ids, id)
	}
	for id := range mb {
		if _, ok := ma[id]; !ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)

	// The checks together, then each check alone ("check:tone"), so a
	// diff names what moved, then each judge criterion.
	metrics := []string{"checks"}
	for _, id := range checks.IDs() {
		metrics = append(metrics, checkMetric+id)
	}
	for _, c := range judges.Criteria {
		metrics = append(metrics, string(c))
	}
	pick := func(bs BusinessStats, metric string) Tally {
		if metric == "checks" {
			return bs.Checks
		}
		if id, ok := strings.CutPrefix(metric, checkMetric); ok {
			return bs.ByCheck[id]
		}
		return bs.Criteria[judges.Criterion(metric)]
	}
	sampled := a.Options.Samples > 0 && b.Options.Samples > 0

	var rows []DiffRow
	for _, id := range ids {
		ba, inA := ma[id]
		bb, inB := mb[id]
		for _, m := range metrics {
			ta, tb := pick(ba, m), pick(bb, m)
			if ta.Total() == 0 && tb.Total() == 0 {
				continue
			}
			row := DiffRow{Business: id, Metric: m, A: ta, B: tb}
			switch {
			case !inA || ta.Total() == 0:
				row.Change = OnlyInB
			case !inB || tb.Total() == 0:
				row.Change = OnlyInA
			default:
				row.Change = compare(ta, tb, sampled)
			}
			rows = append(rows, row)
		}
	}
	for _, m := range metrics {
		if strings.HasPrefix(m, checkMetric) {
			continue // per check: per business only
		}
		var ta, tb Tally
		if m == "checks" {
			ta, tb = sa.Checks, sb.Checks
		} else {
			ta, tb = sa.Criteria[judges.Criterion(m)], sb.Criteria[judges.Criterion(m)]
		}
		if ta.Total() == 0 && tb.Total() == 0 {
			continue
		}
		row := DiffRow{Business: "TOTAL", Metric: m, A: ta, B: tb, Change: compare(ta, tb, sampled)}
		if ta.Total() == 0 {
			row.Change = OnlyInB
		} else if tb.Total() == 0 {
			row.Change = OnlyInA
		}
		rows = append(rows, row)
	}
	return rows
}

// checkMetric prefixes a single check's metric name.
const checkMetric = "check:"

// compare says how a rate moved. With sampled runs (--samples on both
// sides) a move counts only when the 95% intervals do not overlap, so one
// post flipping does not mark a business as regressed.
func compare(a, b Tally, sampled bool) Change {
	ra, _ := a.Rate()
	rb, _ := b.Rate()
	if sampled {
		loA, hiA := wilson(a.Pass, a.Total())
		loB, hiB := wilson(b.Pass, b.Total())
		switch {
		case loB > hiA:
			return Improved
		case hiB < loA:
			return Regressed
		}
		return Same
	}
	const eps = 1e-9
	switch {
	case rb > ra+eps:
		return Improved
	case rb < ra-eps:
		return Regressed
	default:
		return Same
	}
}

// writeDiff prints what changed per business and metric, then the totals.
// Unchanged per-business rows are only counted, to keep the signal visible.
func writeDiff(w io.Writer, a, b *Run, pathA, pathB string) (improved, regressed int) {
	rows := diffRuns(a, b)
	fmt.Fprintf(w, "A: %s (%s)\nB: %s (%s)\n\n", pathA, a.ID, pathB, b.ID)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BUSINESS\tMETRIC\tA\tB\tCHANGE")
	same := 0
	for _, r := range rows {
		switch r.Change {
		case Improved:
			improved++
		case Regressed:
			regressed++
		}
		if r.Business != "TOTAL" && r.Change == Same {
			same++
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Business, r.Metric, cell(r.A), cell(r.B), r.Change)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d improved, %d regressed, %d unchanged (per business and metric, totals included)\n", improved, regressed, same)
	return improved, regressed
}

func cell(t Tally) string {
	rate, ok := t.Rate()
	if !ok {
		return "-"
	}
	return fmt.Sprintf("%s (%.0f%%)", ratio(t), rate*100)
}
