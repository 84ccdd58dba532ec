package settings

import (
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// RequestUploadRateLimitRules bound the records API's writes of requests,
// the one collection that holds files: the photos a superuser uploads in
// the admin UI, each decoded and re-encoded. Operators cannot write
// requests (the API rules refuse them); the rules are for superusers,
// whom LimitSuperuserUploads holds to them.
var RequestUploadRateLimitRules = []core.RateLimitRule{
	{Label: "requests:create", MaxRequests: 20, Duration: 60},
	{Label: "requests:update", MaxRequests: 20, Duration: 60},
}

// uploadLimitersKey holds, in the app's store, the superusers' upload
// windows.
const uploadLimitersKey = "rekanSuperuserUploadLimiters"

// LimitSuperuserUploads applies the rate limit rules to a superuser's
// records API writes of a collection with file fields (the admin UI's
// photo uploads), before the body is read. PocketBase exempts superusers
// from every rule; every other client of those routes is counted by
// PocketBase itself, with the same rules. It counts the way PocketBase
// does (a fixed window of the rule's duration per client address) and
// answers the same 429, which ExplainRateLimit completes with Retry-After.
func LimitSuperuserUploads() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "rekanSuperuserUploadLimit",
		// After the auth token is loaded, inside ExplainRateLimit, before
		// the body limit and the handler read anything.
		Priority: apis.DefaultRateLimitMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			rule, ok := superuserUploadRule(e)
			if ok && !uploadWindows(e.App).allow(rule, e.RealIP(), time.Now()) {
				return e.TooManyRequestsError("", errors.New(rateLimitPrefix+rule.String()))
			}
			return e.Next()
		},
	}
}

// superuserUploadRule is the rule a superuser's request is held to: a
// record create or update of a collection with file fields, looked up as
// PocketBase looks up a collection route's rule.
func superuserUploadRule(e *core.RequestEvent) (core.RateLimitRule, bool) {
	limits := e.App.Settings().RateLimits
	if !limits.Enabled || !e.HasSuperuserAuth() {
		return core.RateLimitRule{}, false
	}
	var action string
	switch e.Request.Pattern {
	case http.MethodPost + " /api/collections/{collection}/records":
		action = "create"
	case http.MethodPatch + " /api/collections/{collection}/records/{id}":
		action = "update"
	default:
		return core.RateLimitRule{}, false
	}
	collection, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection"))
	if err != nil || !hasFiles(collection) {
		return core.RateLimitRule{}, false
	}
	return limits.FindRateLimitRule([]string{
		collection.Name + ":" + action,
		"*:" + action,
		e.Request.Method + " " + e.Request.URL.Path,
		e.Request.URL.Path,
	}, core.RateLimitRuleAudienceAll, core.RateLimitRuleAudienceAuth)
}

func hasFiles(c *core.Collection) bool {
	for _, f := range c.Fields {
		if f.Type() == core.FieldTypeFile {
			return true
		}
	}
	return false
}

// windows counts requests per rule and client address in fixed windows.
type windows struct {
	mu   sync.Mutex
	open map[string]*window
}

type window struct {
	used int
	ends time.Time
}

func uploadWindows(app core.App) *windows {
	return app.Store().GetOrSet(uploadLimitersKey, func() any {
		return &windows{open: map[string]*window{}}
	}).(*windows)
}

// allow counts one request of client under rule at now; false once the
// window's allowance is spent.
func (ws *windows) allow(rule core.RateLimitRule, client string, now time.Time) bool {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	key := rule.String() + " " + client
	w := ws.open[key]
	if w == nil || !now.Before(w.ends) {
		// Superusers come from a short allow-list; still, a window that
		// has ended is dropped rather than kept forever.
		for k, old := range ws.open {
			if !now.Before(old.ends) {
				delete(ws.open, k)
			}
		}
		w = &window{ends: now.Add(time.Duration(rule.Duration) * time.Second)}
		ws.open[key] = w
	}
	if w.used >= rule.MaxRequests {
		return false
	}
	w.used++
	return true
}
