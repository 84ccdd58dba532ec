// Package errcode names the machine-readable codes the API puts in an
// error's data.code, which the web app maps to what it tells the operator.
// The web app reads them from web/src/lib/facts.gen.ts, generated from this
// file (api/cmd/webfacts), so neither side spells them alone.
package errcode

// Codes an error response may carry in data.code.
const (
	LLMNotConfigured = "llm_not_configured" // no provider key on this instance
	LLMUnavailable   = "llm_unavailable"    // the content runtime is down
	LLMFailed        = "llm_failed"         // the provider failed or answered nonsense
	InternalError    = "internal_error"     // our own bug preparing the request
	Restarting       = "restarting"         // the server is draining to restart
	PostGenerating   = "post_generating"    // an edit while the post is being written
	PostDeleted      = "post_deleted"       // the post went away while being written
	PostClosed       = "post_closed"        // an approval on a post no longer sent
	NoChangeRequest  = "no_change_request"  // a revision without the client's note
)

// All lists every code by the name the web app uses.
var All = []struct{ Name, Code string }{
	{"llmNotConfigured", LLMNotConfigured},
	{"llmUnavailable", LLMUnavailable},
	{"llmFailed", LLMFailed},
	{"internalError", InternalError},
	{"restarting", Restarting},
	{"postGenerating", PostGenerating},
	{"postDeleted", PostDeleted},
	{"postClosed", PostClosed},
	{"noChangeRequest", NoChangeRequest},
}
