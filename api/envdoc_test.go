package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
)

// repoRoot is the repository root, found from this file's location so the
// test works from any working directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller information")
	}
	return filepath.Dir(filepath.Dir(file))
}

var (
	goEnvRead = regexp.MustCompile(`(?:os\.Getenv|os\.LookupEnv|getenv|lookupEnv)\(\s*"([A-Za-z_][A-Za-z0-9_]*)"`)
	// Any string literal naming a REKAN_ variable counts as a read, which
	// also catches reads through small helpers (value("REKAN_X", default)).
	goRekanName = regexp.MustCompile(`"(REKAN_[A-Z0-9_]+)["=]`)
	bamlEnvRead = regexp.MustCompile(`\benv\.([A-Za-z_][A-Za-z0-9_]*)`)
	documented  = regexp.MustCompile(`^#?\s*([A-Z][A-Z0-9_]*)=`)
)

// platformVariables are read by the code but belong to the OS or the CI, not
// to Rekan's configuration, so .env.example does not list them.
var platformVariables = map[string]bool{"PATH": true, "HOME": true, "CI": true, "TMPDIR": true}

// derivedVariables are not read from the operator's environment: the Go
// side computes them (content.Provider.RuntimeEnv) and hands them to the
// BAML runtime, which is the only reader.
var derivedVariables = map[string]bool{"REKAN_JUDGE_A_MODEL": true, "REKAN_JUDGE_B_MODEL": true}

// TestEveryEnvironmentVariableIsDocumented fails when Go code under api/ or
// eval/, or a .baml file, reads a variable that .env.example does not
// document.
func TestEveryEnvironmentVariableIsDocumented(t *testing.T) {
	root := repoRoot(t)
	docs := documentedVariables(t, filepath.Join(root, ".env.example"))

	read := map[string][]string{}
	for _, dir := range []string{"api", "eval"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "node_modules" || d.Name() == "vendor" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			var patterns []*regexp.Regexp
			switch {
			case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") && !isGenerated(t, path):
				patterns = []*regexp.Regexp{goEnvRead, goRekanName}
			case strings.HasSuffix(path, ".baml"):
				patterns = []*regexp.Regexp{bamlEnvRead}
			default:
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			for _, re := range patterns {
				for _, m := range re.FindAllStringSubmatch(string(src), -1) {
					read[m[1]] = append(read[m[1]], rel)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(read) == 0 {
		t.Fatal("found no environment reads at all; the scanner is broken")
	}
	if _, ok := read["REKAN_LLM_API_KEY"]; !ok {
		t.Fatal("the scanner missed REKAN_LLM_API_KEY")
	}

	var missing []string
	for name, files := range read {
		if docs[name] || platformVariables[name] || derivedVariables[name] {
			continue
		}
		if strings.HasPrefix(name, "BAML_") || name == "RUST_BACKTRACE" {
			// Settings of the BAML runtime child that bamlrt sets itself.
			continue
		}
		sort.Strings(files)
		files = slices.Compact(files)
		missing = append(missing, name+" (read in "+strings.Join(files, ", ")+")")
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("variables read by the code but not documented in .env.example:\n  %s", strings.Join(missing, "\n  "))
	}
}

func documentedVariables(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	docs := map[string]bool{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if m := documented.FindStringSubmatch(strings.TrimSpace(scanner.Text())); m != nil {
			docs[m[1]] = true
		}
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	return docs
}

// isGenerated follows the Go convention for generated files.
func isGenerated(t *testing.T, path string) bool {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for i := 0; i < 20 && scanner.Scan(); i++ {
		line := scanner.Text()
		if strings.HasPrefix(line, "// Code generated") && strings.HasSuffix(line, "DO NOT EDIT.") {
			return true
		}
	}
	return false
}
