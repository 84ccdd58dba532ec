package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Businesses are the operator's clients. Every rule pins them to their owner;
// the owner is set at creation (to the creator) and never reassigned.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}

		c := core.NewBaseCollection("businesses")
		isOwner := "@request.auth.collectionName = 'users' && owner = @request.auth.id"
		c.ListRule = types.Pointer(isOwner)
		c.ViewRule = types.Pointer(isOwner)
		c.CreateRule = types.Pointer("@request.auth.collectionName = 'users' && @request.body.owner = @request.auth.id")
		c.UpdateRule = types.Pointer(isOwner + " && (@request.body.owner:isset = false || @request.body.owner = @request.auth.id)")
		c.DeleteRule = types.Pointer(isOwner)

		c.Fields.Add(
			&core.RelationField{Name: "owner", CollectionId: users.Id, Required: true, MaxSelect: 1},
			&core.TextField{Name: "name", Required: true, Max: 120},
			&core.TextField{Name: "segment", Required: true, Max: 80},
			&core.TextField{Name: "city", Required: true, Max: 80},
			&core.TextField{Name: "state", Required: true, Max: 2},
			&core.TextField{Name: "neighbourhood", Max: 80},
			// Digits only, E.164 without the plus; a record hook normalises it.
			&core.TextField{Name: "phone", Max: 15, Pattern: `^[0-9]*$`},
			&core.JSONField{Name: "services", MaxSize: 20000},
			&core.TextField{Name: "audience", Max: 500},
			&core.TextField{Name: "voice", Max: 1000},
			&core.JSONField{Name: "facts", MaxSize: 20000},
			&core.TextField{Name: "notes", Max: 2000},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		c.AddIndex("idx_businesses_owner", false, "owner", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("businesses")
		if err != nil {
			return err
		}
		return app.Delete(c)
	})
}
