package migrations

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"
)

// sameRequestWindow and postsPerRequest recognise the posts one request
// created before requests were records (business, brief, created within 2 s
// of the first, at most 3). Used here once, nowhere else.
const (
	sameRequestWindow = 2 * time.Second
	postsPerRequest   = 3
)

// Posts move into requests: one request per group of posts one generation
// created, its photos stored once (de-duplicated by sha256 across the
// group), each post selecting its photos by name. posts.brief goes (the
// request's); posts.photos becomes the selection. posts.business stays: it
// never changes, and every rule on posts and what hangs from them reads it.
//
// The files are copied inside the migration's transaction; the posts'
// own copies are left for the storage sweep (storage.Sweep) to delete after
// the commit, so a kill at any point leaves the old shape or the new one,
// and the sweep removes whatever no record references.
func init() {
	m.Register(postsToRequests, requestsToPosts)
}

// TestPoint, when set, is called at fixed points of the data migration
// ("rows:N" after N groups are copied): the real server sets it only for a
// test that kills it there (REKAN_TEST_KILL_AT, see api/register.go).
var TestPoint func(point string)

type legacyPost struct {
	ID       string `db:"id"`
	Business string `db:"business"`
	Brief    string `db:"brief"`
	Photos   string `db:"photos"`
	Model    string `db:"model"`
	Created  string `db:"created"`
}

func postsToRequests(app core.App) error {
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		return err
	}
	posts.Fields.Add(
		&core.RelationField{Name: "request", CollectionId: RequestsCollectionID, MaxSelect: 1, CascadeDelete: true},
		&core.JSONField{Name: "photo_selection", MaxSize: 4000},
	)
	if err := app.Save(posts); err != nil {
		return err
	}

	var rows []legacyPost
	err = app.DB().NewQuery("SELECT id, business, brief, photos, model, created FROM posts ORDER BY business, brief, created, id").All(&rows)
	if err != nil {
		return err
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()

	for start, groups := 0, 0; start < len(rows); groups++ {
		if TestPoint != nil {
			TestPoint(fmt.Sprintf("rows:%d", groups))
		}
		end := start + 1
		first, _ := types.ParseDateTime(rows[start].Created)
		for end < len(rows) && end-start < postsPerRequest &&
			rows[end].Business == rows[start].Business && rows[end].Brief == rows[start].Brief {
			at, _ := types.ParseDateTime(rows[end].Created)
			if at.Time().Sub(first.Time()) >= sameRequestWindow {
				break
			}
			end++
		}
		if err := moveGroup(app, fsys, posts.Id, rows[start:end]); err != nil {
			return err
		}
		start = end
	}

	posts.Fields.RemoveByName("photos")
	posts.Fields.RemoveByName("brief")
	if err := app.Save(posts); err != nil {
		return err
	}
	posts.Fields.GetByName("photo_selection").SetName("photos")
	posts.Fields.GetByName("request").(*core.RelationField).Required = true
	posts.UpdateRule = types.Pointer(postsUpdateRuleBeforeStage + " && @request.body.stage:isset = false && @request.body.request:isset = false")
	posts.AddIndex("idx_posts_request_created", false, "request, created", "")
	return app.Save(posts)
}

