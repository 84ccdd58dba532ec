package post

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // stored photos are JPEGs (storedSize)
	"io"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/eval/content"
)

// RequestsCollection holds one record per generation request ("pedido"):
// the brief, the photos stored once, the model's copies, what was asked.
const RequestsCollection = "requests"

// VersionsCollection keeps what a post said before it was replaced after
// the client had seen it.
const VersionsCollection = "post_versions"

// requestPhotos is the request's file field: each photo stored once.
const requestPhotos = "photos"

// ModelThumb is the PocketBase thumb of a request's photo that the writer
// sees on a retry (long edge ≤ photo.ModelEdge, never enlarged): made once
// from the stored photo by the first retry that needs it, kept beside the
// photo (thumbs_<name>/, deleted with it) and read back by every later
// retry. The first generation sends the copy it made at upload, from
// memory: nothing but the photo itself is stored per request. The
// requests.photos field lists this size (migration 1764000150).
var ModelThumb = fmt.Sprintf("%dx%df", photo.ModelEdge, photo.ModelEdge)

// MsgUnknownPhoto refuses a selection naming a photo its request lacks.
const MsgUnknownPhoto = "Foto desconhecida: escolha entre as fotos do pedido."

// TestPoint is called at fixed points of storing a request; the server
// sets it to kill itself there when REKAN_TEST_KILL_AT names the point
// (api/register.go), so a test can check what the next start finds.
var TestPoint = func(string) {}

// Pending is a request and its posts, all generating.
type Pending struct {
	Request *core.Record
	Posts   []*core.Record
}

// Plan is what the operator planned a request for: the calendar occasion
// (its id; "" = none) kept on the request, and the publish date
// (YYYY-MM-DD; "" = none) set on each of its posts. Callers validate both.
type Plan struct {
	Occasion  string
	PublishOn string
}

// CreatePending stores the request (brief, photos once, the types asked
// for, the occasion) and count posts of it,
// all generating, all or none: the brief and the photos are kept before
// anything can fail. Every post selects all the request's photos.
func CreatePending(app core.App, businessID, brief string, count int, types []string, photos []photo.Photo, plan Plan) (Pending, error) {
	requests, err := app.FindCachedCollectionByNameOrId(RequestsCollection)
	if err != nil {
		return Pending{}, fmt.Errorf("find requests collection: %w", err)
	}
	posts, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return Pending{}, fmt.Errorf("find posts collection: %w", err)
	}
	if types == nil {
		types = []string{}
	}
	req := core.NewRecord(requests)
	// The posts name it before it is saved.
	req.Id = core.GenerateDefaultRandomId()
	req.Set("business", businessID)
	req.Set("brief", brief)
	req.Set("count", count)
	req.Set("types", types)
	req.Set("occasion", plan.Occasion)
	stored, names, err := photoFiles(photos)
	if err != nil {
		return Pending{}, err
	}
	req.Set(requestPhotos, stored)

	pending := Pending{Request: req, Posts: make([]*core.Record, 0, count)}
	for range count {
		p := core.NewRecord(posts)
		p.Set("business", businessID)
		p.Set("request", req.Id)
		p.Set("status", StatusGenerating)
		p.Set("stage", StageDraft)
		p.Set("hashtags", []string{})
		p.Set("checks", []any{})
		p.Set(PhotosField, names)
		p.Set(PublishOnField, plan.PublishOn)
		pending.Posts = append(pending.Posts, p)
	}
	err = app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(req); err != nil {
			return fmt.Errorf("save request: %w", err)
		}
		for _, p := range pending.Posts {
			if err := tx.Save(p); err != nil {
				return fmt.Errorf("save post: %w", err)
			}
		}
		// The photos are in storage, the rows not committed yet.
		TestPoint("request-stored")
		return nil
	})
	if err != nil {
		return Pending{}, err
	}
	return pending, nil
}

// RequestOf loads a post's request.
func RequestOf(app core.App, p *core.Record) (*core.Record, error) {
	req, err := app.FindRecordById(RequestsCollection, p.GetString("request"))
	if err != nil {
		return nil, fmt.Errorf("request of post %s: %w", p.Id, err)
	}
	return req, nil
}

