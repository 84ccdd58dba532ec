package settings_test

import (
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/settings"
	_ "github.com/rekan/rekan/api/migrations"
)

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestApply(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()

	// A fresh instance gets Rekan's name instead of PocketBase's placeholder.
	if err := settings.Apply(app, env(nil)); err != nil {
		t.Fatal(err)
	}
	if got := app.Settings().Meta.AppName; got != "Rekan" {
		t.Errorf("default app name: %q", got)
	}

	// The environment wins and is persisted.
	err = settings.Apply(app, env(map[string]string{
		"REKAN_APP_NAME":              "Conteúdo da Vila",
		"REKAN_TRUSTED_PROXY_HEADERS": " X-Forwarded-For , ,X-Real-IP",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := app.ReloadSettings(); err != nil {
		t.Fatal(err)
	}
	s := app.Settings()
	if s.Meta.AppName != "Conteúdo da Vila" || !slices.Equal(s.TrustedProxy.Headers, []string{"X-Forwarded-For", "X-Real-IP"}) {
		t.Errorf("settings after apply: name %q headers %v", s.Meta.AppName, s.TrustedProxy.Headers)
	}

	// Unset variables leave what a superuser configured alone.
	s.Meta.AppName = "Set In The Admin UI"
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	if err := settings.Apply(app, env(nil)); err != nil {
		t.Fatal(err)
	}
	if got := app.Settings().Meta.AppName; got != "Set In The Admin UI" {
		t.Errorf("admin-set name overwritten: %q", got)
	}
	if got := app.Settings().TrustedProxy.Headers; len(got) != 2 {
		t.Errorf("headers cleared: %v", got)
	}
}
