package bamlrt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// cliInRepo is where `make deps` installs baml-cli, relative to the repository root.
var cliInRepo = filepath.Join("eval", "node_modules", ".bin", "baml-cli")

// FindCLI locates baml-cli: REKAN_BAML_CLI when set, else
// eval/node_modules/.bin/baml-cli searched from the working directory upwards
// and from the executable's directory upwards, else baml-cli on PATH. getenv
// is os.Getenv in production; tests pass their own.
func FindCLI(getenv func(string) string) (string, error) {
	if explicit := getenv("REKAN_BAML_CLI"); explicit != "" {
		if err := checkExecutable(explicit); err != nil {
			return "", fmt.Errorf("REKAN_BAML_CLI=%s is not usable: %w", explicit, err)
		}
		return filepath.Abs(explicit)
	}

	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
		starts = append(starts, filepath.Dir(exe))
	}
	for _, start := range starts {
		if found, ok := searchUpwards(start, cliInRepo); ok {
			return found, nil
		}
	}

	for _, dir := range filepath.SplitList(getenv("PATH")) {
		if dir == "" {
			continue
		}
		candidate := filepath.Join(dir, "baml-cli")
		if checkExecutable(candidate) == nil {
			return filepath.Abs(candidate)
		}
	}
	return "", errors.New("baml-cli not found: set REKAN_BAML_CLI, run `make deps` " +
		"(installs eval/node_modules/.bin/baml-cli), or put baml-cli on PATH")
}

func searchUpwards(start, rel string) (string, bool) {
	dir := filepath.Clean(start)
	for {
		candidate := filepath.Join(dir, rel)
		if checkExecutable(candidate) == nil {
			return candidate, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

func checkExecutable(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.IsDir() {
		return errors.New("is a directory")
	}
	if info.Mode().Perm()&0o111 == 0 {
		return errors.New("not executable")
	}
	return nil
}

// envNames are the files baml-cli serve loads from its working directory and
// every parent; a value found there overrides the real environment.
var envNames = []string{".env", ".env.local", ".env.development", ".env.production"}

// dotenvAbove returns the first .env-like file in dir or any parent, or "".
func dotenvAbove(dir string) string {
	dir = filepath.Clean(dir)
	for {
		for _, name := range envNames {
			candidate := filepath.Join(dir, name)
			if _, err := os.Lstat(candidate); err == nil {
				return candidate
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
