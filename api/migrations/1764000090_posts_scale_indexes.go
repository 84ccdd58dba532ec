package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Indexes for what must not grow with the number of posts (issue 23):
// the start-up scan for posts left generating (post.FailInterrupted) reads
// a partial index holding only those, so it costs nothing with 100,000
// ready posts; a client's history filtered by stage reads its page in
// order from (business, stage, created).
func init() {
	m.Register(func(app core.App) error {
		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.AddIndex("idx_posts_generating", false, "status", "status = 'generating'")
		posts.AddIndex("idx_posts_business_stage_created", false, "business, stage, created", "")
		return app.Save(posts)
	}, func(app core.App) error {
		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.RemoveIndex("idx_posts_generating")
		posts.RemoveIndex("idx_posts_business_stage_created")
		return app.Save(posts)
	})
}
