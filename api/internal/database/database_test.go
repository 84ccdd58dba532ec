package database_test

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/database"
)

// Every connection PocketBase opens through Connect, of both databases,
// runs with the bounded cache, the process-wide soft heap limit, no mmap
// and PocketBase's own durability settings.
func TestConnectBoundsEveryConnection(t *testing.T) {
	// PocketBase's own test data (its system collections), cloned.
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{
		DBConnect:        database.Connect,
		DataMaxOpenConns: database.MaxOpenConns,
		DataMaxIdleConns: database.MaxIdleConns,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()

	want := map[string]int64{
		"cache_size":      -database.CacheKiB,
		"soft_heap_limit": database.SoftHeapLimit,
		"mmap_size":       0,
		"synchronous":     1, // NORMAL
		"foreign_keys":    1,
		"temp_store":      2, // MEMORY
	}
	for name, db := range map[string]dbx.Builder{
		"data": app.ConcurrentDB(), "data writer": app.NonconcurrentDB(),
		"auxiliary": app.AuxConcurrentDB(), "auxiliary writer": app.AuxNonconcurrentDB(),
	} {
		for pragma, v := range want {
			var got int64
			if err := db.NewQuery("PRAGMA " + pragma).Row(&got); err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", name, pragma, err)
			}
			if got != v {
				t.Errorf("%s: PRAGMA %s = %d, want %d", name, pragma, got, v)
			}
		}
		var mode string
		if err := db.NewQuery("PRAGMA journal_mode").Row(&mode); err != nil || mode != "wal" {
			t.Errorf("%s: journal_mode %q (%v), want wal", name, mode, err)
		}
	}
	if got := app.ConcurrentDB().(*dbx.DB).DB().Stats().MaxOpenConnections; got != database.MaxOpenConns {
		t.Errorf("data pool: %d connections at most, want %d", got, database.MaxOpenConns)
	}
}
