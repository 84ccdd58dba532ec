// Package budget is the per-operator generation budget: at most PerHour
// generations (generate, retry, revise, ideas, each batch item) in any
// sliding hour, whatever address they come from. Spends are records
// (generation_spends), so a restart forgets nothing.
package budget

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Variable names the budget in the environment.
const Variable = "REKAN_GENERATION_BUDGET"

// DefaultPerHour fits an operator's busy hour (a batch of 20 clients plus
// retries and single generations) while bounding a leaked token's cost.
const DefaultPerHour = 60

// Collection stores one record per generation started.
const Collection = "generation_spends"

// Window is the span a spend counts in.
const Window = time.Hour

// Kinds of spend, for the log and the admin UI.
const (
	KindGenerate = "generate"
	KindRetry    = "retry"
	KindRevise   = "revise"
	KindIdeas    = "ideas"
	KindBatch    = "batch"
)

// FromEnv reads the budget; empty means DefaultPerHour.
func FromEnv(getenv func(string) string) (int, error) {
	raw := getenv(Variable)
	if raw == "" {
		return DefaultPerHour, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a positive number of generations per hour", Variable, raw)
	}
	return n, nil
}

// Budget enforces PerHour per operator.
type Budget struct {
	PerHour int
	// mu makes count-then-record one step within the server, the only
	// process that opens the database.
	mu sync.Mutex
}

// ExceededError says how long until enough slots free.
type ExceededError struct {
	RetryAfter time.Duration
}

func (e *ExceededError) Error() string {
	return fmt.Sprintf("generation budget exceeded; retry after %s", e.RetryAfter)
}

// Spend records n generations of kind for operator, all or none: when fewer
// than n slots are free it records nothing and returns *ExceededError.
func (b *Budget) Spend(app core.App, operator, kind string, n int) error {
	if n > b.PerHour {
		return &ExceededError{RetryAfter: Window}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	since, err := types.ParseDateTime(now.Add(-Window))
	if err != nil {
		return fmt.Errorf("window start: %w", err)
	}
	window := dbx.And(dbx.HashExp{"operator": operator}, dbx.NewExp("created > {:since}", dbx.Params{"since": since.String()}))
	// A count, not the window's rows: only a refusal needs a date.
	var spent int
	if err := app.DB().Select("COUNT(*)").From(Collection).Where(window).Row(&spent); err != nil {
		return fmt.Errorf("count spends of %s: %w", operator, err)
	}
	if over := spent + n - b.PerHour; over > 0 {
		// The oldest spends free first: the over-th frees the last slot needed.
		var freeing struct {
			Created types.DateTime `db:"created"`
		}
		err := app.DB().Select("created").From(Collection).Where(window).
			OrderBy("created ASC").Offset(int64(over - 1)).Limit(1).One(&freeing)
		if err != nil {
			return fmt.Errorf("oldest spends of %s: %w", operator, err)
		}
		return &ExceededError{RetryAfter: max(freeing.Created.Time().Add(Window).Sub(now), time.Second)}
	}
	coll, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return fmt.Errorf("find %s: %w", Collection, err)
	}
	save := func(tx core.App) error {
		for range n {
			r := core.NewRecord(coll)
			r.Set("operator", operator)
			r.Set("kind", kind)
			if err := tx.Save(r); err != nil {
				return fmt.Errorf("record spend: %w", err)
			}
		}
		return nil
	}
	if n == 1 {
		// One insert is atomic: no transaction to hold the writer for.
		return save(app)
	}
	return app.RunInTransaction(save)
}

// Refuse answers an exceeded budget: 429, Retry-After in seconds and a
// message saying how long; other errors are a 500.
func Refuse(e *core.RequestEvent, err error) error {
	var exceeded *ExceededError
	if !errors.As(err, &exceeded) {
		return e.InternalServerError("Não foi possível verificar o limite de gerações.", err)
	}
	seconds := int64(math.Ceil(exceeded.RetryAfter.Seconds()))
	e.Response.Header().Set("Retry-After", strconv.FormatInt(seconds, 10))
	return &router.ApiError{
		Status:  http.StatusTooManyRequests,
		Message: fmt.Sprintf("Você atingiu o limite de gerações por hora. Tente de novo em %s.", WaitText(seconds)),
		Data:    map[string]any{"code": "generation_budget", "retry_after": seconds},
	}
}

// WaitText says a wait the way an operator reads it, rounded up to the
// minute past one minute.
func WaitText(seconds int64) string {
	switch {
	case seconds <= 1:
		return "1 segundo"
	case seconds < 60:
		return fmt.Sprintf("%d segundos", seconds)
	}
	minutes := (seconds + 59) / 60
	if minutes == 1 {
		return "1 minuto"
	}
	return fmt.Sprintf("%d minutos", minutes)
}
