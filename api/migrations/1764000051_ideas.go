package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Ideas are the LLM's post ideas for one client and one date of the
// calendar, kept so the operator can come back to them. Only the server
// creates them (POST /api/rekan/businesses/{id}/ideas); the operator reads
// and deletes the ones of their own clients.
func init() {
	m.Register(func(app core.App) error {
		businesses, err := app.FindCollectionByNameOrId("businesses")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("ideas")
		isOwner := "@request.auth.collectionName = 'users' && business.owner = @request.auth.id"
		c.ListRule = types.Pointer(isOwner)
		c.ViewRule = types.Pointer(isOwner)
		c.CreateRule = nil
		c.UpdateRule = nil
		c.DeleteRule = types.Pointer(isOwner)
		c.Fields.Add(
			&core.RelationField{Name: "business", CollectionId: businesses.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			// The calendar occasion's id (dates.json) and the date it falls on.
			&core.TextField{Name: "occasion", Required: true, Max: 80},
			&core.TextField{Name: "date", Required: true, Pattern: `^\d{4}-\d{2}-\d{2}$`},
			&core.TextField{Name: "title", Required: true, Max: 200},
			&core.TextField{Name: "brief", Required: true, Max: 2000},
			&core.SelectField{Name: "type", Required: true, MaxSelect: 1, Values: []string{"foto", "carrossel", "reels", "stories"}},
			&core.TextField{Name: "publish_on", Pattern: `^\d{4}-\d{2}-\d{2}$`},
			&core.TextField{Name: "model", Max: 200},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		c.AddIndex("idx_ideas_business_date", false, "business, occasion, date", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("ideas")
		if err != nil {
			return err
		}
		return app.Delete(c)
	})
}
