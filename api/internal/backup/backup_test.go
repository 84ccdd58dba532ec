package backup_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/backup"
	"github.com/rekan/rekan/api/internal/settings"
)

func newApp(t *testing.T, bind bool) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	if bind {
		backup.BindHooks(app, "rekan.lock")
	}
	return app
}

// locksOn lists this process's entries in /proc/locks on path's inode.
func locksOn(t *testing.T, path string) []string {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	ino := info.Sys().(*syscall.Stat_t).Ino
	raw, err := os.ReadFile("/proc/locks")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		// "1: POSIX  ADVISORY  READ 1234 08:01:5678 128 128"
		f := strings.Fields(line)
		if len(f) >= 6 && f[1] == "POSIX" && f[4] == fmt.Sprint(os.Getpid()) && strings.HasSuffix(f[5], fmt.Sprintf(":%d", ino)) {
			out = append(out, line)
		}
	}
	return out
}

// TestBackupKeepsTheDatabaseLocks is the cause of issue 11 in one process:
// PocketBase's own backup opens and closes data.db, which drops the
// process's POSIX locks on it (and so lets another process delete the WAL
// under the server); the Rekan backup leaves them alone.
func TestBackupKeepsTheDatabaseLocks(t *testing.T) {
	for _, tc := range []struct {
		name string
		bind bool
		kept bool
	}{
		{"pocketbase's file copy drops them", false, false},
		{"rekan's backup keeps them", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := newApp(t, tc.bind)
			db := filepath.Join(app.DataDir(), "data.db")
			var n int
			if err := app.DB().NewQuery("SELECT count(*) FROM _collections").Row(&n); err != nil {
				t.Fatal(err)
			}
			before := locksOn(t, db)
			if len(before) == 0 {
				t.Fatal("SQLite holds no lock on data.db to begin with")
			}
			if err := app.CreateBackup(context.Background(), "b.zip"); err != nil {
				t.Fatal(err)
			}
			after := locksOn(t, db)
			if kept := len(after) == len(before); kept != tc.kept {
				t.Errorf("locks on data.db before %v, after %v", before, after)
			}
		})
	}
}

// TestBackupToS3 stores a backup in an S3-compatible server (gofakes3 on
// loopback) configured from the environment, with both databases and the
// uploaded files in it and nothing left in pb_data/backups.
func TestBackupToS3(t *testing.T) {
	mem := s3mem.New()
	if err := mem.CreateBucket("rekan-backups"); err != nil {
		t.Fatal(err)
	}
	fake := httptest.NewServer(gofakes3.New(mem).Server())
	defer fake.Close()

	app := newApp(t, true)
	env := map[string]string{
		"REKAN_BACKUP_S3_BUCKET":           "rekan-backups",
		"REKAN_BACKUP_S3_ENDPOINT":         fake.URL,
		"REKAN_BACKUP_S3_REGION":           "us-east-1",
		"REKAN_BACKUP_S3_ACCESS_KEY":       "test-access",
		"REKAN_BACKUP_S3_SECRET":           "test-secret",
		"REKAN_BACKUP_S3_FORCE_PATH_STYLE": "true",
	}
	if err := settings.ApplyBackups(app, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	upload := filepath.Join(app.DataDir(), "storage", "col", "rec", "foto.txt")
	if err := os.MkdirAll(filepath.Dir(upload), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(upload, []byte("bolo"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := app.CreateBackup(context.Background(), "s3.zip"); err != nil {
		t.Fatal(err)
	}

	obj, err := mem.GetObject("rekan-backups", "s3.zip", nil)
	if err != nil {
		t.Fatalf("backup not in the bucket: %v", err)
	}
	raw, err := io.ReadAll(obj.Contents)
	obj.Contents.Close()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	for _, want := range []string{"data.db", "auxiliary.db", "storage/col/rec/foto.txt"} {
		if !slices.Contains(names, want) {
			t.Errorf("backup lacks %s: %v", want, names)
		}
	}
	if _, err := os.Stat(filepath.Join(app.DataDir(), "backups", "s3.zip")); err == nil {
		t.Error("the S3 backup was also written to pb_data/backups")
	}
}