// moveGroup makes the request of one group of posts. Its id is the first
// post's, so the migration gives the same rows wherever it runs.
func moveGroup(app core.App, fsys *filesystem.System, postsID string, group []legacyPost) error {
	req := group[0]
	byHash := map[[32]byte]string{}
	var pool []string
	selections := make([][]string, len(group))
	for i, p := range group {
		var names []string
		if p.Photos != "" {
			if err := json.Unmarshal([]byte(p.Photos), &names); err != nil {
				return fmt.Errorf("photos of post %s: %w", p.ID, err)
			}
		}
		selections[i] = []string{}
		for _, name := range names {
			data, err := readAll(fsys, postsID+"/"+p.ID+"/"+name)
			if err != nil {
				return fmt.Errorf("photo %s of post %s: %w", name, p.ID, err)
			}
			sum := sha256.Sum256(data)
			kept, ok := byHash[sum]
			if !ok {
				kept = name
				if err := fsys.Upload(data, RequestsCollectionID+"/"+req.ID+"/"+name); err != nil {
					return fmt.Errorf("copy photo %s: %w", name, err)
				}
				byHash[sum] = name
				pool = append(pool, name)
			}
			selections[i] = append(selections[i], kept)
		}
	}
	poolJSON, _ := json.Marshal(append([]string{}, pool...))
	_, err := app.DB().NewQuery(`INSERT INTO requests (id, business, brief, photos, model_photos, model_photo_of, count, types, occasion, model, created, updated)
		VALUES ({:id}, {:business}, {:brief}, {:photos}, '[]', '{}', {:count}, '[]', '', {:model}, {:created}, {:created})`).Bind(map[string]any{
		"id": req.ID, "business": req.Business, "brief": req.Brief, "photos": string(poolJSON),
		"count": len(group), "model": req.Model, "created": req.Created,
	}).Execute()
	if err != nil {
		return fmt.Errorf("insert request %s: %w", req.ID, err)
	}
	for i, p := range group {
		sel, _ := json.Marshal(selections[i])
		_, err := app.DB().NewQuery("UPDATE posts SET request = {:r}, photo_selection = {:s} WHERE id = {:id}").
			Bind(map[string]any{"r": req.ID, "s": string(sel), "id": p.ID}).Execute()
		if err != nil {
			return fmt.Errorf("link post %s: %w", p.ID, err)
		}
	}
	return nil
}

func readAll(fsys *filesystem.System, key string) ([]byte, error) {
	r, err := fsys.GetReader(key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// requestsToPosts gives every post its brief and its own copies of the
// photos it selects again, and removes the requests' rows (their files are
// the sweep's once no record references them).
func requestsToPosts(app core.App) error {
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		return err
	}
	posts.Fields.GetByName("photos").SetName("photo_selection")
	if err := app.Save(posts); err != nil {
		return err
	}
	posts.Fields.Add(
		&core.TextField{Name: "brief", Max: 2000},
		&core.FileField{Name: "photos", MaxSelect: 4, MaxSize: 10 << 20,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp"},
			Thumbs:    []string{"400x400", "1080x0"}, Protected: true},
	)
	if err := app.Save(posts); err != nil {
		return err
	}

	var rows []struct {
		ID        string `db:"id"`
		Request   string `db:"request"`
		Selection string `db:"photo_selection"`
		Brief     string `db:"brief"`
	}
	err = app.DB().NewQuery("SELECT p.id, p.request, p.photo_selection, r.brief FROM posts p JOIN requests r ON r.id = p.request ORDER BY p.id").All(&rows)
	if err != nil {
		return err
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	for _, p := range rows {
		var names []string
		if p.Selection != "" {
			if err := json.Unmarshal([]byte(p.Selection), &names); err != nil {
				return fmt.Errorf("photos of post %s: %w", p.ID, err)
			}
		}
		for _, name := range names {
			data, err := readAll(fsys, RequestsCollectionID+"/"+p.Request+"/"+name)
			if err != nil {
				return fmt.Errorf("photo %s of post %s: %w", name, p.ID, err)
			}
			if err := fsys.Upload(data, posts.Id+"/"+p.ID+"/"+name); err != nil {
				return fmt.Errorf("copy photo %s: %w", name, err)
			}
		}
		photos, _ := json.Marshal(append([]string{}, names...))
		_, err := app.DB().NewQuery("UPDATE posts SET brief = {:b}, photos = {:p} WHERE id = {:id}").
			Bind(map[string]any{"b": p.Brief, "p": string(photos), "id": p.ID}).Execute()
		if err != nil {
			return fmt.Errorf("restore post %s: %w", p.ID, err)
		}
	}
	if _, err := app.DB().NewQuery("DELETE FROM requests").Execute(); err != nil {
		return err
	}

	posts.Fields.RemoveByName("request")
	posts.Fields.RemoveByName("photo_selection")
	posts.RemoveIndex("idx_posts_request_created")
	posts.Fields.GetByName("brief").(*core.TextField).Required = true
	posts.UpdateRule = types.Pointer(postsUpdateRuleBeforeStage + " && @request.body.stage:isset = false")
	return app.Save(posts)
}
