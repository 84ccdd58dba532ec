package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// withWebBuild returns a working directory holding a small web build
// (web/build: landing page, SPA shell, one asset).
func withWebBuild(t *testing.T) string {
	t.Helper()
	work := t.TempDir()
	web := filepath.Join(work, "web", "build")
	writeFile(t, filepath.Join(web, "index.html"), "<html>landing</html>")
	writeFile(t, filepath.Join(web, "200.html"), "<html>spa</html>")
	writeFile(t, filepath.Join(web, "_app", "immutable", "app.js"), "console.log(1)")
	return work
}

// /_APP/x answered the SPA page: every reserved prefix is matched without
// regard to case.
func TestServeReservedPrefixesInAnyCase(t *testing.T) {
	work := withWebBuild(t)
	s := startServerUntil(t, work, t.TempDir(), []string{"REKAN_BAML_CLI=/nonexistent"}, "/api/health")
	client := from("127.0.0.1")
	for _, path := range []string{"/_APP/x", "/_App/", "/_APP", "/_aPp/immutable/app.js", "/_app/x", "/API/x", "/Api"} {
		status, _, body := send(t, client, "GET", s.base+path, nil, "")
		if status != 404 || strings.Contains(body, "<html") {
			t.Errorf("GET %s: %d %.80s", path, status, body)
		}
	}
	if status, _, body := send(t, client, "GET", s.base+"/_app/immutable/app.js", nil, ""); status != 200 || body != "console.log(1)" {
		t.Errorf("asset: %d %q", status, body)
	}
}