// Unchanged reports whether r's row is as r was when this process last
// loaded or saved it: every save through PocketBase moves the updated
// stamp (raw updates of posts move their status: see asNow). A row gone is
// changed.
func Unchanged(app core.App, r *core.Record) (bool, error) {
	var updated string
	err := app.DB().Select("updated").From(r.Collection().Name).Where(dbx.HashExp{"id": r.Id}).Row(&updated)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up %s %s: %w", r.Collection().Name, r.Id, err)
	}
	return updated == r.GetDateTime("updated").String(), nil
}

// photoFiles are photos as files to store on a request, and their names.
func photoFiles(photos []photo.Photo) ([]any, []string, error) {
	files := make([]any, 0, len(photos))
	names := make([]string, 0, len(photos))
	for _, ph := range photos {
		f, err := PhotoFile(ph)
		if err != nil {
			return nil, nil, err
		}
		files, names = append(files, f), append(names, f.Name)
	}
	return files, names, nil
}

// ModelPhotos are the copies the writer sees of the photos a post selects:
// a stored photo within photo.ModelEdge as it is (the copy the first
// generation sent was the same bytes), a larger one as its ModelThumb,
// which PocketBase makes the first time and every later retry reads.
func ModelPhotos(ctx context.Context, app core.App, p *core.Record) ([]content.Photo, error) {
	names := PhotoNames(p)
	if len(names) == 0 {
		return nil, nil
	}
	req, err := RequestOf(app, p)
	if err != nil {
		return nil, err
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, fmt.Errorf("open storage: %w", err)
	}
	defer fsys.Close()
	out := make([]content.Photo, 0, len(names))
	for _, name := range names {
		key, err := modelKey(ctx, fsys, req.BaseFilesPath(), name)
		if err != nil {
			return nil, fmt.Errorf("model copy of photo %s of request %s: %w", name, req.Id, err)
		}
		data, err := readFile(fsys, key)
		if err != nil {
			return nil, fmt.Errorf("model copy of photo %s of request %s: %w", name, req.Id, err)
		}
		out = append(out, content.Photo{MediaType: photo.MediaType, Data: data})
	}
	return out, nil
}

// thumbTurn lets one model thumb be made at a time: each decodes a stored
// photo outside the uploads' decode budget (about 20 MB at photo.StoreEdge).
var thumbTurn = make(chan struct{}, 1)

// modelKey is the storage key of the model's copy of a stored photo,
// making its thumb when it is missing. Its path is PocketBase's own
// (apis/file.go), so the files API serves the same cached thumb.
func modelKey(ctx context.Context, fsys *filesystem.System, dir, name string) (string, error) {
	original := dir + "/" + name
	size, err := storedSize(fsys, original)
	if err != nil {
		return "", err
	}
	if max(size.X, size.Y) <= photo.ModelEdge {
		return original, nil
	}
	thumb := dir + "/thumbs_" + name + "/" + ModelThumb + "_" + name
	if ok, err := fsys.Exists(thumb); err != nil || ok {
		return thumb, err
	}
	select {
	case thumbTurn <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-thumbTurn }()
	// Another retry of the request may have made it meanwhile.
	if ok, err := fsys.Exists(thumb); err != nil || ok {
		return thumb, err
	}
	if err := fsys.CreateThumb(original, thumb, ModelThumb); err != nil {
		return "", fmt.Errorf("make thumb %s: %w", ModelThumb, err)
	}
	return thumb, nil
}

// storedSize reads a stored photo's dimensions from its header only.
func storedSize(fsys *filesystem.System, key string) (image.Point, error) {
	r, err := fsys.GetReader(key)
	if err != nil {
		return image.Point{}, err
	}
	defer r.Close()
	cfg, _, err := image.DecodeConfig(r)
	if err != nil {
		return image.Point{}, fmt.Errorf("read header of %s: %w", key, err)
	}
	return image.Pt(cfg.Width, cfg.Height), nil
}

// validSelection checks a post's photo selection against its request.
func validSelection(app core.App, p *core.Record) (string, error) {
	names := PhotoNames(p)
	if len(names) > content.MaxPhotos {
		return MsgTooManyPhotos, nil
	}
	req, err := RequestOf(app, p)
	if err != nil {
		return "", err
	}
	pool := req.GetStringSlice(requestPhotos)
	seen := map[string]bool{}
	for _, n := range names {
		if !slices.Contains(pool, n) || seen[n] {
			return MsgUnknownPhoto, nil
		}
		seen[n] = true
	}
	return "", nil
}

