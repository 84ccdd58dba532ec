package bamlrt

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// tempDirPrefix names the private directories; the owner's pid follows it so
// a later start can tell which ones were left by a process that was killed
// (SIGKILL skips Close, and Pdeathsig only takes the child down).
const tempDirPrefix = "rekan-baml-"

// prepareDir picks the child's working directory and writes the sources.
func (r *Runtime) prepareDir() error {
	if r.cfg.Dir != "" {
		dir, reason := usableDir(r.cfg.Dir)
		if reason == "" {
			r.dir = dir
			return r.writeSource()
		}
		r.log.Warn("baml runtime directory not usable; using a private temporary directory", "dir", r.cfg.Dir, "reason", reason)
	}
	base := os.TempDir()
	if found := dotenvAbove(base); found != "" {
		return fmt.Errorf("bamlrt: %s exists above the temporary directory and baml-cli would load it; remove it or set a Dir without one", found)
	}
	removeStaleDirs(base, r.log.Warn)
	dir, err := os.MkdirTemp(base, tempDirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return fmt.Errorf("bamlrt: create runtime directory: %w", err)
	}
	r.dir, r.ownsDir = dir, true
	if err := r.writeSource(); err != nil {
		r.cleanup()
		return err
	}
	return nil
}

// usableDir returns the absolute directory, or why it cannot be used.
func usableDir(dir string) (string, string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err.Error()
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", err.Error()
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	if found := dotenvAbove(abs); found != "" {
		return "", found + " would be loaded by baml-cli"
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return "", err.Error()
	}
	for _, e := range entries {
		if e.Name() != "baml_src" {
			return "", "it holds " + e.Name() + "; the directory must be dedicated to the runtime"
		}
	}
	if err := os.Chmod(abs, 0o700); err != nil {
		return "", err.Error()
	}
	return abs, ""
}

func (r *Runtime) writeSource() error {
	dst := filepath.Join(r.dir, "baml_src")
	if err := os.RemoveAll(dst); err != nil {
		return fmt.Errorf("bamlrt: clear %s: %w", dst, err)
	}
	err := fs.WalkDir(r.cfg.Source, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, filepath.FromSlash(path))
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		data, err := fs.ReadFile(r.cfg.Source, path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o600)
	})
	if err != nil {
		return fmt.Errorf("bamlrt: write BAML source to %s: %w", dst, err)
	}
	return nil
}

func (r *Runtime) cleanup() error {
	if !r.ownsDir || r.dir == "" {
		return nil
	}
	if err := os.RemoveAll(r.dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("bamlrt: remove %s: %w", r.dir, err)
	}
	return nil
}

// removeStaleDirs deletes the private directories of runtimes whose owner
// process no longer exists. A directory whose pid is alive (or reused by an
// unrelated process) is left alone: leaking one is harmless, deleting a live
// runtime's sources is not.
func removeStaleDirs(base string, warn func(msg string, args ...any)) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := ownerPID(e.Name())
		if !ok || !e.IsDir() || processExists(pid) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(base, e.Name())); err != nil {
			warn("could not remove a stale baml runtime directory", "dir", e.Name(), "error", err)
		}
	}
}

// ownerPID parses "rekan-baml-<pid>-<random>".
func ownerPID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, tempDirPrefix)
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(digits)
	return pid, err == nil && pid > 0
}

func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	// EPERM: it exists but belongs to someone else.
	return err == nil || errors.Is(err, syscall.EPERM)
}
