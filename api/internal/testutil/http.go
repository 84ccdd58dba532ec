package testutil

import (
	"context"
	"net/http"
	"testing"

	"github.com/rekan/rekan/eval/stack"
)

// Call sends a JSON request to a running server (stack.Call), with token as
// the Authorization header when set, and returns the status, the headers
// and the trimmed body. A transport error fails the test.
func Call(t testing.TB, ctx context.Context, method, url, token, body string) (int, http.Header, string) {
	t.Helper()
	status, header, raw, err := stack.Call(ctx, nil, method, url, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return status, header, raw
}
