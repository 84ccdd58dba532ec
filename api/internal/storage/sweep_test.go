package storage_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/storage"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
)

// orphan writes a stored file under the requests folder that no record names.
func orphan(t *testing.T, app core.App, name string) string {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("requests")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(app.DataDir(), core.LocalStorageDirName, c.Id, "norecord0000001", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("left by a migration"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The sweep removes what no record names among the files written before
// the time it is given (the server's start), and leaves the files written
// since (an upload of the running server whose record is not committed
// yet) and the files a record names, thumbnails of those included.
func TestSweepRemovesOnlyOldUnreferencedFiles(t *testing.T) {
	fx := testutil.SeedT(t)
	app := fx.NewApp(t)
	defer app.Cleanup()

	p := testutil.FindPost(t, app, fx.AlicePost)
	testutil.AddPhotos(t, app, p.Id, phototest.JPEG(300, 200, phototest.Red, phototest.Blue, 0))
	req, err := app.FindRecordById("requests", p.GetString("request"))
	if err != nil {
		t.Fatal(err)
	}
	name := req.GetStringSlice("photos")[0]
	dir := filepath.Join(app.DataDir(), core.LocalStorageDirName, req.BaseFilesPath())
	thumb := filepath.Join(dir, "thumbs_"+name, "400x400_"+name)
	if err := os.MkdirAll(filepath.Dir(thumb), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(thumb, []byte("thumb"), 0o644); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(dir, "foto_stray.jpg")
	if err := os.WriteFile(stray, []byte("an upload whose row was never committed"), 0o644); err != nil {
		t.Fatal(err)
	}
	gone := orphan(t, app, "gone.jpg")
	start := time.Now()
	// Written by the running server: newer than its start.
	inFlight := orphan(t, app, "in-flight.jpg")
	if err := os.Chtimes(inFlight, start.Add(time.Second), start.Add(time.Second)); err != nil {
		t.Fatal(err)
	}

	n, err := storage.Sweep(t.Context(), app, start)
	if err != nil || n != 2 {
		t.Fatalf("removed %d, %v; want the 2 old orphans", n, err)
	}
	for _, path := range []string{gone, stray} {
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("orphan %s left: %v", path, err)
		}
	}
	for _, path := range []string{inFlight, thumb, filepath.Join(dir, name)} {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s removed: %v", path, err)
		}
	}
}
