package migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// UploadRateLimitRules bound the records API's writes of posts, which
// carry photos (each decoded and re-encoded by the server): without them
// an operator's photo edits had only the general limit of 300 requests in
// ten seconds. posts:generate and retry already have "POST /api/rekan/".
// PocketBase exempts superusers (the admin UI) from every rule.
var UploadRateLimitRules = []core.RateLimitRule{
	{Label: "posts:update", MaxRequests: 20, Duration: 60},
	{Label: "posts:create", MaxRequests: 20, Duration: 60},
}

func init() {
	m.Register(func(app core.App) error {
		// The server rewrites the rules from its own list at every start
		// (settings.Apply), so a data dir migrated down and up again may
		// hold them already: replace, never duplicate (PocketBase refuses
		// two rules with one label).
		settings := app.Settings()
		settings.RateLimits.Rules = append(withoutUploadRules(settings.RateLimits.Rules), UploadRateLimitRules...)
		return app.Save(settings)
	}, func(app core.App) error {
		settings := app.Settings()
		settings.RateLimits.Rules = withoutUploadRules(settings.RateLimits.Rules)
		return app.Save(settings)
	})
}

func withoutUploadRules(rules []core.RateLimitRule) []core.RateLimitRule {
	return slices.DeleteFunc(slices.Clone(rules), func(r core.RateLimitRule) bool {
		return r.Label == "posts:update" || r.Label == "posts:create"
	})
}
