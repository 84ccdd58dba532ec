// Package settings applies the instance settings that come from the
// environment (so the NixOS module can set them) on top of what a superuser
// configured in the admin UI.
package settings

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// DefaultAppName replaces PocketBase's placeholder name on a fresh instance.
const DefaultAppName = "Rekan"

// pocketBaseDefaultAppName is the name PocketBase gives a new instance.
const pocketBaseDefaultAppName = "Acme"

// Apply sets the app name (REKAN_APP_NAME) and the trusted client-IP headers
// (REKAN_TRUSTED_PROXY_HEADERS). A set variable always wins; an unset one
// leaves the stored value alone, so the admin UI stays usable. It saves only
// when something changed.
func Apply(app core.App, getenv func(string) string) error {
	s := app.Settings()
	changed := false

	name := strings.TrimSpace(getenv("REKAN_APP_NAME"))
	if name == "" && s.Meta.AppName == pocketBaseDefaultAppName {
		name = DefaultAppName
	}
	if name != "" && name != s.Meta.AppName {
		s.Meta.AppName = name
		changed = true
	}

	if raw := strings.TrimSpace(getenv("REKAN_TRUSTED_PROXY_HEADERS")); raw != "" {
		headers := splitList(raw)
		if strings.Join(headers, ",") != strings.Join(s.TrustedProxy.Headers, ",") {
			s.TrustedProxy.Headers = headers
			changed = true
		}
	}

	if !changed {
		return nil
	}
	if err := app.Save(s); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

func splitList(raw string) []string {
	var items []string
	for _, item := range strings.Split(raw, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}
