package migrations_test

import (
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/migrations"
)

// The migration's literal thumb size is the one the retries make
// (post.ModelThumb): the files API then serves the same cached file, and
// no model copy is stored beside the photos any more. Down brings the
// fields of 1764000021 back without the thumb size.
func TestRequestPhotosListTheModelThumb(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	shape := func() (thumbs []string, fields []string) {
		t.Helper()
		c, err := app.FindCollectionByNameOrId(migrations.RequestsCollectionID)
		if err != nil {
			t.Fatal(err)
		}
		photos, ok := c.Fields.GetByName("photos").(*core.FileField)
		if !ok {
			t.Fatal("requests.photos is not a file field")
		}
		return photos.Thumbs, c.Fields.FieldNames()
	}
	thumbs, fields := shape()
	if !slices.Contains(thumbs, post.ModelThumb) {
		t.Errorf("requests.photos thumbs %v lack %s", thumbs, post.ModelThumb)
	}
	if slices.Contains(fields, "model_photos") || slices.Contains(fields, "model_photo_of") {
		t.Errorf("requests still has model copy fields: %v", fields)
	}

	testutil.RevertTo(t, app, "1764000150")
	thumbs, fields = shape()
	if slices.Contains(thumbs, post.ModelThumb) || !slices.Contains(fields, "model_photos") || !slices.Contains(fields, "model_photo_of") {
		t.Errorf("after down: thumbs %v fields %v", thumbs, fields)
	}
}
