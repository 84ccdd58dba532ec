package clock_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/api/internal/clock"
)

func env(values map[string]string) func(string) string {
	return func(k string) string { return values[k] }
}

func TestConfigure(t *testing.T) {
	defer clock.Configure(env(nil)) //nolint:errcheck // back to the defaults
	cases := []struct {
		name       string
		vars       map[string]string
		today, err string
	}{
		{"23:30 in São Paulo is still its day", map[string]string{"REKAN_TEST_NOW": "test-only:2026-03-10T02:30:00Z"}, "2026-03-09", ""},
		{"another zone", map[string]string{"REKAN_TIMEZONE": "Asia/Tokyo", "REKAN_TEST_NOW": "test-only:2026-03-10T02:30:00Z"}, "2026-03-10", ""},
		{"a frozen clock must say it is for tests", map[string]string{"REKAN_TEST_NOW": "2026-03-10T02:30:00Z"}, "", `must start with "test-only:"`},
		{"not an instant", map[string]string{"REKAN_TEST_NOW": "test-only:amanhã"}, "", "RFC 3339"},
		{"unknown zone", map[string]string{"REKAN_TIMEZONE": "Brasil/Fortaleza"}, "", "IANA time zone"},
		{"Local is not a zone", map[string]string{"REKAN_TIMEZONE": "Local"}, "", "IANA time zone"},
	}
	for _, c := range cases {
		_, err := clock.Configure(env(c.vars))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want ~%q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || clock.Today() != c.today {
			t.Errorf("%s: today %q err %v, want %q", c.name, clock.Today(), err, c.today)
		}
	}
}

func TestValidDate(t *testing.T) {
	for s, want := range map[string]bool{"2026-03-09": true, "2028-02-29": true, "2026-02-30": false, "2026-3-9": false, "09/03/2026": false, "": false, "2026-03-09T00:00:00Z": false} {
		if clock.ValidDate(s) != want {
			t.Errorf("ValidDate(%q) = %v", s, !want)
		}
	}
	defer clock.Set(time.Date(2026, 1, 1, 2, 59, 0, 0, time.UTC))()
	if clock.Today() != "2025-12-31" {
		t.Errorf("Today %q", clock.Today())
	}
}
