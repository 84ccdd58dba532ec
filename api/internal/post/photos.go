package post

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/eval/content"
)

// PhotosField holds a post's photos: the names, in order, of the photos of
// its request it shows (its request stores each file once).
const PhotosField = "photos"

// MsgTooManyPhotos is the refusal of a fifth photo.
var MsgTooManyPhotos = fmt.Sprintf("Um post pode ter no máximo %d fotos.", content.MaxPhotos)

// PhotoFile is the stored copy of an accepted photo as a file to save on a
// post. Each post needs its own: PocketBase keeps files per record.
func PhotoFile(p photo.Photo) (*filesystem.File, error) {
	f, err := filesystem.NewFileFromBytes(p.Stored, "foto.jpg")
	if err != nil {
		return nil, fmt.Errorf("photo file: %w", err)
	}
	return f, nil
}

// PhotoError is the 400 of a refused photo, naming the field.
func PhotoError(e *core.RequestEvent, message string) error {
	return e.BadRequestError(message, validation.Errors{
		PhotosField: validation.NewError("validation_invalid_photo", message),
	})
}

// reencodeUploads replaces each file a superuser uploads to a request in
// the admin UI with the server's re-encoding (metadata removed, at most
// photo.StoreEdge px), so nothing a client sends is stored as sent. A
// refused photo is a 400 and nothing is written.
func reencodeUploads(e *core.RecordRequestEvent) error {
	current := photoValues(e.Record)
	uploads := e.Record.GetUnsavedFiles(PhotosField)
	if len(uploads) == 0 {
		return nil
	}
	replaced := make(map[*filesystem.File]*filesystem.File, len(uploads))
	ctx := e.Request.Context()
	if e.Auth != nil {
		ctx = photo.WithOwner(ctx, e.Auth.Id)
	}
	for _, upload := range uploads {
		p, err := processUpload(ctx, upload)
		var refused *photo.Error
		if errors.As(err, &refused) {
			return PhotoError(e.RequestEvent, refused.Message)
		}
		if err != nil {
			return e.InternalServerError("Não foi possível ler a foto.", err)
		}
		if replaced[upload], err = PhotoFile(p); err != nil {
			return e.InternalServerError("Não foi possível guardar a foto.", err)
		}
	}
	next := make([]any, 0, len(current))
	for _, v := range current {
		if f, ok := v.(*filesystem.File); ok {
			v = replaced[f]
		}
		next = append(next, v)
	}
	e.Record.Set(PhotosField, next)
	return nil
}

func processUpload(ctx context.Context, upload *filesystem.File) (photo.Photo, error) {
	r, err := upload.Reader.Open()
	if err != nil {
		return photo.Photo{}, fmt.Errorf("open upload: %w", err)
	}
	defer r.Close()
	return photo.Process(ctx, r)
}

// photoValues is the photos field as the record holds it now: stored file
// names and files about to be uploaded.
func photoValues(record *core.Record) []any {
	switch v := record.GetRaw(PhotosField).(type) {
	case []any:
		return v
	case []string:
		out := make([]any, len(v))
		for i, name := range v {
			out[i] = name
		}
		return out
	}
	return nil
}

// ToContentPhoto is the copy of p the writer sees.
func ToContentPhoto(p photo.Photo) content.Photo {
	return content.Photo{MediaType: photo.MediaType, Data: p.Model}
}

// ContentPhotos are the copies of photos the writer sees.
func ContentPhotos(photos []photo.Photo) []content.Photo {
	out := make([]content.Photo, len(photos))
	for i, p := range photos {
		out[i] = ToContentPhoto(p)
	}
	return out
}

// PhotoNames is a post's photo selection, in order.
func PhotoNames(p *core.Record) []string {
	var names []string
	_ = json.Unmarshal(rawJSON(p.Get(PhotosField)), &names)
	return names
}
