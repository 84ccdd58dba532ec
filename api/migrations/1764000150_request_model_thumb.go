package migrations

import (
	"errors"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The model's copy of a request's photo is no longer stored beside it: the
// first generation sends the copy made at upload from memory, and a retry
// reads the photo's 1024x1024f thumb, which PocketBase makes once and keeps
// with the photo. That stored one file per photo instead of two (issue 18:
// a third of the bytes each post copying every photo stored). The copies
// already stored name no record once their fields are gone; the storage
// sweep removes them. Down gives the fields back empty: the code of their
// day made the copies of a request without them at its first retry.
var errNoPhotosField = errors.New("requests has no photos file field")

func init() {
	m.Register(func(app core.App) error {
		requests, photos, err := requestPhotos(app)
		if err != nil {
			return err
		}
		if !slices.Contains(photos.Thumbs, "1024x1024f") {
			photos.Thumbs = append(photos.Thumbs, "1024x1024f")
		}
		requests.Fields.RemoveByName("model_photos")
		requests.Fields.RemoveByName("model_photo_of")
		return app.Save(requests)
	}, func(app core.App) error {
		requests, photos, err := requestPhotos(app)
		if err != nil {
			return err
		}
		photos.Thumbs = slices.DeleteFunc(photos.Thumbs, func(s string) bool { return s == "1024x1024f" })
		// As 1764000021 made them, in their place after photos.
		requests.Fields.AddAt(4,
			&core.FileField{Name: "model_photos", MaxSelect: 16, MaxSize: 10 << 20,
				MimeTypes: []string{"image/jpeg"}, Protected: true},
			&core.JSONField{Name: "model_photo_of", MaxSize: 10000},
		)
		return app.Save(requests)
	})
}

func requestPhotos(app core.App) (*core.Collection, *core.FileField, error) {
	requests, err := app.FindCollectionByNameOrId(RequestsCollectionID)
	if err != nil {
		return nil, nil, err
	}
	photos, ok := requests.Fields.GetByName("photos").(*core.FileField)
	if !ok {
		return nil, nil, errNoPhotosField
	}
	return requests, photos, nil
}
