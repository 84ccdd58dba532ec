package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The facts the claim checks need and the profile had no place for, all
// optional: the areas a business delivers to and the days and hours it
// opens (an offering's unit lives in the services JSON). And, on a post,
// the claims the operator confirmed as true ("o cliente confirmou"), which
// the checks then take as backed. Literal sizes: a migration is the schema
// of its day (the live limits are in eval/content/limits.go).
func init() {
	m.Register(func(app core.App) error {
		businesses, err := app.FindCollectionByNameOrId("businesses")
		if err != nil {
			return err
		}
		businesses.Fields.Add(
			&core.JSONField{Name: "delivery_areas", MaxSize: 5000},
			&core.TextField{Name: "opening_hours", Max: 300},
		)
		if err := app.Save(businesses); err != nil {
			return err
		}
		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.Fields.Add(&core.JSONField{Name: "confirmed_claims", MaxSize: 10000})
		return app.Save(posts)
	}, func(app core.App) error {
		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.Fields.RemoveByName("confirmed_claims")
		if err := app.Save(posts); err != nil {
			return err
		}
		businesses, err := app.FindCollectionByNameOrId("businesses")
		if err != nil {
			return err
		}
		businesses.Fields.RemoveByName("delivery_areas")
		businesses.Fields.RemoveByName("opening_hours")
		return app.Save(businesses)
	})
}
