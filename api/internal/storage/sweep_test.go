package storage_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/storage"
	"github.com/rekan/rekan/api/internal/testutil"
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

// The full sweep runs at a start only when the applied migrations changed
// since the last completed one: the first start of a data dir sweeps, the
// next ones do not (a start with 100,000 posts reads none of them), and a
// migration applied or reverted makes the next start sweep again.
func TestSweepAfterMigrationsSweepsOncePerMigrationChange(t *testing.T) {
	app := testutil.SeedT(t).NewApp(t)
	defer app.Cleanup()

	first := orphan(t, app, "first.jpg")
	n, swept, err := storage.SweepAfterMigrations(app)
	if err != nil || !swept || n != 1 {
		t.Fatalf("first start: removed %d, swept %v, %v; want 1 file removed", n, swept, err)
	}
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Fatalf("first start left the orphan: %v", err)
	}

	second := orphan(t, app, "second.jpg")
	n, swept, err = storage.SweepAfterMigrations(app)
	if err != nil || swept || n != 0 {
		t.Fatalf("same migrations: removed %d, swept %v, %v; want no sweep", n, swept, err)
	}
	if _, err := os.Stat(second); err != nil {
		t.Fatalf("a start without a migration change swept anyway: %v", err)
	}

	// A migration applied since: the next start sweeps.
	if _, err := app.DB().NewQuery("INSERT INTO {{_migrations}} ([[file]], [[applied]]) VALUES ('1999999999_test.go', 1)").Execute(); err != nil {
		t.Fatal(err)
	}
	n, swept, err = storage.SweepAfterMigrations(app)
	if err != nil || !swept || n != 1 {
		t.Fatalf("after a migration: removed %d, swept %v, %v; want 1 file removed", n, swept, err)
	}

	// Reverted: the set changed again.
	third := orphan(t, app, "third.jpg")
	if _, err := app.DB().NewQuery("DELETE FROM {{_migrations}} WHERE [[file]] = '1999999999_test.go'").Execute(); err != nil {
		t.Fatal(err)
	}
	if n, swept, err = storage.SweepAfterMigrations(app); err != nil || !swept || n != 1 {
		t.Fatalf("after a down migration: removed %d, swept %v, %v; want 1 file removed", n, swept, err)
	}
	if _, err := os.Stat(third); !os.IsNotExist(err) {
		t.Fatalf("the down migration's start left the orphan: %v", err)
	}
}
