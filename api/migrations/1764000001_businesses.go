package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rekan/rekan/eval/content"
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
			&core.TextField{Name: "name", Required: true, Max: content.MaxBusinessNameRunes},
			&core.TextField{Name: "segment", Required: true, Max: content.MaxSegmentRunes},
			&core.TextField{Name: "city", Required: true, Max: content.MaxCityRunes},
			&core.TextField{Name: "state", Required: true, Max: 2},
			&core.TextField{Name: "neighbourhood", Max: content.MaxNeighbourhoodRunes},
			// Digits only, E.164 without the plus; a record hook normalises it.
			&core.TextField{Name: "phone", Max: content.MaxPhoneDigits, Pattern: `^[0-9]*$`},
			&core.JSONField{Name: "services", MaxSize: 20000},
			&core.TextField{Name: "audience", Max: content.MaxAudienceRunes},
			&core.TextField{Name: "voice", Max: content.MaxVoiceRunes},
			&core.JSONField{Name: "facts", MaxSize: 20000},
			&core.TextField{Name: "notes", Max: content.MaxNotesRunes},
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
