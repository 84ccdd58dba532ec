package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The business owner's name and own WhatsApp, where approval links go:
// separate from the business's public phone (a landline is fine there, not
// for approval). Personal data: it lives on the business record, so
// deleting the client deletes it. Literal limits: the schema of its day.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("businesses")
		if err != nil {
			return err
		}
		c.Fields.Add(
			&core.TextField{Name: "owner_name", Max: 80},
			// Digits only, 55 + DDD + 9 + 8 digits; a record hook normalises it.
			&core.TextField{Name: "owner_whatsapp", Max: 13, Pattern: `^(55[0-9]{2}9[0-9]{8})?$`},
		)
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("businesses")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("owner_name")
		c.Fields.RemoveByName("owner_whatsapp")
		return app.Save(c)
	})
}
