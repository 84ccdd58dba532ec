package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// postsUpdateRuleBeforeStage is the posts update rule of 1764000002: the
// operator edits text and photos, never the server's fields.
const postsUpdateRuleBeforeStage = "@request.auth.collectionName = 'users' && business.owner = @request.auth.id" +
	" && @request.body.business:isset = false && @request.body.brief:isset = false && @request.body.role:isset = false" +
	" && @request.body.hook:isset = false && @request.body.status:isset = false && @request.body.error:isset = false" +
	" && @request.body.checks:isset = false && @request.body.model:isset = false && @request.body.edited:isset = false"

// Every post gets a stage of its journey with the client and an optional
// publish date. The stage moves only through the server (post.MoveStage:
// the operator's stage route, the approvals), so the records API may not
// set it; the publish date is the operator's. post_events records each
// move: the history shown to the operator and what "desfazer" reverses.
func init() {
	m.Register(func(app core.App) error {
		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.Fields.Add(
			&core.SelectField{Name: "stage", Required: true, MaxSelect: 1,
				Values: []string{"rascunho", "enviado", "aprovado", "ajuste", "publicado", "arquivado"}},
			// A calendar date in REKAN_TIMEZONE, never a UTC instant a browser shifts.
			&core.TextField{Name: "publish_on", Max: 10, Pattern: `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`},
		)
		posts.UpdateRule = types.Pointer(postsUpdateRuleBeforeStage + " && @request.body.stage:isset = false")
		posts.AddIndex("idx_posts_publish_on", false, "publish_on", "")
		if err := app.Save(posts); err != nil {
			return err
		}
		if _, err := app.DB().NewQuery("UPDATE posts SET stage = 'rascunho' WHERE stage = ''").Execute(); err != nil {
			return err
		}

		events := core.NewBaseCollection("post_events")
		isOwner := "@request.auth.collectionName = 'users' && post.business.owner = @request.auth.id"
		events.ListRule = types.Pointer(isOwner)
		events.ViewRule = types.Pointer(isOwner)
		stages := []string{"rascunho", "enviado", "aprovado", "ajuste", "publicado", "arquivado"}
		events.Fields.Add(
			&core.RelationField{Name: "post", CollectionId: posts.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.SelectField{Name: "from", Required: true, MaxSelect: 1, Values: stages},
			&core.SelectField{Name: "to", Required: true, MaxSelect: 1, Values: stages},
			&core.SelectField{Name: "actor", Required: true, MaxSelect: 1, Values: []string{"operator", "client", "server"}},
			&core.TextField{Name: "actor_name", Max: 200},
			&core.TextField{Name: "via", Max: 40},
			&core.TextField{Name: "note", Max: 1000},
			&core.BoolField{Name: "undo"},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		events.AddIndex("idx_post_events_post_created", false, "post, created", "")
		return app.Save(events)
	}, func(app core.App) error {
		events, err := app.FindCollectionByNameOrId("post_events")
		if err != nil {
			return err
		}
		if err := app.Delete(events); err != nil {
			return err
		}
		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.Fields.RemoveByName("stage")
		posts.Fields.RemoveByName("publish_on")
		posts.RemoveIndex("idx_posts_publish_on")
		posts.UpdateRule = types.Pointer(postsUpdateRuleBeforeStage)
		return app.Save(posts)
	})
}
