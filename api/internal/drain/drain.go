// Package drain lets the generations in flight finish when the server stops.
// A deploy sends SIGTERM; without it the BAML runtime and the HTTP server
// would go within PocketBase's one-second shutdown and every generation
// waiting on the LLM would be cut. The Gate admits generation requests until
// Drain is called, then turns new ones away with a 503 and waits, up to a
// bound, for the admitted ones to store their posts.
package drain

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// TimeoutVariable holds the bound of a drain as a Go duration ("60s").
const TimeoutVariable = "REKAN_DRAIN_TIMEOUT"

// DefaultTimeout leaves room for a slow LLM answer plus BAML's retries while
// keeping a deploy under the unit's TimeoutStopSec (timeout + margin).
const DefaultTimeout = 60 * time.Second

// RetryAfter is what a turned-away client is told to wait: a restart of the
// unit takes about a second once the drain is over.
const RetryAfter = 5 * time.Second

// MsgRestarting is the operator's message for a turned-away generation.
const MsgRestarting = "O servidor está reiniciando. Tente de novo em alguns segundos; seu pedido não foi guardado."

// TimeoutFromEnv reads TimeoutVariable; empty means DefaultTimeout.
func TimeoutFromEnv(getenv func(string) string) (time.Duration, error) {
	raw := getenv(TimeoutVariable)
	if raw == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s=%q: want a non-negative duration such as 60s", TimeoutVariable, raw)
	}
	return d, nil
}

// Gate counts admitted requests. The zero value admits everything.
type Gate struct {
	mu       sync.Mutex
	draining bool
	inFlight int
	idle     chan struct{} // closed when draining and inFlight reaches 0
}

// Enter admits one request unless a drain has started; a true result must
// be paired with Leave.
func (g *Gate) Enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.draining {
		return false
	}
	g.inFlight++
	return true
}

// Leave ends a request admitted by Enter.
func (g *Gate) Leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inFlight--
	if g.draining && g.inFlight == 0 && g.idle != nil {
		close(g.idle)
		g.idle = nil
	}
}

// InFlight reports how many admitted requests have not left yet.
func (g *Gate) InFlight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inFlight
}

// Drain stops admitting requests and waits until the admitted ones have left
// or timeout has passed. It returns how many were still in flight.
func (g *Gate) Drain(timeout time.Duration) int {
	g.mu.Lock()
	g.draining = true
	if g.inFlight == 0 {
		g.mu.Unlock()
		return 0
	}
	if g.idle == nil {
		g.idle = make(chan struct{})
	}
	idle := g.idle
	g.mu.Unlock()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-idle:
	case <-timer.C:
	}
	return g.InFlight()
}

// Draining reports whether a drain has started.
func (g *Gate) Draining() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.draining
}

// admissionKey holds, in a request admitted by AdmitUpload, its Gate;
// enteredKey the Gate once Begin entered it.
const (
	admissionKey = "rekanDrainGate"
	enteredKey   = "rekanDrainEntered"
)

// Admit is the middleware of the routes that start a generation: it refuses
// them once the server is stopping, before anything is stored, so the
// client knows the brief was not taken and may send it again, and counts
// the admitted ones in flight until they return.
func (g *Gate) Admit(e *core.RequestEvent) error {
	if !g.Enter() {
		return restarting(e)
	}
	defer g.Leave()
	return e.Next()
}

// AdmitUpload is Admit for a route whose body is an upload: it refuses the
// request once the server is stopping but does not count it in flight;
// the handler does, with Begin, once the upload is read, so a client that
// stalls mid-upload cannot hold a restart for the whole drain bound.
func (g *Gate) AdmitUpload(e *core.RequestEvent) error {
	if g.Draining() {
		return restarting(e)
	}
	e.Set(admissionKey, g)
	defer func() {
		if entered, _ := e.Get(enteredKey).(*Gate); entered != nil {
			entered.Leave()
		}
	}()
	return e.Next()
}

// Begin counts a request admitted by AdmitUpload in flight, from now until
// the route returns; the handler calls it once the upload is complete and
// before anything is stored. When a drain started while the body was
// being read, it returns the 503 to answer. A request AdmitUpload did not
// admit (Admit counts from routing; a route bound without a gate) begins
// freely.
func Begin(e *core.RequestEvent) error {
	g, _ := e.Get(admissionKey).(*Gate)
	if g == nil {
		return nil
	}
	if e.Get(enteredKey) != nil {
		return nil
	}
	if !g.Enter() {
		return restarting(e)
	}
	e.Set(enteredKey, g)
	return nil
}

func restarting(e *core.RequestEvent) error {
	e.Response.Header().Set("Retry-After", strconv.Itoa(int(RetryAfter/time.Second)))
	return &router.ApiError{
		Status:  http.StatusServiceUnavailable,
		Message: MsgRestarting,
		Data:    map[string]any{"code": "restarting"},
	}
}
