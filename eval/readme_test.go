package eval_test

import (
	"bufio"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
)

const (
	modulePath    = "github.com/rekan/rekan/eval"
	shippedHeader = "## Shipped in `bin/api`"
	toolsHeader   = "## Tools (not in `bin/api`)"
)

// README.md tells a newcomer which eval packages ship in bin/api. The server
// links what `go list -deps` of api's main package lists; every other
// package of this module is a tool. The failure message is the line to add,
// move or remove, so a branch adding a package knows exactly what to write.
func TestReadmeSaysWhatShipsInTheServer(t *testing.T) {
	listed := readmePackages(t, "README.md")

	shipped := map[string]bool{}
	for _, line := range goList(t, "../api", "-deps", "-f", "{{.ImportPath}}", ".") {
		if rel, ok := strings.CutPrefix(line, modulePath+"/"); ok {
			shipped[rel] = true
		}
	}
	if len(shipped) == 0 {
		t.Fatal("go list -deps of ../api lists no eval package: is api's replace => ../eval gone?")
	}

	// Packages with code (a test-only folder like this module's root is none),
	// with their doc synopsis for the suggested line.
	docs := map[string]string{}
	for _, line := range goList(t, ".", "-f", "{{if .GoFiles}}{{.ImportPath}}\t{{.Doc}}{{end}}", "./...") {
		path, doc, _ := strings.Cut(line, "\t")
		if rel, ok := strings.CutPrefix(path, modulePath+"/"); ok {
			docs[rel] = doc
		}
	}
	for rel := range shipped {
		if _, ok := docs[rel]; !ok {
			t.Errorf("bin/api links eval/%s, which go list ./... of eval does not list", rel)
		}
	}

	for _, rel := range sortedKeys(docs) {
		want := toolsHeader
		verb := "is not linked into"
		if shipped[rel] {
			want, verb = shippedHeader, "is linked into"
		}
		got, ok := listed[rel]
		switch {
		case !ok:
			doc := strings.TrimSuffix(docs[rel], ".")
			// "Package stack starts …" reads "starts …" after the name.
			for _, kind := range []string{"Package ", "Command "} {
				if rest, ok := strings.CutPrefix(doc, kind); ok {
					if _, after, ok := strings.Cut(rest, " "); ok {
						doc = after
					}
				}
			}
			if doc == "" {
				doc = "<what it is>"
			}
			t.Errorf("eval/README.md does not list the package eval/%s, which %s bin/api; add this line under %q:\n- `%s`: %s.",
				rel, verb, want, rel, doc)
		case got != want:
			t.Errorf("eval/README.md lists `%s` under %q, but it %s bin/api (cd api && go list -deps .): move its line under %q",
				rel, got, verb, want)
		}
	}
	for _, rel := range sortedKeys(listed) {
		if _, ok := docs[rel]; !ok {
			t.Errorf("eval/README.md lists `%s` under %q, but eval has no such package (anymore): remove its line", rel, listed[rel])
		}
	}
}

var packageLine = regexp.MustCompile("^- `([^`]+)`")

// readmePackages maps every package listed in the README to its section.
func readmePackages(t *testing.T, name string) map[string]string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]string{}
	section := ""
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.HasPrefix(line, "## ") {
			section = line
			continue
		}
		m := packageLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if section != shippedHeader && section != toolsHeader {
			t.Errorf("eval/README.md lists `%s` outside %q and %q", m[1], shippedHeader, toolsHeader)
			continue
		}
		if previous, twice := listed[m[1]]; twice {
			t.Errorf("eval/README.md lists `%s` twice (under %q and %q)", m[1], previous, section)
		}
		listed[m[1]] = section
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	return listed
}

func goList(t *testing.T, dir string, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s in %s: %v", strings.Join(args, " "), dir, err)
	}
	var lines []string
	for _, line := range strings.Split(string(out), "\n") {
		if line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
