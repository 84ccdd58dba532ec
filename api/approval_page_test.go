package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// The client's approval page carries no-referrer, noindex and its stricter
// CSP under every address that serves it (/aprovar/ and /aprovar.html
// served it with the app's headers only), and only there.
func TestApprovalPageHeaders(t *testing.T) {
	work := withWebBuild(t)
	writeFile(t, filepath.Join(work, "web", "build", "aprovar.html"), "<html>aprovar</html>")
	s := startServerUntil(t, work, t.TempDir(), []string{"REKAN_BAML_CLI=/nonexistent"}, "/api/health")
	client := from("127.0.0.1")
	_, landing, _ := send(t, client, "GET", s.base+"/", nil, "")
	for _, path := range []string{"/aprovar", "/aprovar/", "/aprovar.html", "/aprovar?x=1"} {
		status, h, body := send(t, client, "GET", s.base+path, nil, "")
		if status != 200 || body != "<html>aprovar</html>" {
			t.Errorf("GET %s: %d %.80s", path, status, body)
			continue
		}
		if got := h.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("GET %s: Referrer-Policy %q", path, got)
		}
		if got := h.Get("X-Robots-Tag"); !strings.Contains(got, "noindex") {
			t.Errorf("GET %s: X-Robots-Tag %q", path, got)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "http") || csp == landing.Get("Content-Security-Policy") {
			t.Errorf("GET %s: CSP %q (the landing page's: %q)", path, csp, landing.Get("Content-Security-Policy"))
		}
	}
	if got := landing.Get("X-Robots-Tag"); strings.Contains(got, "noindex") {
		t.Errorf("the landing page is noindex: %q", got)
	}
}
