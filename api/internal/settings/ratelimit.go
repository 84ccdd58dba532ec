package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// rateLimitPrefix starts the error PocketBase's rate limiter attaches to its
// 429, followed by the rule as JSON.
const rateLimitPrefix = "triggered rate limit rule: "

// ExplainRateLimit wraps PocketBase's rate limiter (the global one and the
// collection routes' own, which run inside it) so that its 429 says how
// long to wait, in the message and in Retry-After. The limiter counts in
// fixed windows of the rule's duration, so the wait is at most that long;
// it is the bound given.
func ExplainRateLimit() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "rekanExplainRateLimit",
		Priority: apis.DefaultRateLimitMiddlewarePriority - 1,
		Func: func(e *core.RequestEvent) error {
			err := e.Next()
			var apiErr *router.ApiError
			if !errors.As(err, &apiErr) || apiErr.Status != http.StatusTooManyRequests {
				return err
			}
			cause, _ := apiErr.RawData().(error)
			if cause == nil {
				return err
			}
			raw, ok := strings.CutPrefix(cause.Error(), rateLimitPrefix)
			var rule core.RateLimitRule
			if !ok || json.Unmarshal([]byte(raw), &rule) != nil || rule.Duration <= 0 {
				return err
			}
			e.Response.Header().Set("Retry-After", strconv.FormatInt(rule.Duration, 10))
			return e.TooManyRequestsError(fmt.Sprintf("Muitas tentativas seguidas. Tente de novo em %s.", waitText(rule.Duration)), cause)
		},
	}
}

// waitText says a wait of seconds the way an operator reads it.
func waitText(seconds int64) string {
	switch {
	case seconds == 1:
		return "1 segundo"
	case seconds < 60 || seconds%60 != 0:
		return fmt.Sprintf("%d segundos", seconds)
	case seconds == 60:
		return "1 minuto"
	default:
		return fmt.Sprintf("%d minutos", seconds/60)
	}
}
