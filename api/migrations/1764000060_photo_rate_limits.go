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
		settings := app.Settings()
		settings.RateLimits.Rules = append(settings.RateLimits.Rules, UploadRateLimitRules...)
		return app.Save(settings)
	}, func(app core.App) error {
		settings := app.Settings()
		settings.RateLimits.Rules = slices.DeleteFunc(settings.RateLimits.Rules, func(r core.RateLimitRule) bool {
			return r.Label == "posts:update" || r.Label == "posts:create"
		})
		return app.Save(settings)
	})
}
