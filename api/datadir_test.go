package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A data directory reached through a symlink (--dir pointing at a link,
// the data kept on another disk) was left as it was: the resolved directory
// is tightened, and SQLite's WAL and SHM files are private too.
func TestServeSymlinkedDataDirIsPrivate(t *testing.T) {
	// The data kept on another disk, --dir pointing at a link to it.
	real := filepath.Join(t.TempDir(), "disk", "rekan")
	first := startServerUntil(t, t.TempDir(), real, []string{"REKAN_BAML_CLI=/nonexistent"}, "/api/health")
	first.Kill()
	// Loosened as an older version or another umask left it; SQLite gives
	// a new WAL the database file's mode, so a loose data.db spreads.
	_ = filepath.WalkDir(real, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, "-wal") || strings.HasSuffix(path, "-shm") {
			return os.Remove(path)
		}
		mode := os.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(path, mode)
	})
	link := filepath.Join(t.TempDir(), "pb_data")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	s := startServerUntil(t, t.TempDir(), link, []string{"REKAN_BAML_CLI=/nonexistent"}, "/api/health")
	// A write, so the WAL and its index exist while the server runs.
	if status, _, body := s.call(t, "POST", "/api/collections/users/auth-with-password", "", `{"identity":"x@example.com","password":"wrong-password"}`); status != 400 {
		t.Fatalf("login: %d %s", status, body)
	}
	if !strings.Contains(s.Log(), "removed group and other permissions in the data directory") {
		t.Errorf("no log line about the tightened permissions:\n%s", s.Log())
	}
	checkPrivate(t, real)
	for _, name := range []string{"data.db-wal", "data.db-shm"} {
		info, err := os.Stat(filepath.Join(real, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v", name, info.Mode().Perm())
		}
	}
}
