// Package idea stores the LLM's post ideas for a client and a date of the
// calendar (the ideas collection), all of one answer or none.
package idea

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/eval/content"
)

// Collection is the name of the ideas collection.
const Collection = "ideas"

// Save stores ideas for the business's occasion on date in one
// transaction and returns the records in order.
func Save(app core.App, businessID, occasionID string, date calendar.Date, ideas []content.Idea, model string) ([]*core.Record, error) {
	c, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return nil, fmt.Errorf("ideas collection: %w", err)
	}
	records := make([]*core.Record, 0, len(ideas))
	err = app.RunInTransaction(func(tx core.App) error {
		for _, i := range ideas {
			r := core.NewRecord(c)
			r.Set("business", businessID)
			r.Set("occasion", occasionID)
			r.Set("date", date.String())
			r.Set("title", i.Title)
			r.Set("brief", i.Brief)
			r.Set("type", i.Type)
			r.Set("publish_on", i.PublishOn)
			r.Set("model", model)
			if err := tx.Save(r); err != nil {
				return fmt.Errorf("save idea %q: %w", i.Title, err)
			}
			records = append(records, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return records, nil
}
