package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The operator's agenda (GET /api/rekan/agenda) reads the dated posts of
// each of the operator's clients by publish date: one index range per
// client instead of a scan of every post.
func init() {
	m.Register(func(app core.App) error {
		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.AddIndex("idx_posts_business_publish_on", false, "business, publish_on", "")
		return app.Save(posts)
	}, func(app core.App) error {
		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.RemoveIndex("idx_posts_business_publish_on")
		return app.Save(posts)
	})
}
