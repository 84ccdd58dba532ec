package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// RateLimitRules are the limits installed on a fresh instance. Generation and
// retry spend money at the LLM provider, so they are far tighter than reads.
// A superuser can change them later (Settings > Rate limits), and the
// migration does not run again, so those changes stick.
var RateLimitRules = []core.RateLimitRule{
	{Label: "POST /api/rekan/", MaxRequests: 10, Duration: 60},
	{Label: "*:authWithPassword", MaxRequests: 10, Duration: 60},
	{Label: "*:auth", MaxRequests: 5, Duration: 10},
	{Label: "*:create", MaxRequests: 20, Duration: 5},
	{Label: "/api/batch", MaxRequests: 3, Duration: 1},
	{Label: "/api/", MaxRequests: 300, Duration: 10},
}

func init() {
	m.Register(func(app core.App) error {
		settings := app.Settings()
		settings.RateLimits.Enabled = true
		settings.RateLimits.Rules = append([]core.RateLimitRule(nil), RateLimitRules...)
		return app.Save(settings)
	}, func(app core.App) error {
		settings := app.Settings()
		settings.RateLimits.Enabled = false
		// PocketBase's own defaults for a new installation.
		settings.RateLimits.Rules = []core.RateLimitRule{
			{Label: "*:auth", MaxRequests: 2, Duration: 3},
			{Label: "*:create", MaxRequests: 20, Duration: 5},
			{Label: "/api/batch", MaxRequests: 3, Duration: 1},
			{Label: "/api/", MaxRequests: 300, Duration: 10},
		}
		return app.Save(settings)
	})
}
