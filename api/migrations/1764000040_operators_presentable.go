package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// An operator is shown by their e-mail in the admin UI (a business's owner
// reads "maria@example.com", not "N/A"): the users collection had no
// presentable field, so relation cells had nothing to show.
func init() {
	m.Register(func(app core.App) error {
		return setEmailPresentable(app, true)
	}, func(app core.App) error {
		return setEmailPresentable(app, false)
	})
}

func setEmailPresentable(app core.App, presentable bool) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	email, ok := users.Fields.GetByName("email").(*core.EmailField)
	if !ok {
		return nil
	}
	email.Presentable = presentable
	return app.Save(users)
}
