package settings_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/settings"
	"github.com/rekan/rekan/api/migrations"
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

	// A fresh instance gets Rekan's name and the loopback-only admin list.
	if err := settings.Apply(app, env(nil)); err != nil {
		t.Fatal(err)
	}
	s := app.Settings()
	if s.Meta.AppName != "Rekan" || !slices.Equal(s.SuperuserIPs, []string{"127.0.0.0/8", "::1/128"}) {
		t.Errorf("defaults: name %q superuser IPs %v", s.Meta.AppName, s.SuperuserIPs)
	}

	// The environment wins and is persisted.
	err = settings.Apply(app, env(map[string]string{
		"REKAN_APP_NAME":              "\u200bConteúdo da Vila ",
		"REKAN_TRUSTED_PROXY_HEADERS": " X-Forwarded-For , ,X-Real-IP",
		"REKAN_ADMIN_ALLOWED_IPS":     "203.0.113.7, 10.0.0.0/8,\u200b",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := app.ReloadSettings(); err != nil {
		t.Fatal(err)
	}
	s = app.Settings()
	if s.Meta.AppName != "Conteúdo da Vila" || !slices.Equal(s.TrustedProxy.Headers, []string{"X-Forwarded-For", "X-Real-IP"}) ||
		!slices.Equal(s.SuperuserIPs, []string{"203.0.113.7", "10.0.0.0/8"}) {
		t.Errorf("settings after apply: name %q headers %v superuser IPs %v", s.Meta.AppName, s.TrustedProxy.Headers, s.SuperuserIPs)
	}

	// What the admin UI (or a previous start) changed is replaced at the
	// next start, and an empty variable means the default: a trusted proxy
	// header that is no longer configured is no longer trusted.
	s.Meta.AppName = "Set In The Admin UI"
	s.TrustedProxy.UseLeftmostIP = true
	s.SuperuserIPs = []string{}
	s.RateLimits.Enabled = false
	s.RateLimits.Rules = s.RateLimits.Rules[:1]
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	if err := settings.Apply(app, env(nil)); err != nil {
		t.Fatal(err)
	}
	if err := app.ReloadSettings(); err != nil {
		t.Fatal(err)
	}
	s = app.Settings()
	if s.Meta.AppName != "Rekan" {
		t.Errorf("app name: %q", s.Meta.AppName)
	}
	if len(s.TrustedProxy.Headers) != 0 || s.TrustedProxy.UseLeftmostIP {
		t.Errorf("trusted proxy not cleared: %+v", s.TrustedProxy)
	}
	if !slices.Equal(s.SuperuserIPs, settings.DefaultAdminAllowedIPs) {
		t.Errorf("superuser IPs: %v", s.SuperuserIPs)
	}
	if !s.RateLimits.Enabled || !slices.Equal(s.RateLimits.Rules, slices.Concat(settings.ApprovalRateLimitRules, migrations.RateLimitRules, migrations.UploadRateLimitRules, settings.RequestUploadRateLimitRules)) {
		t.Errorf("rate limits: %+v", s.RateLimits)
	}
}

func TestApplyRefusesABadAllowList(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	before := slices.Clone(app.Settings().SuperuserIPs)
	err = settings.Apply(app, env(map[string]string{"REKAN_ADMIN_ALLOWED_IPS": "127.0.0.0/8, example.com"}))
	if err == nil || !strings.Contains(err.Error(), "REKAN_ADMIN_ALLOWED_IPS") || !strings.Contains(err.Error(), "example.com") {
		t.Fatalf("error: %v", err)
	}
	if !slices.Equal(app.Settings().SuperuserIPs, before) {
		t.Errorf("settings changed on error: %v", app.Settings().SuperuserIPs)
	}
}
