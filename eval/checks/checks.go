// Package checks runs deterministic heuristic checks on a generated post:
// the cheap, explainable quality gate that runs on every post before an
// operator sees it (the LLM judges of package judges run only in the eval
// pipeline). Labels and reasons are Brazilian Portuguese because operators
// read them as badges; IDs are stable English slugs.
package checks

import "github.com/rekan/rekan/eval/content"

// Severity says how bad a failed check is. An error means the post should
// not be published as is; a warning asks the operator to take a look.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Result is the outcome of one check, in the shape the API stores in a
// post's checks[] and the web app shows as a badge.
type Result struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Passed bool   `json:"passed"`
	// Severity is that of the rule that failed; a passed result carries the
	// worst severity the check can report, so the UI can rank badges alike.
	Severity Severity `json:"severity"`
	Reason   string   `json:"reason"`
}

// Check IDs, in the order Run reports them.
const (
	IDCaptionLength       = "caption_length"
	IDHashtags            = "hashtags"
	IDBrazilianPortuguese = "brazilian_portuguese"
	IDProductionNote      = "production_note"
	IDNoLinks             = "no_links"
	IDEngagementBait      = "engagement_bait"
	IDEmojiDensity        = "emoji_density"
)

type check struct {
	id    string
	label string
	worst Severity
	run   func(p content.Post) (passed bool, severity Severity, reason string)
}

var all = []check{
	{IDCaptionLength, "Tamanho da legenda", SeverityError, checkCaptionLength},
	{IDHashtags, "Hashtags", SeverityError, checkHashtags},
	{IDBrazilianPortuguese, "Português do Brasil", SeverityError, checkBrazilianPortuguese},
	{IDProductionNote, "Nota de produção", SeverityError, checkProductionNote},
	{IDNoLinks, "Sem links", SeverityError, checkNoLinks},
	{IDEngagementBait, "Sem isca de engajamento", SeverityWarning, checkEngagementBait},
	{IDEmojiDensity, "Uso de emojis", SeverityWarning, checkEmojiDensity},
}

// IDs lists every check ID in report order.
func IDs() []string {
	ids := make([]string, len(all))
	for i, c := range all {
		ids[i] = c.id
	}
	return ids
}

// Run applies every check to p and returns one result per check, always in
// the same order.
func Run(p content.Post) []Result {
	results := make([]Result, 0, len(all))
	for _, c := range all {
		passed, severity, reason := c.run(p)
		if passed {
			severity = c.worst
		}
		results = append(results, Result{
			ID:       c.id,
			Label:    c.label,
			Passed:   passed,
			Severity: severity,
			Reason:   reason,
		})
	}
	return results
}

// AllPassed reports whether no error-severity check failed; warnings do not
// block a post.
func AllPassed(rs []Result) bool {
	for _, r := range rs {
		if !r.Passed && r.Severity == SeverityError {
			return false
		}
	}
	return true
}

// Failed returns the results that did not pass, errors and warnings alike.
func Failed(rs []Result) []Result {
	var failed []Result
	for _, r := range rs {
		if !r.Passed {
			failed = append(failed, r)
		}
	}
	return failed
}

// Find returns the result with the given ID.
func Find(rs []Result, id string) (Result, bool) {
	for _, r := range rs {
		if r.ID == id {
			return r, true
		}
	}
	return Result{}, false
}
