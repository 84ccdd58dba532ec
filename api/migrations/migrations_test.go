package migrations_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/migrations"
)

// rekanMigrations lists our migrations in the order they apply.
func rekanMigrations() core.MigrationsList {
	var list core.MigrationsList
	for _, m := range core.AppMigrations.Items() {
		list.Add(m)
	}
	return list
}

func TestMigrationsUpAndDownOnAFreshDatabase(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()

	// NewTestApp ran every migration up.
	assertUp(t, app)

	list := rekanMigrations()
	reverted, err := core.NewMigrationsRunner(app, list).Down(len(list.Items()))
	if err != nil {
		t.Fatalf("down: %v", err)
	}
	if len(reverted) != len(list.Items()) {
		t.Fatalf("reverted %v, want all %d", reverted, len(list.Items()))
	}
	for _, name := range []string{"businesses", "posts", "requests", "post_events", "post_versions"} {
		if _, err := app.FindCollectionByNameOrId(name); err == nil {
			t.Errorf("collection %s still exists after down", name)
		}
	}
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	if users.CreateRule == nil || *users.CreateRule != "" {
		t.Errorf("users create rule after down: %v", users.CreateRule)
	}
	if err := app.ReloadSettings(); err != nil {
		t.Fatal(err)
	}
	if app.Settings().RateLimits.Enabled {
		t.Error("rate limits still enabled after down")
	}

	// And up again on the reverted database.
	if _, err := core.NewMigrationsRunner(app, list).Up(); err != nil {
		t.Fatalf("up again: %v", err)
	}
	assertUp(t, app)
}

func assertUp(t *testing.T, app core.App) {
	t.Helper()
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	if users.CreateRule != nil {
		t.Errorf("users can sign up: create rule %q", *users.CreateRule)
	}
	if !users.PasswordAuth.Enabled || users.OAuth2.Enabled || users.OTP.Enabled || users.MFA.Enabled {
		t.Errorf("users auth: password %v oauth2 %v otp %v mfa %v",
			users.PasswordAuth.Enabled, users.OAuth2.Enabled, users.OTP.Enabled, users.MFA.Enabled)
	}

	businesses, err := app.FindCollectionByNameOrId("businesses")
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"owner", "name", "segment", "city", "state", "neighbourhood", "phone", "services", "audience", "voice", "facts", "notes", "delivery_areas", "opening_hours", "created", "updated"} {
		if businesses.Fields.GetByName(field) == nil {
			t.Errorf("businesses.%s missing", field)
		}
	}
	if !hasIndex(businesses, "idx_businesses_owner") {
		t.Errorf("businesses indexes: %v", businesses.Indexes)
	}

	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"business", "request", "caption", "hashtags", "production_note", "role", "hook", "status", "error", "checks", "model", "edited", "stage", "publish_on", "photos", "confirmed_claims", "created", "updated"} {
		if posts.Fields.GetByName(field) == nil {
			t.Errorf("posts.%s missing", field)
		}
	}
	rel, ok := posts.Fields.GetByName("business").(*core.RelationField)
	if !ok || !rel.CascadeDelete || !rel.Required || rel.CollectionId != businesses.Id {
		t.Errorf("posts.business relation: %+v", rel)
	}
	if posts.CreateRule != nil {
		t.Errorf("posts can be created through the API: %q", *posts.CreateRule)
	}
	if _, ok := posts.Fields.GetByName("photos").(*core.JSONField); !ok || posts.Fields.GetByName("brief") != nil {
		t.Errorf("posts.photos is not a selection, or posts.brief is left: %+v", posts.Fields.GetByName("photos"))
	}
	requests, err := app.FindCollectionByNameOrId("requests")
	if err != nil {
		t.Fatal(err)
	}
	photos, ok := requests.Fields.GetByName("photos").(*core.FileField)
	if !ok || !photos.Protected || photos.MaxSize != 10<<20 || !slices.Equal(photos.Thumbs, slices.Concat(migrations.PhotoThumbs, []string{post.ModelThumb})) ||
		!slices.Equal(photos.MimeTypes, []string{"image/jpeg", "image/png", "image/webp"}) {
		t.Errorf("requests.photos: %+v", requests.Fields.GetByName("photos"))
	}
	if rel, ok := posts.Fields.GetByName("request").(*core.RelationField); !ok || !rel.Required || !rel.CascadeDelete || rel.CollectionId != requests.Id {
		t.Errorf("posts.request: %+v", posts.Fields.GetByName("request"))
	}
	if rel, ok := requests.Fields.GetByName("business").(*core.RelationField); !ok || !rel.Required || !rel.CascadeDelete || rel.CollectionId != businesses.Id {
		t.Errorf("requests.business: %+v", requests.Fields.GetByName("business"))
	}
	if requests.CreateRule != nil || requests.UpdateRule != nil {
		t.Errorf("requests can be written through the API")
	}
	if !hasIndex(posts, "idx_posts_business_created") {
		t.Errorf("posts indexes: %v", posts.Indexes)
	}

	if err := app.ReloadSettings(); err != nil {
		t.Fatal(err)
	}
	limits := app.Settings().RateLimits
	if !limits.Enabled || len(limits.Rules) != len(migrations.RateLimitRules)+len(migrations.UploadRateLimitRules) {
		t.Errorf("rate limits: %+v", limits)
	}
}

func hasIndex(c *core.Collection, name string) bool {
	return slices.ContainsFunc(c.Indexes, func(idx string) bool { return strings.Contains(idx, name) })
}
