package migrations_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/storage"
	"github.com/rekan/rekan/api/internal/testutil"
)

// The request-as-record migration on a data directory like a busy
// instance's (2,000 posts, a few hundred with photos): up links every post
// to the request its group came from, with each photo stored once; down
// gives every post its brief and photos back; up → down → up gives the same
// tables and files, byte for byte.
func TestRequestsDataMigrationUpDownUp(t *testing.T) {
	app, legacy := testutil.LegacyDataDir(t, 2000)
	defer app.Cleanup()
	if legacy.Files < 300 {
		t.Fatalf("the data set has only %d photo files", legacy.Files)
	}
	old := testutil.Snapshot(t, app)

	testutil.MigrateUp(t, app)
	sweep(t, app)
	assertNewShape(t, app, legacy)
	first := testutil.Snapshot(t, app)

	testutil.RevertTo(t, app, testutil.FirstRequestsMigration)
	sweep(t, app)
	assertOldShape(t, app, legacy)
	if n := len(old) - len(testutil.Snapshot(t, app)); n != 0 {
		t.Errorf("down left %d more or fewer rows and files than before up", -n)
	}

	testutil.MigrateUp(t, app)
	sweep(t, app)
	if diff := testutil.SnapshotDiff(first, testutil.Snapshot(t, app)); len(diff) > 0 {
		t.Errorf("up → down → up differs from up in %d places, e.g. %v", len(diff), diff[:min(5, len(diff))])
	}
}

func sweep(t *testing.T, app core.App) {
	t.Helper()
	if _, err := storage.Sweep(t.Context(), app, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// assertNewShape: every post linked to the request of its group, the
// request's brief, photos selected in order with the same bytes, each
// photo stored once per request, no file outside the requests.
func assertNewShape(t *testing.T, app core.App, legacy testutil.Legacy) {
	t.Helper()
	sums := testutil.FileSums(t, app)
	requests, err := app.FindAllRecords("requests")
	if err != nil {
		t.Fatal(err)
	}
	if len(requests) != len(legacy.Groups) {
		t.Fatalf("%d requests, want one per group (%d)", len(requests), len(legacy.Groups))
	}
	stored := 0
	for _, group := range legacy.Groups {
		req, err := app.FindRecordById("requests", group[0])
		if err != nil {
			t.Fatalf("request of group %v: %v", group, err)
		}
		pool := req.GetStringSlice("photos")
		distinct := map[string]bool{}
		for _, name := range pool {
			sum := sums[req.BaseFilesPath()+"/"+name]
			if sum == "" || distinct[sum] {
				t.Errorf("request %s: photo %s missing or stored twice", req.Id, name)
			}
			distinct[sum] = true
		}
		stored += len(pool)
		if req.GetString("brief") != legacy.Brief[group[0]] || req.GetInt("count") != len(group) {
			t.Errorf("request %s: brief %q count %d", req.Id, req.GetString("brief"), req.GetInt("count"))
		}
		for _, id := range group {
			p, err := app.FindRecordById("posts", id)
			if err != nil {
				t.Fatal(err)
			}
			if p.GetString("request") != req.Id {
				t.Errorf("post %s linked to %q, want %s", id, p.GetString("request"), req.Id)
			}
			var got []string
			for _, name := range post.PhotoNames(p) {
				got = append(got, sums[req.BaseFilesPath()+"/"+name])
			}
			if !slices.Equal(got, legacy.Photos[id]) && !(len(got) == 0 && len(legacy.Photos[id]) == 0) {
				t.Errorf("post %s photos %v, want %v", id, got, legacy.Photos[id])
			}
		}
	}
	if len(sums) != stored {
		t.Errorf("%d files stored, want the requests' %d (no post copies left)", len(sums), stored)
	}
	if stored >= legacy.Files {
		t.Errorf("requests store %d files, the posts had %d: nothing de-duplicated", stored, legacy.Files)
	}
	posts, _ := app.FindCollectionByNameOrId("posts")
	if posts.Fields.GetByName("brief") != nil || posts.Fields.GetByName("photo_selection") != nil {
		t.Error("posts keep old fields")
	}
}

// assertOldShape: every post has its brief and its own copy of each photo.
func assertOldShape(t *testing.T, app core.App, legacy testutil.Legacy) {
	t.Helper()
	sums := testutil.FileSums(t, app)
	total := 0
	for id, brief := range legacy.Brief {
		p, err := app.FindRecordById("posts", id)
		if err != nil {
			t.Fatal(err)
		}
		if p.GetString("brief") != brief || p.Get("request") != nil {
			t.Errorf("post %s: brief %q, request %v", id, p.GetString("brief"), p.Get("request"))
		}
		var got []string
		for _, name := range p.GetStringSlice("photos") {
			got = append(got, sums[p.BaseFilesPath()+"/"+name])
		}
		total += len(got)
		if !slices.Equal(got, legacy.Photos[id]) && !(len(got) == 0 && len(legacy.Photos[id]) == 0) {
			t.Errorf("post %s photos %v, want %v", id, got, legacy.Photos[id])
		}
	}
	if total != legacy.Files || len(sums) != legacy.Files {
		t.Errorf("posts hold %d photos, storage %d files; want %d", total, len(sums), legacy.Files)
	}
	for path := range sums {
		if strings.HasPrefix(path, "pbc_rekanrequests/") {
			t.Errorf("a request's file is left: %s", path)
		}
	}
}
