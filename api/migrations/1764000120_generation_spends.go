package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// generation_spends records each generation an operator started (generate,
// retry, revise, ideas, one per batch item), so the per-operator hourly
// budget (REKAN_GENERATION_BUDGET) counts across restarts and client
// addresses. Server-only: no rule opens it.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("generation_spends")
		c.Fields.Add(
			&core.RelationField{Name: "operator", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "kind", Required: true, Max: 40},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		c.AddIndex("idx_generation_spends_operator_created", false, "operator, created", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("generation_spends")
		if err != nil {
			return err
		}
		return app.Delete(c)
	})
}
