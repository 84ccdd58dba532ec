package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// serverOnlyPostFields are written by the generation routes only; operators
// may edit caption, hashtags and production_note and nothing else.
var serverOnlyPostFields = []string{"business", "brief", "role", "hook", "status", "error", "checks", "model", "edited"}

// Posts are created only by the server (the generate route), so the brief is
// stored before the LLM is called and never lost.
func init() {
	m.Register(func(app core.App) error {
		businesses, err := app.FindCollectionByNameOrId("businesses")
		if err != nil {
			return err
		}

		c := core.NewBaseCollection("posts")
		isOwner := "@request.auth.collectionName = 'users' && business.owner = @request.auth.id"
		updateRule := isOwner
		for _, field := range serverOnlyPostFields {
			updateRule += " && @request.body." + field + ":isset = false"
		}
		c.ListRule = types.Pointer(isOwner)
		c.ViewRule = types.Pointer(isOwner)
		c.CreateRule = nil
		c.UpdateRule = types.Pointer(updateRule)
		c.DeleteRule = types.Pointer(isOwner)

		c.Fields.Add(
			&core.RelationField{Name: "business", CollectionId: businesses.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "brief", Required: true, Max: 2000},
			// Instagram's limit is 2200; longer captions are kept (and flagged by
			// the checks) rather than lost.
			&core.TextField{Name: "caption", Max: 10000},
			&core.JSONField{Name: "hashtags", MaxSize: 10000},
			&core.TextField{Name: "production_note", Max: 4000},
			&core.TextField{Name: "role", Max: 40},
			&core.TextField{Name: "hook", Max: 1000},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"generating", "ready", "failed"}},
			&core.TextField{Name: "error", Max: 2000},
			&core.JSONField{Name: "checks", MaxSize: 50000},
			&core.TextField{Name: "model", Max: 200},
			&core.BoolField{Name: "edited"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		c.AddIndex("idx_posts_business_created", false, "business, created", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		return app.Delete(c)
	})
}
