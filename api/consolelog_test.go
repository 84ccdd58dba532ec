package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The server's console (stderr, what journald keeps) says which generation
// failed and why, not only the admin UI's logs.
func TestServeConsoleLogsFailedGenerations(t *testing.T) {
	s := serverWithOperator(t)
	token, business := s.loginWithBusiness(t, "ana@example.com", "a-long-password")
	g := postGenerate(s.base, token, business, "bolo de pote de maracujá")
	var failed struct {
		Data struct {
			Code  string `json:"code"`
			Posts []struct {
				ID string `json:"id"`
			} `json:"posts"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(g.body), &failed); err != nil || g.status != 503 || len(failed.Data.Posts) != 1 {
		t.Fatalf("generation without a runtime: %d %s", g.status, g.body)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.Log(), failed.Data.Posts[0].ID) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	logs := s.Log()
	line := ""
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "post generation failed") {
			line = l
		}
	}
	if !strings.Contains(line, failed.Data.Posts[0].ID) || !strings.Contains(line, "class=") || !strings.Contains(line, "code="+failed.Data.Code) {
		t.Errorf("console line of the failed generation: %q\nlogs:\n%s", line, logs)
	}
}

// serverWithOperator starts a server without a BAML runtime whose data
// holds the operator ana@example.com (password "a-long-password").
func serverWithOperator(t *testing.T) *server {
	t.Helper()
	data := t.TempDir()
	if r := runCLI(t, data, "", "operator", "add", "ana@example.com", "a-long-password"); r.code != 0 {
		t.Fatalf("operator add: %+v", r)
	}
	return startServerUntil(t, t.TempDir(), data, []string{"REKAN_BAML_CLI=/nonexistent"}, "/api/health")
}
