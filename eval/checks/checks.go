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
	// NotApplicable is set when the check had nothing to look at (no
	// earlier openings, a single post, no claim in the caption): Passed is
	// then true because nothing is wrong, but it is not an approval and
	// the card counts it apart. Results stored before the field existed
	// decode as applicable, which is what they claimed.
	NotApplicable bool `json:"not_applicable,omitempty"`
	// Claims are the statements a failed claims check could not back, as
	// the operator can confirm them (see Context.Confirmed).
	Claims []string `json:"claims,omitempty"`
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
	IDClaimsBacked        = "claims_backed"
	IDBusinessName        = "business_name"
	IDAddressesBrief      = "addresses_brief"
	IDTone                = "tone"
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
	// Confirmed are claims the operator marked as true on this post ("o
	// cliente confirmou"): they back the caption like a line of the profile.
	Confirmed []string
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
	// result, when set instead of run, gives the whole result (a check
	// that also lists what the operator can confirm).
	result func(in Input) Result
}

// notApplicable is what a check's run returns as severity, with passed
// true, when it had nothing to look at.
const notApplicable Severity = "n/a"

// onPost adapts a check that needs nothing but the post.
func onPost(f func(p content.Post) (bool, Severity, string)) func(Input) (bool, Severity, string) {
	return func(in Input) (bool, Severity, string) { return f(in.Post) }
}

var all = []check{
	{IDCaptionLength, "Tamanho da legenda", SeverityError, onPost(checkCaptionLength), nil},
	{IDHashtags, "Hashtags", SeverityError, checkHashtagsOnTopic, nil},
	{IDBrazilianPortuguese, "Português do Brasil", SeverityError, onPost(checkLanguage), nil},
	{IDProductionNote, "Nota de produção", SeverityError, onPost(checkProductionNote), nil},
	{IDNoLinks, "Sem links", SeverityError, onPost(checkNoLinks), nil},
	{IDEngagementBait, "Sem isca de engajamento", SeverityWarning, onPost(checkEngagementBait), nil},
	{IDEmojiDensity, "Uso de emojis", SeverityWarning, onPost(checkEmojiDensity), nil},
	{IDNothingInvented, "Nada inventado", SeverityError, checkNothingInvented, nil},
	{IDSpecific, "Fala deste negócio", SeverityError, checkSpecific, nil},
	{IDStockPhrases, "Sem frases feitas", SeverityError, checkStockPhrases, nil},
	{IDNewHook, "Gancho novo", SeverityError, checkNewHook, nil},
	{IDDistinctPosts, "Posts diferentes entre si", SeverityError, checkDistinctPosts, nil},
	{IDRoleFulfilled, "Cumpre o papel", SeverityError, checkRoleFulfilled, nil},
	{id: IDClaimsBacked, label: "Afirmações com base no perfil", worst: SeverityError, result: checkClaims},
	{IDBusinessName, "Nome do negócio", SeverityError, checkBusinessName, nil},
	{IDAddressesBrief, "Atende ao pedido", SeverityWarning, checkAddressesBrief, nil},
	{IDTone, "Tom de voz", SeverityWarning, checkTone, nil},
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
		var r Result
		if c.result != nil {
			r = c.result(in)
		} else {
			r.Passed, r.Severity, r.Reason = c.run(in)
		}
		r.ID, r.Label = c.id, c.label
		if r.Passed {
			r.NotApplicable = r.Severity == notApplicable
			r.Severity = c.worst
		}
		results = append(results, r)
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
