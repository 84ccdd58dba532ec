package routes

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// saveAll stores records all or none. PocketBase has one writer connection:
// saving inside RunInTransaction validates there too (the relation check
// reads the business), so every generation in flight queued behind those
// reads. Here validation runs first, on the read pool, and the write holds
// the writer only for the inserts or updates; one record needs no explicit
// transaction (its statement is atomic). The hooks are the same ones Save
// runs: Validate triggers the validate hooks, SaveNoValidate the rest.
func saveAll(app core.App, records []*core.Record) error {
	for _, r := range records {
		if err := app.Validate(r); err != nil {
			return fmt.Errorf("validate post %s: %w", r.Id, err)
		}
	}
	if len(records) == 1 {
		if err := app.SaveNoValidate(records[0]); err != nil {
			return fmt.Errorf("save post %s: %w", records[0].Id, err)
		}
		return nil
	}
	return app.RunInTransaction(func(tx core.App) error {
		for _, r := range records {
			if err := tx.SaveNoValidate(r); err != nil {
				return fmt.Errorf("save post %s: %w", r.Id, err)
			}
		}
		return nil
	})
}