// seenByClient reports whether the client may have seen the post as it is:
// it left rascunho, or it was ever sent (sent: everSent of it; only a
// draft needs it).
func seenByClient(p *core.Record, sent map[string]bool) bool {
	return !isDraft(p) || sent[p.Id]
}

func isDraft(p *core.Record) bool {
	s := p.GetString("stage")
	return s == "" || s == StageDraft
}

// everSent reports which of the posts were ever sent to the client (a
// stage event to enviado), in one query.
func everSent(app core.App, ids ...string) (map[string]bool, error) {
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	var rows []struct {
		Post string `db:"post"`
	}
	err := app.DB().Select("post").Distinct(true).From(EventsCollection).
		Where(dbx.In("post", in...)).AndWhere(dbx.HashExp{"to": StageSent}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("events of posts %v: %w", ids, err)
	}
	sent := make(map[string]bool, len(rows))
	for _, r := range rows {
		sent[r.Post] = true
	}
	return sent, nil
}

// replacing returns what must be saved, before p, when p's text or photos
// are about to be replaced (reason "retry" or "edit"): the version the client
// saw, and a move back to rascunho (a revised post is a draft until it is
// sent again). stored is the post as saved now; p gets its new stage.
func replacing(app core.App, stored, p *core.Record, reason string) ([]*core.Record, error) {
	var sent map[string]bool
	if isDraft(stored) {
		var err error
		if sent, err = everSent(app, stored.Id); err != nil {
			return nil, err
		}
	}
	return replacingSeen(app, stored, p, reason, seenByClient(stored, sent))
}

// replacingSeen is replacing for a post whose seenByClient is known.
func replacingSeen(app core.App, stored, p *core.Record, reason string, seen bool) ([]*core.Record, error) {
	if !seen {
		return nil, nil
	}
	versions, err := app.FindCachedCollectionByNameOrId(VersionsCollection)
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", VersionsCollection, err)
	}
	v := core.NewRecord(versions)
	v.Set("post", stored.Id)
	v.Set("caption", stored.GetString("caption"))
	v.Set("hashtags", stored.Get("hashtags"))
	v.Set("production_note", stored.GetString("production_note"))
	v.Set("photos", PhotoNames(stored))
	v.Set("reason", reason)
	v.Set("stage", stored.GetString("stage"))
	out := []*core.Record{v}
	if from := stored.GetString("stage"); Allowed(from, StageDraft, ActorServer) {
		p.Set("stage", StageDraft)
		ev, err := newEvent(app, stored.Id, from, StageDraft, Server, "post revisado", false)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

func readFile(fsys *filesystem.System, key string) ([]byte, error) {
	r, err := fsys.GetReader(key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// ErrTooManyPhotos is returned by AddPhotos when the post would pass
// content.MaxPhotos.
var ErrTooManyPhotos = errors.New("too many photos for one post")

// AddPhotos stores photos on a post's request (once) and appends them to
// this post's selection only. The post must
// not be generating; what the client saw is kept as a version.
func AddPhotos(app core.App, postID string, photos []photo.Photo) (*core.Record, error) {
	defer lockPosts(postID)()
	var saved *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		p, err := findPost(tx, postID)
		if err != nil {
			return err
		}
		if p.GetString("status") == StatusGenerating {
			return ErrGenerating
		}
		names := PhotoNames(p)
		if len(names)+len(photos) > content.MaxPhotos {
			return ErrTooManyPhotos
		}
		req, err := RequestOf(tx, p)
		if err != nil {
			return err
		}
		stored, added, err := photoFiles(photos)
		if err != nil {
			return err
		}
		names = append(names, added...)
		req.Set(requestPhotos+"+", stored)
		if err := tx.Save(req); err != nil {
			return fmt.Errorf("save photos of request %s: %w", req.Id, err)
		}
		before, err := replacing(tx, p, p, "edit")
		if err != nil {
			return err
		}
		for _, r := range before {
			if err := tx.Save(r); err != nil {
				return fmt.Errorf("save %s of post %s: %w", r.Collection().Name, p.Id, err)
			}
		}
		p.Set(PhotosField, names)
		if err := tx.Save(p); err != nil {
			return fmt.Errorf("save photos of post %s: %w", p.Id, err)
		}
		saved = p
		return nil
	})
	return saved, err
}
