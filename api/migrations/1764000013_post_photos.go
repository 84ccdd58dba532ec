package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// PhotoThumbs are the thumbnails the web app asks for: a square for the
// post list, a feed-width copy for the post page.
var PhotoThumbs = []string{"400x400", "1080x0"}

// The client's photos of a post. Protected: a file URL answers only with a
// file token of someone the posts view rule lets see the post (the operator
// who owns its business), so a leaked link is not a leaked photo. The
// server stores only its own re-encodings (package photo); the limits here
// are a second layer for uploads that reach PocketBase some other way.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.FileField{
			Name:      "photos",
			MaxSelect: 4,
			MaxSize:   10 << 20,
			MimeTypes: []string{"image/jpeg", "image/png", "image/webp"},
			Thumbs:    PhotoThumbs,
			Protected: true,
		})
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("photos")
		return app.Save(c)
	})
}
