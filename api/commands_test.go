package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

var documentedCommand = regexp.MustCompile("(?m)(?:^|[\\s(`])(?:bin/api|sudo rekan|rekan|api) ((?:[a-z][a-z-]*(?:[ \\t]+|$|`))+)")

// Every command README.md and CLAUDE.md show exists in the binary (its
// --help resolves to exactly that command), and an unknown one exits
// non-zero instead of printing usage with status 0.
func TestDocumentedCommandsExist(t *testing.T) {
	seen := map[string]bool{}
	for _, doc := range []string{"../README.md", "../CLAUDE.md"} {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range codeOf(string(raw)) {
			for _, m := range documentedCommand.FindAllStringSubmatch(code, -1) {
				seen[strings.Join(strings.Fields(strings.ReplaceAll(m[1], "`", " ")), " ")] = true
			}
		}
	}
	for _, want := range []string{"operator add", "superuser upsert", "migrate up", "serve"} {
		if !seen[want] {
			t.Errorf("the docs no longer show %q (or this test no longer finds commands): %v", want, seen)
		}
	}
	for line := range seen {
		words := strings.Fields(line)
		r := runCLI(t, t.TempDir(), "", append(words, "--help")...)
		usage := regexp.MustCompile(`Usage:\n\s+api((?: [a-z][a-z-]*)*)`).FindStringSubmatch(r.stdout)
		if r.code != 0 || usage == nil {
			t.Errorf("api %s --help: exit %d\n%s%s", line, r.code, r.stdout, r.stderr)
			continue
		}
		resolved := strings.Fields(usage[1])
		// Words past the command are its arguments (migrate up), unless the
		// command only groups others: then the word names a missing one.
		if len(resolved) > len(words) || strings.Join(words[:len(resolved)], " ") != strings.Join(resolved, " ") ||
			len(resolved) < len(words) && strings.Contains(r.stdout, "Available Commands:") {
			t.Errorf("the docs show `api %s`, the binary has `api %s`", line, usage[1])
		}
	}
	for _, unknown := range [][]string{{"bogus"}, {"superuser", "ips"}, {"operator", "bogus"}, {"migrate", "bogus"}} {
		if r := runCLI(t, t.TempDir(), "", unknown...); r.code == 0 {
			t.Errorf("api %s exits 0:\n%s%s", strings.Join(unknown, " "), r.stdout, r.stderr)
		}
	}
}

func codeOf(markdown string) []string {
	var code []string
	fence := regexp.MustCompile("(?ms)^\\s*```[a-z]*\\n(.*?)^\\s*```")
	for _, m := range fence.FindAllStringSubmatch(markdown, -1) {
		code = append(code, m[1])
	}
	rest := fence.ReplaceAllString(markdown, "")
	for _, m := range regexp.MustCompile("`([^`\\n]+)`").FindAllStringSubmatch(rest, -1) {
		code = append(code, m[1])
	}
	return code
}
