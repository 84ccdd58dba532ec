package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/judges"
)

// The report must open in a real browser: Chromium loads it from disk and
// the DOM it builds holds every business and the chart. The resolver rule
// keeps Chromium from its background DNS lookups, which cost ~9 s offline
// and prove the report needs no network.
func TestReportOpensInChromium(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("no chromium (make test installs it): %v", err)
	}
	run := craftedRun("browser", map[string]map[judges.Criterion][]judges.Status{
		"acai-belem":     {judges.Hook: {P, F}, judges.Variety: {E}},
		"confeitaria-lu": {judges.Naturalness: {P, P}},
	})
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := saveReport(page, run); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--dump-dom", "file://"+page).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	dom := string(out)
	for _, want := range []string{`data-profile="acai-belem"`, `data-profile="confeitaria-lu"`, "<svg", "vote failed: llm provider failed: 502", "A acha &lt;script&gt;"} {
		if !strings.Contains(dom, want) {
			t.Errorf("Chromium's DOM lacks %q", want)
		}
	}
	if strings.Contains(dom, "<script>alert") {
		t.Error("the LLM's text became markup")
	}
}
