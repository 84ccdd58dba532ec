package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// What the date engine needs on a client: its segment tags (derived from
// the free-text segment by package calendar, corrected by the operator)
// and an optional monthly plan size. The tags are the calendar's tags of
// this day, as literals; a new tag in dates.json needs a migration that
// adds it here (the calendar tests compare both lists).
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("businesses")
		if err != nil {
			return err
		}
		tags := []string{
			"alimentacao", "bar", "barbearia", "cafeteria", "chocolateria", "confeitaria", "educacao",
			"estetica", "fitness", "flores", "forro", "hamburgueria", "livraria", "moda", "musica",
			"padaria", "pet", "pizzaria", "presentes", "restaurante", "salao", "saude", "sorveteria",
		}
		c.Fields.Add(
			&core.SelectField{Name: "segment_tags", Values: tags, MaxSelect: len(tags)},
			&core.NumberField{Name: "posts_per_month", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(200.0)},
		)
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("businesses")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("segment_tags")
		c.Fields.RemoveByName("posts_per_month")
		return app.Save(c)
	})
}
