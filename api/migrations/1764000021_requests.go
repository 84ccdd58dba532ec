package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// RequestsCollectionID is fixed so that the data migration (1764000022) is
// the same on every instance and up → down → up gives identical rows, and
// so the storage sweep knows the folder of a collection a down removed.
const RequestsCollectionID = "pbc_rekanrequests"

// PostVersionsCollectionID is fixed for the same reasons.
const PostVersionsCollectionID = "pbc_rekanversions"

// A generation request ("pedido") is a record: the brief, the photos
// (stored once, whatever the number of posts), the model's copies of them
// (so a retry never decodes a photo again), what was asked for. Only the
// server creates requests; an operator lists, views and deletes those of
// their own businesses. post_versions keeps what a post said before a
// retry, a revision or an edit replaced it once the client had seen it.
func init() {
	m.Register(func(app core.App) error {
		businesses, err := app.FindCollectionByNameOrId("businesses")
		if err != nil {
			return err
		}
		requests := core.NewBaseCollection("requests", RequestsCollectionID)
		isOwner := "@request.auth.collectionName = 'users' && business.owner = @request.auth.id"
		requests.ListRule = types.Pointer(isOwner)
		requests.ViewRule = types.Pointer(isOwner)
		requests.DeleteRule = types.Pointer(isOwner)
		requests.Fields.Add(
			&core.RelationField{Name: "business", CollectionId: businesses.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "brief", Required: true, Max: 2000},
			// The stored copies (<= 1600 px); a post selects among them. Room
			// for each of 3 posts adding its own 4.
			&core.FileField{Name: "photos", MaxSelect: 16, MaxSize: 10 << 20,
				MimeTypes: []string{"image/jpeg", "image/png", "image/webp"},
				Thumbs:    []string{"400x400", "1080x0"}, Protected: true},
			// The copies the model sees (<= 1024 px), made once at upload.
			&core.FileField{Name: "model_photos", MaxSelect: 16, MaxSize: 10 << 20,
				MimeTypes: []string{"image/jpeg"}, Protected: true},
			// photo name -> model copy name; a migrated request has none until
			// its first retry makes them.
			&core.JSONField{Name: "model_photo_of", MaxSize: 10000},
			&core.NumberField{Name: "count", OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(3.0)},
			// Requested types (content.Role slugs); empty = automático.
			&core.JSONField{Name: "types", MaxSize: 2000},
			// The calendar occasion a request came from, when it did.
			&core.TextField{Name: "occasion", Max: 200},
			&core.TextField{Name: "model", Max: 200},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		requests.AddIndex("idx_requests_business_created", false, "business, created", "")
		if err := app.Save(requests); err != nil {
			return err
		}

		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		versions := core.NewBaseCollection("post_versions", PostVersionsCollectionID)
		versions.ListRule = types.Pointer("@request.auth.collectionName = 'users' && post.business.owner = @request.auth.id")
		versions.ViewRule = versions.ListRule
		versions.Fields.Add(
			&core.RelationField{Name: "post", CollectionId: posts.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "caption", Max: 10000},
			&core.JSONField{Name: "hashtags", MaxSize: 10000},
			&core.TextField{Name: "production_note", Max: 4000},
			// Names in the request's photos, as the post selected them then.
			&core.JSONField{Name: "photos", MaxSize: 4000},
			&core.SelectField{Name: "reason", Required: true, MaxSelect: 1, Values: []string{"retry", "edit", "revision"}},
			&core.TextField{Name: "stage", Max: 20},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		versions.AddIndex("idx_post_versions_post_created", false, "post, created", "")
		return app.Save(versions)
	}, func(app core.App) error {
		for _, name := range []string{"post_versions", "requests"} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			if err := app.Delete(c); err != nil {
				return err
			}
		}
		return nil
	})
}
