package testutil

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Call sends a JSON request to a running server, with token as the
// Authorization header when set, and returns the status, the headers and the
// trimmed body. A transport error fails the test.
func Call(t testing.TB, ctx context.Context, method, url, token, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s %s: %v", method, url, err)
	}
	return res.StatusCode, res.Header, strings.TrimSpace(string(raw))
}
