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

// DefaultPort is the loopback port `make run`, the Vite dev proxy and the
// NixOS module use (PocketBase's own default); they read it from the
// generated files (api/cmd/webfacts, api/cmd/nixfacts).
const DefaultPort = 8090

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
	s.RateLimits.Rules = slices.Concat(ApprovalRateLimitRules, migrations.RateLimitRules, migrations.UploadRateLimitRules, RequestUploadRateLimitRules)

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

// ApprovalRateLimitRules are the approvals' own limits per IP, listed
// before the others: PocketBase takes the first prefix rule that matches,
// so a client's decisions and an operator's approvals never count against
// the generation limit ("POST /api/rekan/"), nor the reverse. A client
// opens the page, decides on a month of posts and loads their photos well
// inside them; a token guesser gets 20 tries a minute at 2^256 tokens, and
// each failure is logged.
var ApprovalRateLimitRules = []core.RateLimitRule{
	{Label: "GET /api/rekan/approval", MaxRequests: 20, Duration: 60},
	{Label: "POST /api/rekan/approval/decisions", MaxRequests: 60, Duration: 60},
	{Label: "GET /api/rekan/approval/photos/", MaxRequests: 240, Duration: 60},
	{Label: "POST /api/rekan/approvals", MaxRequests: 30, Duration: 60},
	{Label: "POST /api/rekan/approvals/", MaxRequests: 30, Duration: 60},
}

// AdminAllowedIPs parses REKAN_ADMIN_ALLOWED_IPS: comma-separated addresses
// or CIDR ranges, DefaultAdminAllowedIPs when empty. Everyone is
// "0.0.0.0/0,::/0", spelled out on purpose.
func AdminAllowedIPs(getenv func(string) string) ([]string, error) {
	items := text.SplitList(getenv("REKAN_ADMIN_ALLOWED_IPS"))
	if len(items) == 0 {
		return slices.Clone(DefaultAdminAllowedIPs), nil
	}
	allowed := make([]string, 0, len(items))
	for _, item := range items {
		if prefix, err := netip.ParsePrefix(item); err == nil {
			// 127.0.0.1/0 is a typo for /32 more often than a wish to let
			// everyone in; the intended range cannot be guessed.
			if prefix != prefix.Masked() {
				return nil, fmt.Errorf("REKAN_ADMIN_ALLOWED_IPS: %q has host bits set: write %s for that range, or %s/%d for that address alone",
					item, prefix.Masked(), prefix.Addr(), prefix.Addr().BitLen())
			}
			allowed = append(allowed, unmapPrefix(prefix).String())
			continue
		}
		if addr, err := netip.ParseAddr(item); err == nil {
			allowed = append(allowed, addr.Unmap().String())
			continue
		}
		return nil, fmt.Errorf("REKAN_ADMIN_ALLOWED_IPS: %q is neither an IP address nor a CIDR range", item)
	}
	return allowed, nil
}

// unmapPrefix writes an IPv4-mapped range (::ffff:10.0.0.0/104) as the IPv4
// range it is (10.0.0.0/8): the server compares unmapped client addresses
// (security.clientAddress), so a mapped entry would never match.
func unmapPrefix(p netip.Prefix) netip.Prefix {
	if !p.Addr().Is4In6() || p.Bits() < 96 {
		return p
	}
	return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
}

// cleanText trims like every text field the server validates.
func cleanText(s string) string {
	return text.Trim(s)
}
