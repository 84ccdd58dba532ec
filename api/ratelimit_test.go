package main

import (
	"net/http"
	"strings"
	"testing"
)

// PocketBase's 429 said "Too Many Requests." and nothing about when to try
// again; an operator's 11th generation in a minute is told how long.
func TestServeRateLimitSaysHowLong(t *testing.T) {
	s := startServerUntil(t, t.TempDir(), t.TempDir(), []string{"REKAN_BAML_CLI=/nonexistent"}, "/api/health")
	var status int
	var header http.Header
	var body string
	for range 11 {
		status, header, body = send(t, from("127.0.0.1"), "POST", s.base+"/api/rekan/businesses/x/posts:generate", nil, `{"brief":"bolo"}`)
	}
	if status != 429 || header.Get("Retry-After") != "60" || !strings.Contains(body, "Tente de novo em 1 minuto.") {
		t.Errorf("11th generation in a minute: %d Retry-After %q %s", status, header.Get("Retry-After"), body)
	}
}
