package main

import (
	"slices"
	"strings"
	"unicode"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/judges"
)

// Tally counts outcomes. For checks, Fail counts failed checks and Error
// stays zero.
type Tally struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Error int `json:"error"`
}

// Total is every counted outcome.
func (t Tally) Total() int { return t.Pass + t.Fail + t.Error }

// Rate is the pass rate; ok is false when nothing was counted. Errors count
// against the rate: a verdict nobody could give is not a pass.
func (t Tally) Rate() (rate float64, ok bool) {
	if t.Total() == 0 {
		return 0, false
	}
	return float64(t.Pass) / float64(t.Total()), true
}

func (t *Tally) add(s judges.Status) {
	switch s {
	case judges.StatusPass:
		t.Pass++
	case judges.StatusFail:
		t.Fail++
	default:
		t.Error++
	}
}

// BusinessStats summarises one business of a run.
type BusinessStats struct {
	ID          string
	Name        string
	Generations int
	GenErrors   int
	Posts       int
	Checks      Tally
	// ByCheck counts each check alone (applicable results only), so a
	// diff can name the checks that moved.
	ByCheck map[string]Tally
	// Publishable counts posts with no failed error-level check.
	Publishable Tally
	// Gated is Criteria's verdicts with every verdict of a post that
	// failed an error-level check counted as a fail.
	Gated    Tally
	Criteria map[judges.Criterion]Tally
	// FailedVotes counts votes a judge could not cast; the verdict then
	// rested on fewer judges than the panel has.
	FailedVotes int
	// ReusedOpenings counts posts opening like an earlier post of the same
	// business (what --chain is there to expose).
	ReusedOpenings int
}

// RunStats summarises a run.
type RunStats struct {
	Businesses  []BusinessStats
	Criteria    map[judges.Criterion]Tally
	Checks      Tally
	Publishable Tally
	Gated       Tally
	Generations int
	GenErrors   int
	Posts       int
	Judged      bool
}

func statsOf(run *Run) RunStats {
	rs := RunStats{Criteria: map[judges.Criterion]Tally{}, Judged: run.Options.Judges}
	for _, br := range run.Businesses {
		bs := BusinessStats{ID: br.Profile.ID, Name: br.Profile.Name, Criteria: map[judges.Criterion]Tally{}, ByCheck: map[string]Tally{}}
		seen := map[string]bool{}
		for _, g := range br.Generations {
			bs.Generations++
			if g.Error != "" {
				bs.GenErrors++
			}
			for _, p := range g.Posts {
				bs.Posts++
				for _, c := range p.Checks {
					// A check with nothing to look at is no pass.
					if c.NotApplicable {
						continue
					}
					t := bs.ByCheck[c.ID]
					if c.Passed {
						bs.Checks.Pass++
						t.Pass++
					} else {
						bs.Checks.Fail++
						t.Fail++
					}
					bs.ByCheck[c.ID] = t
				}
				blocked := !checks.AllPassed(p.Checks)
				if blocked {
					bs.Publishable.Fail++
				} else {
					bs.Publishable.Pass++
				}
				for _, v := range p.Verdicts {
					bs.count(v)
					if blocked {
						bs.Gated.Fail++
					} else {
						bs.Gated.add(v.Status)
					}
				}
				if key := opening(p.Hook); key != "" {
					if seen[key] {
						bs.ReusedOpenings++
					}
					seen[key] = true
				}
			}
			if g.Variety != nil {
				bs.count(*g.Variety)
				bs.Gated.add(g.Variety.Status)
			}
		}
		rs.Generations += bs.Generations
		rs.GenErrors += bs.GenErrors
		rs.Posts += bs.Posts
		rs.Checks.Pass += bs.Checks.Pass
		rs.Checks.Fail += bs.Checks.Fail
		rs.Publishable.merge(bs.Publishable)
		rs.Gated.merge(bs.Gated)
		for c, t := range bs.Criteria {
			all := rs.Criteria[c]
			all.Pass += t.Pass
			all.Fail += t.Fail
			all.Error += t.Error
			rs.Criteria[c] = all
		}
		rs.Businesses = append(rs.Businesses, bs)
	}
	return rs
}

func (t *Tally) merge(o Tally) {
	t.Pass += o.Pass
	t.Fail += o.Fail
	t.Error += o.Error
}

func (bs *BusinessStats) count(v judges.Verdict) {
	t := bs.Criteria[v.Criterion]
	t.add(v.Status)
	bs.Criteria[v.Criterion] = t
	for _, vote := range v.Votes {
		if vote.Failed() {
			bs.FailedVotes++
		}
	}
}

// Score is what --fail-under compares: the judges' pass rate over every
// verdict when the panel ran, the heuristic checks' pass rate otherwise.
// The judges do not see the checks, so a post that fails an error-level
// check (an invented price) fails all its verdicts: it cannot be
// published, however well it reads.
func (rs RunStats) Score() (rate float64, basis string, ok bool) {
	if rs.Judged {
		rate, ok = rs.Gated.Rate()
		return rate, "judge verdicts", ok
	}
	rate, ok = rs.Checks.Rate()
	return rate, "heuristic checks", ok
}

// opening reduces a hook to its first four words, lowercased and without
// punctuation or emoji, so "Hoje tem bolo!" and "hoje tem bolo 🎂" match.
func opening(hook string) string {
	words := strings.FieldsFunc(strings.ToLower(hook), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > 4 {
		words = words[:4]
	}
	return strings.Join(words, " ")
}

// shownCriteria are the criteria tables and charts show: every text
// criterion, and the photo ones only when the run judged any (runs without
// photos would otherwise carry an empty column).
func (rs RunStats) shownCriteria() []judges.Criterion {
	out := make([]judges.Criterion, 0, len(judges.Criteria))
	for _, c := range judges.Criteria {
		if slices.Contains(judges.PhotoCriteria, c) && rs.Criteria[c].Total() == 0 {
			continue
		}
		out = append(out, c)
	}
	return out
}
