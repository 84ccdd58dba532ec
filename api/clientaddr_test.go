package main

import (
	"testing"
)

func proxied(t *testing.T, allowed string) *server {
	t.Helper()
	data := t.TempDir()
	superuserUpsert(t, data)
	return startServerUntil(t, t.TempDir(), data, []string{
		"REKAN_TRUSTED_PROXY_HEADERS=X-Forwarded-For",
		"REKAN_ADMIN_ALLOWED_IPS=" + allowed,
		"REKAN_BAML_CLI=/nonexistent",
	}, "/api/health")
}

func adminStatuses(t *testing.T, s *server, local, xff string) (ui, login int) {
	t.Helper()
	h := map[string]string{"X-Forwarded-For": xff}
	ui, _, _ = send(t, from(local), "GET", s.base+"/_/", h, "")
	login, _, _ = send(t, from(local), "POST", s.base+"/api/collections/_superusers/auth-with-password", h, suLogin)
	return ui, login
}

// Behind a trusted proxy the client address is the last entry of the
// header, or, when that entry is no address, the connection's: never an
// entry the client wrote itself.
func TestServeTrustedProxyHeaderIsTheLastEntryOrNothing(t *testing.T) {
	s := proxied(t, "127.0.0.2/32")
	cases := []struct {
		local, xff string
		want       int
	}{
		// The proxy appends the address it saw; what comes before is the
		// client's own writing.
		{"127.0.0.1", "127.0.0.1, 127.0.0.2", 200},
		{"127.0.0.1", "127.0.0.2, 127.0.0.1", 403},
		// A last entry that is no address: the connection's address, never
		// an earlier entry.
		{"127.0.0.1", "127.0.0.2, unknown", 403},
		{"127.0.0.1", "127.0.0.2, 127.0.0.2:4321", 403},
		{"127.0.0.1", "127.0.0.2,", 403},
		{"127.0.0.2", "127.0.0.1, unknown", 200},
	}
	for _, c := range cases {
		ui, login := adminStatuses(t, s, c.local, c.xff)
		if ui != c.want || login != c.want {
			t.Errorf("from %s with X-Forwarded-For %q: admin UI %d, superuser login %d, want %d", c.local, c.xff, ui, login, c.want)
		}
	}
}

// The admin UI and the superuser login read an IPv4-mapped address the same
// way, whichever side (client or allow-list) is written mapped.
func TestServeIPv4MappedAddressesOneRule(t *testing.T) {
	cases := []struct {
		allowed, xff string
		want         int
	}{
		{"127.0.0.0/8,::1/128", "::ffff:127.0.0.1", 200},
		{"127.0.0.2/32", "::ffff:127.0.0.2", 200},
		{"127.0.0.2/32", "::ffff:127.0.0.3", 403},
		{"::ffff:127.0.0.2", "127.0.0.2", 200},
		{"::ffff:127.0.0.0/104", "127.0.0.9", 200},
	}
	for _, c := range cases {
		s := proxied(t, c.allowed)
		ui, login := adminStatuses(t, s, "127.0.0.1", c.xff)
		if ui != c.want || login != c.want {
			t.Errorf("allowed %s, X-Forwarded-For %q: admin UI %d, superuser login %d, want both %d", c.allowed, c.xff, ui, login, c.want)
		}
		s.Kill()
	}
}
