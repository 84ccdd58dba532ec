package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Operators are the people who run Rekan for their clients. They are created
// by the `operator` CLI or by a superuser, never by self sign-up, and they log
// in with a password only.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		ownerRule := "id = @request.auth.id"
		users.ListRule = types.Pointer(ownerRule)
		users.ViewRule = types.Pointer(ownerRule)
		users.CreateRule = nil
		users.UpdateRule = types.Pointer(ownerRule)
		users.DeleteRule = nil
		users.PasswordAuth.Enabled = true
		users.PasswordAuth.IdentityFields = []string{core.FieldNameEmail}
		users.OAuth2.Enabled = false
		users.OTP.Enabled = false
		users.MFA.Enabled = false
		return app.Save(users)
	}, func(app core.App) error {
		// Back to PocketBase's defaults for the users collection.
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		ownerRule := "id = @request.auth.id"
		users.CreateRule = types.Pointer("")
		users.DeleteRule = types.Pointer(ownerRule)
		return app.Save(users)
	})
}
