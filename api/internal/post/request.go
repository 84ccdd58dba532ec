package post

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// Request fields the posts read.
const (
	requestPhotos  = "photos"
	requestModel   = "model_photos"
	requestModelOf = "model_photo_of"
)

// MsgUnknownPhoto refuses a selection naming a photo its request lacks.
const MsgUnknownPhoto = "Foto desconhecida: escolha entre as fotos do pedido."

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

// CreatePending stores the request (brief, photos once, the model's copies
// of them once, the types asked for, the occasion) and count posts of it,
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
	stored := make([]any, 0, len(photos))
	models := make([]any, 0, len(photos))
	names := make([]string, 0, len(photos))
	modelOf := map[string]string{}
	for _, ph := range photos {
		f, err := PhotoFile(ph)
		if err != nil {
			return Pending{}, err
		}
		m, err := filesystem.NewFileFromBytes(ph.Model, "modelo.jpg")
		if err != nil {
			return Pending{}, fmt.Errorf("model photo file: %w", err)
		}
		stored, models, names = append(stored, f), append(models, m), append(names, f.Name)
		modelOf[f.Name] = m.Name
	}
	req.Set(requestPhotos, stored)
	req.Set(requestModel, models)
	req.Set(requestModelOf, modelOf)

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

// ModelPhotos are the copies the writer sees of the photos a post selects,
// read from its request as stored at upload: a retry decodes nothing. A
// request migrated from before requests were records has no copies yet;
// its first retry makes them once and stores them.
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
	modelOf := map[string]string{}
	_ = req.UnmarshalJSONField(requestModelOf, &modelOf)
	out := make([]content.Photo, 0, len(names))
	var made []photo.Photo
	var madeFor []string
	for _, name := range names {
		if m := modelOf[name]; m != "" {
			data, err := readFile(fsys, req.BaseFilesPath()+"/"+m)
			if err != nil {
				return nil, fmt.Errorf("model photo %s of request %s: %w", m, req.Id, err)
			}
			out = append(out, content.Photo{MediaType: photo.MediaType, Data: data})
			continue
		}
		ph, err := readStored(ctx, fsys, req.BaseFilesPath()+"/"+name)
		if err != nil {
			return nil, fmt.Errorf("photo %s of request %s: %w", name, req.Id, err)
		}
		made, madeFor = append(made, ph), append(madeFor, name)
		out = append(out, ToContentPhoto(ph))
	}
	if len(made) > 0 {
		if err := keepModelCopies(app, req.Id, madeFor, made); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// keepModelCopies stores model copies made for a request's photos.
func keepModelCopies(app core.App, requestID string, names []string, photos []photo.Photo) error {
	return app.RunInTransaction(func(tx core.App) error {
		req, err := tx.FindRecordById(RequestsCollection, requestID)
		if err != nil {
			return fmt.Errorf("reload request %s: %w", requestID, err)
		}
		modelOf := map[string]string{}
		_ = req.UnmarshalJSONField(requestModelOf, &modelOf)
		files := make([]any, 0, len(photos))
		for i, ph := range photos {
			if modelOf[names[i]] != "" {
				continue
			}
			m, err := filesystem.NewFileFromBytes(ph.Model, "modelo.jpg")
			if err != nil {
				return fmt.Errorf("model photo file: %w", err)
			}
			files = append(files, m)
			modelOf[names[i]] = m.Name
		}
		req.Set(requestModel+"+", files)
		req.Set(requestModelOf, modelOf)
		if err := tx.Save(req); err != nil {
			return fmt.Errorf("save model photos of request %s: %w", requestID, err)
		}
		return nil
	})
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

// AddPhotos stores photos on a post's request (once, with their model
// copies) and appends them to this post's selection only. The post must
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
		modelOf := map[string]string{}
		_ = req.UnmarshalJSONField(requestModelOf, &modelOf)
		stored := make([]any, 0, len(photos))
		models := make([]any, 0, len(photos))
		for _, ph := range photos {
			f, err := PhotoFile(ph)
			if err != nil {
				return err
			}
			m, err := filesystem.NewFileFromBytes(ph.Model, "modelo.jpg")
			if err != nil {
				return fmt.Errorf("model photo file: %w", err)
			}
			stored, models, names = append(stored, f), append(models, m), append(names, f.Name)
			modelOf[f.Name] = m.Name
		}
		req.Set(requestPhotos+"+", stored)
		req.Set(requestModel+"+", models)
		req.Set(requestModelOf, modelOf)
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
