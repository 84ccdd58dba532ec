// Package clock is the server's one source of "now" and "today". A publish
// date is a calendar date in the instance's time zone (REKAN_TIMEZONE), so
// "today" at 23:30 in São Paulo is still São Paulo's date although UTC has
// moved on. Tests set the time here instead of waiting for it.
package clock

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	// The zone database travels in the binary: a minimal host or the Nix
	// store may have no /usr/share/zoneinfo.
	_ "time/tzdata"
)

// DefaultZone is the zone when REKAN_TIMEZONE is empty.
const DefaultZone = "America/Sao_Paulo"

// DateLayout is how a calendar date is written (publish_on).
const DateLayout = "2006-01-02"

// TestNowPrefix must start REKAN_TEST_NOW's value: a variable that freezes
// the clock must say it is for tests, so it cannot be set by accident in
// production and silently shift every date.
const TestNowPrefix = "test-only:"

var (
	mu    sync.RWMutex
	zone  = mustLoad(DefaultZone)
	fixed *time.Time
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Now is the current instant (the frozen one when a test set it).
func Now() time.Time {
	mu.RLock()
	defer mu.RUnlock()
	if fixed != nil {
		return *fixed
	}
	return time.Now()
}

// Zone is the instance's time zone.
func Zone() *time.Location {
	mu.RLock()
	defer mu.RUnlock()
	return zone
}

// Today is the civil date in the instance's zone, as YYYY-MM-DD.
func Today() string {
	return Now().In(Zone()).Format(DateLayout)
}

// Set freezes the clock at t (tests); the returned function restores it.
func Set(t time.Time) (restore func()) {
	mu.Lock()
	defer mu.Unlock()
	previous := fixed
	fixed = &t
	return func() {
		mu.Lock()
		defer mu.Unlock()
		fixed = previous
	}
}

// Configure reads REKAN_TIMEZONE (an IANA zone name; empty is DefaultZone)
// and REKAN_TEST_NOW (only for tests of the real binary: "test-only:" then
// an RFC 3339 instant, which freezes the clock). A bad value is an error
// naming the variable, so the server refuses to start rather than keep
// dates in the wrong zone. It reports whether the clock was frozen.
func Configure(getenv func(string) string) (frozen bool, err error) {
	name := strings.TrimSpace(getenv("REKAN_TIMEZONE"))
	if name == "" {
		name = DefaultZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return false, fmt.Errorf("REKAN_TIMEZONE must be an IANA time zone such as %s, got %q", DefaultZone, name)
	}
	var at *time.Time
	if raw := strings.TrimSpace(getenv("REKAN_TEST_NOW")); raw != "" {
		value, ok := strings.CutPrefix(raw, TestNowPrefix)
		if !ok {
			return false, errors.New(`REKAN_TEST_NOW freezes the clock and is for tests only; its value must start with "test-only:"`)
		}
		t, err := time.Parse(time.RFC3339, value)
		if err != nil {
			return false, fmt.Errorf("REKAN_TEST_NOW must be test-only: then an RFC 3339 instant, got %q", raw)
		}
		at = &t
	}
	mu.Lock()
	defer mu.Unlock()
	zone, fixed = loc, at
	return at != nil, nil
}

// ValidDate reports whether s is a real calendar date written YYYY-MM-DD.
func ValidDate(s string) bool {
	t, err := time.Parse(DateLayout, s)
	return err == nil && t.Format(DateLayout) == s
}
