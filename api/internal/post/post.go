// Package post owns the `posts` collection's invariants: posts are created
// by the server only, operators edit caption, hashtags, production note and
// photos, and the quality badges (checks) always describe the current text.
package post

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/rekan/rekan/api/internal/clock"
	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/text"
)

// Collection is the name of the posts collection.
const Collection = "posts"

// Post statuses.
const (
	StatusGenerating = "generating"
	StatusReady      = "ready"
	StatusFailed     = "failed"
)

// MsgCaptionEmpty refuses an edit that leaves a post without a caption.
const MsgCaptionEmpty = "A legenda não pode ficar vazia."

// EditableFields are the text fields an operator may change; the checks
// describe them. The web app's PostEdit is generated from this list
// (api/cmd/webfacts).
var EditableFields = []string{"caption", "hashtags", "production_note"}

// PublishOnField is the post's publish date: a calendar date (YYYY-MM-DD)
// in the instance's time zone, set by the operator.
const PublishOnField = "publish_on"

// MsgInvalidDate refuses a publish date that is not a real YYYY-MM-DD date.
const MsgInvalidDate = "Data de publicação inválida: use uma data no formato AAAA-MM-DD."

// operatorFields are all the fields an operator may change: the text, the
// photos and the publish date.
var operatorFields = append(slices.Clone(EditableFields), PhotosField, PublishOnField)

// BindHooks marks operator edits and re-runs the checks on them, and
// refuses edits while the post is being generated (the generation would
// overwrite them). The API rules already refuse server-only fields; this
// runs after them.
func BindHooks(app core.App) {
	// A post starts its journey as a draft, however it is created (the
	// server, a superuser in the admin UI, a migration's copy).
	app.OnRecordCreate(Collection).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("stage") == "" {
			e.Record.Set("stage", StageDraft)
		}
		return e.Next()
	})
	// What the API answers about a post says whether its last stage move
	// can be undone (one indexed read of its latest event).
	app.OnRecordEnrich(Collection).BindFunc(func(e *core.RecordEnrichEvent) error {
		if err := SetUndoable(e.App, e.Record); err != nil {
			e.App.Logger().Warn("undoable post", "post", e.Record.Id, "error", err)
		}
		return e.Next()
	})
	// Only superusers may create requests through the API (the admin UI);
	// their uploads are re-encoded like everyone's.
	for _, bind := range []func(...string) *hook.TaggedHook[*core.RecordRequestEvent]{app.OnRecordCreateRequest, app.OnRecordUpdateRequest} {
		bind(RequestsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
			if err := reencodeUploads(e); err != nil {
				return err
			}
			return e.Next()
		})
	}
	app.OnRecordUpdateRequest(Collection).BindFunc(func(e *core.RecordRequestEvent) error {
		// Held until the edit is saved (e.Next), so no generation can start
		// between the check and the write.
		defer lockPosts(e.Record.Id)()
		stored, err := e.App.FindRecordById(Collection, e.Record.Id)
		if err != nil {
			return e.NotFoundError("", err)
		}
		if stored.GetString("status") == StatusGenerating {
			return e.Error(http.StatusConflict, MsgEditWhileGenerating, nil)
		}
		// The request loaded the post before taking the lock; a generation
		// may have finished since. Only the editable fields the request
		// sends are the operator's: everything else is saved as stored now.
		info, err := e.RequestInfo()
		if err != nil {
			return err
		}
		for _, field := range e.Record.Collection().Fields.FieldNames() {
			if field != "id" && !(slices.Contains(operatorFields, field) && sent(info.Body, field)) {
				e.Record.Set(field, stored.Get(field))
			}
		}
		if date := e.Record.GetString(PublishOnField); date != "" && !clock.ValidDate(date) {
			return e.BadRequestError(MsgInvalidDate, validation.Errors{
				PublishOnField: validation.NewError("validation_invalid_date", MsgInvalidDate),
			})
		}
		if sent(info.Body, PhotosField) {
			msg, err := validSelection(e.App, e.Record)
			if err != nil {
				return e.InternalServerError("Não foi possível ler o pedido do post.", err)
			}
			if msg != "" {
				return PhotoError(e.RequestEvent, msg)
			}
		}
		changed := false
		for _, field := range EditableFields {
			if !sameValue(stored.Get(field), e.Record.Get(field)) {
				changed = true
			}
		}
		photosChanged := !sameValue(PhotoNames(stored), PhotoNames(e.Record))
		if changed {
			hashtags, err := content.ParseHashtags(rawJSON(e.Record.Get("hashtags")))
			if err != nil {
				return e.BadRequestError("Dados inválidos.", validation.Errors{
					"hashtags": validation.NewError("validation_invalid_hashtags", err.Error()),
				})
			}
			e.Record.Set("hashtags", hashtags)
			for _, field := range []string{"caption", "production_note"} {
				e.Record.Set(field, text.Trim(e.Record.GetString(field)))
			}
			// The caption is what gets copied and shared; an empty one would be
			// "saved" and then posted as nothing.
			if e.Record.GetString("caption") == "" {
				return e.BadRequestError("Dados inválidos.", validation.Errors{
					"caption": validation.NewError("validation_required", MsgCaptionEmpty),
				})
			}
			e.Record.Set("edited", true)
			in, err := CheckInput(e.App, e.Record)
			if err != nil {
				return e.InternalServerError("Não foi possível verificar o post.", err)
			}
			e.Record.Set("checks", checks.Run(in))
		}
		if !changed && !photosChanged {
			return e.Next()
		}
		// What the client saw is kept, in the same transaction as the edit.
		before, err := replacing(e.App, stored, e.Record, "edit")
		if err != nil {
			return e.InternalServerError("Não foi possível guardar a versão anterior do post.", err)
		}
		if len(before) == 0 {
			return e.Next()
		}
		return e.App.RunInTransaction(func(tx core.App) error {
			for _, r := range before {
				if err := tx.Save(r); err != nil {
					return fmt.Errorf("save %s of post %s: %w", r.Collection().Name, stored.Id, err)
				}
			}
			e.App = tx
			return e.Next()
		})
	})
}

// sent reports whether the request body sets field (with or without a
// PocketBase modifier such as "field+" or "field:…").
func sent(body map[string]any, field string) bool {
	for key := range body {
		if rest, ok := strings.CutPrefix(key, field); ok && (rest == "" || strings.ContainsAny(rest[:1], ":+-")) {
			return true
		}
	}
	return false
}

// ToContent is the post as the checks see it.
func ToContent(record *core.Record) content.Post {
	var hashtags []string
	_ = json.Unmarshal(rawJSON(record.Get("hashtags")), &hashtags)
	return content.Post{
		Role:           content.Role(record.GetString("role")),
		Hook:           record.GetString("hook"),
		Caption:        record.GetString("caption"),
		Hashtags:       hashtags,
		ProductionNote: record.GetString("production_note"),
	}
}

func rawJSON(v any) []byte {
	if v == nil {
		return nil
	}
	if raw, ok := v.(interface{ String() string }); ok {
		if s := raw.String(); s != "" {
			return []byte(s)
		}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return raw
}

func sameValue(a, b any) bool {
	return string(rawJSON(a)) == string(rawJSON(b))
}
