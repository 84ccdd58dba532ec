package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The storage sweep runs at every start now, beside the server, so the
// mark of the applied migrations at its last run (_params
// rekan_storage_swept) is read by nothing. Down leaves it absent: the code
// of its day sweeps at its next start when there is no mark, which is what
// a server going back a version should do.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery("DELETE FROM {{_params}} WHERE [[id]] = 'rekan_storage_swept'").Execute()
		return err
	}, func(core.App) error {
		return nil
	})
}
