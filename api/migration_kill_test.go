package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/stack"
)

// openDir opens a data directory without migrating it.
func openDir(t *testing.T, dir string) *core.BaseApp {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.ResetBootstrapState() })
	return app
}

// A server killed while the requests data migration copies rows, or after
// it committed but before the duplicate files were deleted, leaves the old
// shape or the new one (the database and the files the records name); the
// next start finishes the job, with no file left that no record names.
func TestMigrationKilledAtFixedPoints(t *testing.T) {
	legacyApp, legacy := testutil.LegacyDataDir(t, 2000)
	old := testutil.Snapshot(t, legacyApp)
	template := legacyApp.DataDir()
	if err := legacyApp.ResetBootstrapState(); err != nil {
		t.Fatal(err)
	}
	defer legacyApp.Cleanup()

	for _, point := range []string{"rows:300", "before-sweep"} {
		dir := filepath.Join(t.TempDir(), "pb_data")
		if out, err := exec.Command("cp", "-a", template, dir).CombinedOutput(); err != nil {
			t.Fatalf("copy data dir: %v %s", err, out)
		}
		code, out := serveRefused(t, dir, "REKAN_TEST_KILL_AT=test-only:"+point, stack.NoRuntime)
		if code != -1 || !strings.Contains(out, "killed by REKAN_TEST_KILL_AT") {
			t.Fatalf("%s: the server was not killed there: exit %d %s", point, code, out)
		}

		killed := openDir(t, dir)
		now := testutil.Snapshot(t, killed)
		rows, files := split(now)
		switch point {
		case "rows:300":
			// Rolled back: the rows are exactly the old ones, every old file
			// is there; the copies made before the kill name no record.
			oldRows, oldFiles := split(old)
			if d := testutil.SnapshotDiff(oldRows, rows); len(d) > 0 {
				t.Errorf("%s: rows differ from the old shape in %d places, e.g. %v", point, len(d), d[:min(3, len(d))])
			}
			for path, sum := range oldFiles {
				if files[path] != sum {
					t.Errorf("%s: old file %s lost", point, path)
				}
			}
			var n int
			if err := killed.DB().NewQuery("SELECT COUNT(*) FROM requests").Row(&n); err != nil || n != 0 {
				t.Errorf("%s: %d requests after the rollback (%v)", point, n, err)
			}
		case "before-sweep":
			// Committed: every post linked; the old copies still on disk.
			var unlinked int
			if err := killed.DB().NewQuery("SELECT COUNT(*) FROM posts WHERE request = ''").Row(&unlinked); err != nil || unlinked != 0 {
				t.Errorf("%s: %d posts without a request (%v)", point, unlinked, err)
			}
		}
		_ = killed.ResetBootstrapState()

		// The next start migrates (again, or not) and sweeps before serving.
		s := startServerUntil(t, t.TempDir(), dir, []string{"REKAN_BAML_CLI=/nonexistent"}, "/api/health")
		_ = s.Stop(time.Minute)
		after := openDir(t, dir)
		requests, err := after.FindAllRecords("requests")
		if err != nil {
			t.Fatal(err)
		}
		if len(requests) != len(legacy.Groups) {
			t.Errorf("%s: %d requests after restart, want %d", point, len(requests), len(legacy.Groups))
		}
		referenced := map[string]bool{}
		for _, req := range requests {
			for _, name := range append(req.GetStringSlice("photos"), req.GetStringSlice("model_photos")...) {
				referenced[req.BaseFilesPath()+"/"+name] = true
			}
		}
		_, files = split(testutil.Snapshot(t, after))
		for path := range files {
			if !referenced[path] {
				t.Errorf("%s: orphan file %s after restart", point, path)
			}
		}
		if len(files) != len(referenced) {
			t.Errorf("%s: %d files for %d referenced", point, len(files), len(referenced))
		}
	}
}

// split separates a snapshot's rows from its files.
func split(snapshot map[string]string) (rows, files map[string]string) {
	rows, files = map[string]string{}, map[string]string{}
	for k, v := range snapshot {
		if path, ok := strings.CutPrefix(k, "file "); ok {
			files[path] = v
		} else {
			rows[k] = v
		}
	}
	return rows, files
}
