package content

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// RuntimeError maps a non-200 answer of the BAML HTTP runtime to the seam's
// sentinels, for every caller of a BAML function (the writer, the judges).
// output names the class the function returns, for the message.
//
// A validation failure's message embeds the prompt and the raw reply, so it
// never enters the error. Other messages lose the runtime's backtrace, are
// scrubbed of secrets (providers like to quote the key they rejected) and
// cut short.
func RuntimeError(status int, body []byte, output string, secrets []string) error {
	var answer struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &answer)
	switch {
	case answer.Error == "validation_failure":
		return fmt.Errorf("%w: the model's reply does not match %s", ErrInvalidOutput, output)
	case status == http.StatusForbidden:
		return fmt.Errorf("%w: runtime refused the password (status 403)", ErrRuntimeUnavailable)
	case status == http.StatusServiceUnavailable && answer.Error == "":
		return fmt.Errorf("%w: status 503", ErrRuntimeUnavailable)
	}
	detail := answer.Message
	if answer.Error == "" {
		detail = string(body)
	}
	kind := answer.Error
	if kind == "" {
		kind = "unknown"
	}
	return fmt.Errorf("%w: runtime status %d (%s): %s", ErrProvider, status, kind, scrub(detail, secrets))
}

// TransportError classifies a call that got no answer from the runtime: the
// caller's deadline or cancellation counts as the provider's slowness (the
// runtime was waiting on it); anything else (connection refused or reset)
// means the child is down or died mid-call.
func TransportError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%w: gave up waiting: %w", ErrProvider, ctxErr)
	}
	return fmt.Errorf("%w: %v", ErrRuntimeUnavailable, err)
}

// maxDetailRunes bounds the provider's words in an error: enough for the
// reason, not enough to carry a prompt along.
const maxDetailRunes = 300

func scrub(s string, secrets []string) string {
	if i := strings.Index(s, "Stack backtrace"); i >= 0 {
		s = s[:i]
	}
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxDetailRunes {
		s = string(r[:maxDetailRunes]) + "…"
	}
	return s
}
