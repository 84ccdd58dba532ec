// Package settings applies the instance settings the environment owns (so
// the NixOS module and `make run` decide them, not whatever a previous start
// or the admin UI left in the database). They are reapplied at every start;
// an empty variable means the default, never "keep the stored value".
// Everything else (SMTP, backups, logs…) stays the admin UI's.
package settings

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/migrations"
	"github.com/rekan/rekan/eval/text"
)

// DefaultAppName is the name when REKAN_APP_NAME is empty.
const DefaultAppName = "Rekan"

// DefaultAdminAllowedIPs keeps superuser access (login, token use, the admin
// UI) to the host itself when REKAN_ADMIN_ALLOWED_IPS is empty.
var DefaultAdminAllowedIPs = []string{"127.0.0.0/8", "::1/128"}

// Owned names the settings Apply overwrites, for the README and the logs.
var Owned = []string{
	"meta.appName (REKAN_APP_NAME)",
	"trustedProxy (REKAN_TRUSTED_PROXY_HEADERS)",
	"superuserIPs (REKAN_ADMIN_ALLOWED_IPS)",
	"rateLimits (Rekan's rules, always on)",
}

// Apply sets the app name, the trusted client-IP headers, the superuser IP
// allow-list and the rate limits from the environment and saves them when
// anything differs from what is stored. An invalid value is an error: the
// server must not start with an admin boundary it cannot enforce.
func Apply(app core.App, getenv func(string) string) error {
	adminIPs, err := AdminAllowedIPs(getenv)
	if err != nil {
		return err
	}

	s := app.Settings()
	before, err := s.MarshalJSON()
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}

	s.Meta.AppName = cleanText(getenv("REKAN_APP_NAME"))
	if s.Meta.AppName == "" {
		s.Meta.AppName = DefaultAppName
	}
	// Only headers a proxy in front overwrites can be trusted; with none
	// configured the connection's address is the client's.
	s.TrustedProxy.Headers = text.SplitList(getenv("REKAN_TRUSTED_PROXY_HEADERS"))
	s.TrustedProxy.UseLeftmostIP = false
	s.SuperuserIPs = adminIPs
	s.RateLimits.Enabled = true
	s.RateLimits.Rules = slices.Concat(migrations.RateLimitRules, migrations.UploadRateLimitRules)

	after, err := s.MarshalJSON()
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	if string(before) == string(after) {
		return nil
	}
	if err := app.Save(s); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

// AdminAllowedIPs parses REKAN_ADMIN_ALLOWED_IPS: comma-separated addresses
// or CIDR ranges, DefaultAdminAllowedIPs when empty. Everyone is
// "0.0.0.0/0,::/0", spelled out on purpose.
func AdminAllowedIPs(getenv func(string) string) ([]string, error) {
	items := text.SplitList(getenv("REKAN_ADMIN_ALLOWED_IPS"))
	if len(items) == 0 {
		return slices.Clone(DefaultAdminAllowedIPs), nil
	}
	for _, item := range items {
		if _, err := netip.ParsePrefix(item); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(item); err == nil {
			continue
		}
		return nil, fmt.Errorf("REKAN_ADMIN_ALLOWED_IPS: %q is neither an IP address nor a CIDR range", item)
	}
	return items, nil
}

// cleanText trims like every text field the server validates.
func cleanText(s string) string {
	return text.Trim(s)
}
