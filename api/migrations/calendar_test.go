package migrations_test

import (
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/calendar"
)

// The migration's literal tag list and the calendar's data file agree: a
// tag added to dates.json needs a migration that adds it to the field.
func TestSegmentTagsFieldListsTheCalendarTags(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	c, err := app.FindCollectionByNameOrId("businesses")
	if err != nil {
		t.Fatal(err)
	}
	field, ok := c.Fields.GetByName("segment_tags").(*core.SelectField)
	if !ok {
		t.Fatal("businesses.segment_tags is not a select field")
	}
	values := slices.Sorted(slices.Values(field.Values))
	if !slices.Equal(values, calendar.Default.Tags()) {
		t.Errorf("segment_tags values %v, calendar tags %v", values, calendar.Default.Tags())
	}
	if _, err := app.FindCollectionByNameOrId("ideas"); err != nil {
		t.Errorf("ideas collection: %v", err)
	}
}
