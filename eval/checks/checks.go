// Package checks runs deterministic heuristic checks on a generated post:
// the cheap, explainable quality gate that runs on every post before an
// operator sees it (the LLM judges of package judges run only in the eval
// pipeline). Format checks read the post alone; content checks read it
// against its Context (profile, brief, previous openings, the other posts
// of the request) and catch what an operator would reject: invented prices
// or deadlines, copy that fits any business, clichés, repeated openings,
// roles not fulfilled. eval/testdata/labelled holds them to measured
// precision and recall. Labels and reasons are Brazilian Portuguese because operators
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
	IDNothingInvented     = "nothing_invented"
	IDSpecific            = "specific_to_business"
	IDStockPhrases        = "no_stock_phrases"
	IDNewHook             = "new_hook"
	IDDistinctPosts       = "distinct_posts"
	IDRoleFulfilled       = "role_fulfilled"
)

// Context is what a post is checked against: the profile and brief it was
// written from, the openings the model was told not to repeat, and the other
// posts of the same request.
type Context struct {
	Business content.Business
	Brief    string
	// PreviousHooks are the business's earlier openings sent to the model.
	PreviousHooks []string
	// Others are the other posts of the same request (not the post itself).
	Others []content.Post
}

// Input is one post and its context.
type Input struct {
	Post content.Post
	Context
}

type check struct {
	id    string
	label string
	worst Severity
	run   func(in Input) (passed bool, severity Severity, reason string)
}

// onPost adapts a check that needs nothing but the post.
func onPost(f func(p content.Post) (bool, Severity, string)) func(Input) (bool, Severity, string) {
	return func(in Input) (bool, Severity, string) { return f(in.Post) }
}

var all = []check{
	{IDCaptionLength, "Tamanho da legenda", SeverityError, onPost(checkCaptionLength)},
	{IDHashtags, "Hashtags", SeverityError, onPost(checkHashtags)},
	{IDBrazilianPortuguese, "Português do Brasil", SeverityError, onPost(checkBrazilianPortuguese)},
	{IDProductionNote, "Nota de produção", SeverityError, onPost(checkProductionNote)},
	{IDNoLinks, "Sem links", SeverityError, onPost(checkNoLinks)},
	{IDEngagementBait, "Sem isca de engajamento", SeverityWarning, onPost(checkEngagementBait)},
	{IDEmojiDensity, "Uso de emojis", SeverityWarning, onPost(checkEmojiDensity)},
	{IDNothingInvented, "Nada inventado", SeverityError, checkNothingInvented},
	{IDSpecific, "Fala deste negócio", SeverityError, checkSpecific},
	{IDStockPhrases, "Sem frases feitas", SeverityError, checkStockPhrases},
	{IDNewHook, "Gancho novo", SeverityError, checkNewHook},
	{IDDistinctPosts, "Posts diferentes entre si", SeverityError, checkDistinctPosts},
	{IDRoleFulfilled, "Cumpre o papel", SeverityError, checkRoleFulfilled},
}

// IDs lists every check ID in report order.
func IDs() []string {
	ids := make([]string, len(all))
	for i, c := range all {
		ids[i] = c.id
	}
	return ids
}

// Run applies every check to in and returns one result per check, always
// in the same order.
func Run(in Input) []Result {
	results := make([]Result, 0, len(all))
	for _, c := range all {
		passed, severity, reason := c.run(in)
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

// RunRequest checks every post of one request, each against the others,
// and returns the results in the posts' order.
func RunRequest(c Context, posts []content.Post) [][]Result {
	out := make([][]Result, len(posts))
	for i, p := range posts {
		in := Input{Post: p, Context: c}
		in.Others = make([]content.Post, 0, len(posts)-1)
		in.Others = append(in.Others, posts[:i]...)
		in.Others = append(in.Others, posts[i+1:]...)
		out[i] = Run(in)
	}
	return out
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
