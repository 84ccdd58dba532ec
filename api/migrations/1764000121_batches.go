package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// batches are "Gerar para vários clientes": one brief or one calendar
// occasion, one item per client (status pending|running|done|failed, the
// request made or the error). The server writes them (its worker updates
// items as they finish); the operator lists and views their own, and
// follows them through realtime.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("batches")
		isOwner := "@request.auth.collectionName = 'users' && operator = @request.auth.id"
		c.ListRule = types.Pointer(isOwner)
		c.ViewRule = types.Pointer(isOwner)
		c.CreateRule = nil
		c.UpdateRule = nil
		c.DeleteRule = types.Pointer(isOwner)
		c.Fields.Add(
			&core.RelationField{Name: "operator", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "brief", Max: 2000},
			&core.TextField{Name: "occasion", Max: 80},
			&core.TextField{Name: "date", Pattern: `^\d{4}-\d{2}-\d{2}$`},
			&core.NumberField{Name: "count", Min: types.Pointer(1.0), Max: types.Pointer(3.0), OnlyInt: true},
			&core.JSONField{Name: "items", MaxSize: 200000},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"running", "done"}},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		c.AddIndex("idx_batches_status", false, "status", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("batches")
		if err != nil {
			return err
		}
		return app.Delete(c)
	})
}
