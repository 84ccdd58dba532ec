package testutil

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/color"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/phototest"
)

// FirstRequestsMigration is the first migration of the request-as-record
// data model; LegacyDataDir reverts it and everything after it.
const FirstRequestsMigration = "1764000022_posts_to_requests.go"

// Legacy describes a data directory in the shape before requests were
// records: each post has its brief and its own copy of each photo.
type Legacy struct {
	// Groups are the posts one request created, oldest first, by id.
	Groups [][]string
	// Brief of each post; Photos: sha256 of each photo of each post, in order.
	Brief  map[string]string
	Photos map[string][]string
	// Files is how many photo files the posts hold in all.
	Files int
}

// RevertTo reverts every applied migration from name on (newest first).
func RevertTo(t testing.TB, app core.App, name string) {
	t.Helper()
	var list core.MigrationsList
	n := 0
	for _, m := range core.AppMigrations.Items() {
		list.Add(m)
		if m.File >= name {
			n++
		}
	}
	if _, err := core.NewMigrationsRunner(app, list).Down(n); err != nil {
		t.Fatalf("revert to %s: %v", name, err)
	}
}

// MigrateUp applies every pending migration.
func MigrateUp(t testing.TB, app core.App) {
	t.Helper()
	var list core.MigrationsList
	for _, m := range core.AppMigrations.Items() {
		list.Add(m)
	}
	if _, err := core.NewMigrationsRunner(app, list).Up(); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
}

// LegacyDataDir makes a data directory as an instance had it before
// requests were records: posts posts over 3 businesses, in requests of 1 to
// 3 posts created within the same second (a few briefs repeat on other
// days), one request in four with 1 to 4 photos copied into each of its
// posts (one post of one such request in three carries a different photo,
// as after an operator's edit). The app is left open; Cleanup removes it.
func LegacyDataDir(t testing.TB, posts int) (*tests.TestApp, Legacy) {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	business.BindHooks(app)
	RevertTo(t, app, FirstRequestsMigration)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	owner := core.NewRecord(users)
	owner.SetEmail("legacy@example.com")
	owner.SetPassword(Password)
	if err := app.Save(owner); err != nil {
		t.Fatal(err)
	}
	var businesses []string
	for _, name := range []string{"Confeitaria da Lu", "Barbearia Navalha", "Ateliê Cida"} {
		id, err := NewBusiness(app, owner.Id, name)
		if err != nil {
			t.Fatal(err)
		}
		businesses = append(businesses, id)
	}
	postsCollection, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()

	var images [][]byte
	for i := range 24 {
		images = append(images, phototest.JPEG(64+i, 48, color.RGBA{uint8(10 * i), 90, 200, 255}, phototest.Blue, 0))
	}
	legacy := Legacy{Brief: map[string]string{}, Photos: map[string][]string{}}
	start := time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)
	n, group := 0, 0
	for n < posts {
		size := 1 + group%3
		if n+size > posts {
			size = posts - n
		}
		biz := businesses[group%len(businesses)]
		// Every seventh brief repeats an earlier one, on another day.
		brief := fmt.Sprintf("pedido %d: bolo de pote de brigadeiro", group)
		if group%7 == 6 {
			brief = fmt.Sprintf("pedido %d: bolo de pote de brigadeiro", group-3)
			biz = businesses[(group-3)%len(businesses)]
		}
		at := start.Add(time.Duration(group) * time.Hour)
		var photos [][]byte
		if group%4 == 0 {
			for k := range 1 + group%5%4 {
				photos = append(photos, images[(group+k)%len(images)])
			}
		}
		var ids []string
		for i := range size {
			id := fmt.Sprintf("legacy%09d", n)
			mine := photos
			if len(photos) > 0 && group%3 == 0 && i == size-1 && size > 1 {
				mine = append(append([][]byte{}, photos[:len(photos)-1]...), images[(group+11)%len(images)])
			}
			var names, sums []string
			for k, data := range mine {
				name := fmt.Sprintf("foto_%s%d.jpg", id[len(id)-6:], k)
				if err := fsys.Upload(data, postsCollection.Id+"/"+id+"/"+name); err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(data)
				names, sums = append(names, name), append(sums, hex.EncodeToString(sum[:]))
			}
			namesJSON, _ := json.Marshal(append([]string{}, names...))
			created := at.Add(time.Duration(i*300) * time.Millisecond).Format(types.DefaultDateLayout)
			_, err := app.DB().Insert("posts", dbx.Params{
				"id": id, "business": biz, "brief": brief,
				"caption":  fmt.Sprintf("Gancho %d: bolo de pote fresquinho, feito hoje.", n),
				"hashtags": `["#bolo","#confeitaria"]`, "production_note": "Foto de cima.",
				"role": "produto", "hook": fmt.Sprintf("Gancho %d", n), "status": "ready", "error": "",
				"checks": "[]", "model": "legacy-model", "edited": false, "stage": "rascunho", "publish_on": "",
				"photos": string(namesJSON), "created": created, "updated": created,
			}).Execute()
			if err != nil {
				t.Fatal(err)
			}
			legacy.Brief[id], legacy.Photos[id] = brief, sums
			legacy.Files += len(names)
			ids = append(ids, id)
			n++
		}
		legacy.Groups = append(legacy.Groups, ids)
		group++
	}
	return app, legacy
}

// Snapshot is a data directory's content: every row of the posts and
// requests tables (as sorted JSON) and every stored file (path and sha256,
// thumbnails and sidecars left out), for comparing one state with another.
func Snapshot(t testing.TB, app core.App) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range []string{"posts", "requests"} {
		var exists int
		_ = app.DB().NewQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = {:t}").Bind(dbx.Params{"t": table}).Row(&exists)
		if exists == 0 {
			continue
		}
		rows, err := app.DB().NewQuery("SELECT * FROM " + table).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			values := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range values {
				ptrs[i] = &values[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := map[string]any{}
			var id string
			for i, c := range cols {
				if b, ok := values[i].([]byte); ok {
					values[i] = string(b)
				}
				row[c] = values[i]
				if c == "id" {
					id = fmt.Sprint(values[i])
				}
			}
			raw, _ := json.Marshal(row) // maps marshal with sorted keys
			out["row "+table+"/"+id] = string(raw)
		}
		rows.Close()
	}
	root := filepath.Join(app.DataDir(), core.LocalStorageDirName)
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".attrs") || strings.Contains(path, "/thumbs_") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		rel, _ := filepath.Rel(root, path)
		out["file "+rel] = hex.EncodeToString(sum[:])
		return nil
	})
	return out
}

// SnapshotDiff lists the keys whose values differ between a and b.
func SnapshotDiff(a, b map[string]string) []string {
	var diff []string
	for k, v := range a {
		if b[k] != v {
			diff = append(diff, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			diff = append(diff, k)
		}
	}
	sort.Strings(diff)
	return diff
}

// FileSums maps stored file paths (relative to storage/) to their sha256.
func FileSums(t testing.TB, app core.App) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range Snapshot(t, app) {
		if rest, ok := strings.CutPrefix(k, "file "); ok {
			out[rest] = v
		}
	}
	return out
}
