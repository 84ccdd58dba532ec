package settings_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/settings"
)

func TestApplyBackups(t *testing.T) {
	s3 := map[string]string{
		"REKAN_BACKUP_S3_BUCKET":           "b",
		"REKAN_BACKUP_S3_ENDPOINT":         "http://127.0.0.1:9000",
		"REKAN_BACKUP_S3_REGION":           "us-east-1",
		"REKAN_BACKUP_S3_ACCESS_KEY":       "ak",
		"REKAN_BACKUP_S3_SECRET":           "sk",
		"REKAN_BACKUP_S3_FORCE_PATH_STYLE": "true",
	}
	with := func(base map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range base {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	cases := []struct {
		name    string
		stored  func(*core.BackupsConfig)
		env     map[string]string
		wantErr string
		check   func(core.BackupsConfig) bool
	}{
		{"nothing set keeps the admin UI's choice", func(b *core.BackupsConfig) { b.Cron = "0 4 * * *"; b.CronMaxKeep = 3 }, nil, "",
			func(b core.BackupsConfig) bool { return b.Cron == "0 4 * * *" && b.CronMaxKeep == 3 && !b.S3.Enabled }},
		{"schedule and retention", nil, map[string]string{"REKAN_BACKUP_CRON": "0 3 * * *", "REKAN_BACKUP_KEEP": "7"}, "",
			func(b core.BackupsConfig) bool { return b.Cron == "0 3 * * *" && b.CronMaxKeep == 7 }},
		{"off clears the schedule", func(b *core.BackupsConfig) { b.Cron = "0 4 * * *"; b.CronMaxKeep = 2 }, map[string]string{"REKAN_BACKUP_CRON": "off"}, "",
			func(b core.BackupsConfig) bool { return b.Cron == "" }},
		{"a schedule without retention keeps the stored retention", func(b *core.BackupsConfig) { b.CronMaxKeep = 5 }, map[string]string{"REKAN_BACKUP_CRON": "0 3 * * *"}, "",
			func(b core.BackupsConfig) bool { return b.Cron == "0 3 * * *" && b.CronMaxKeep == 5 }},
		{"bad schedule", nil, map[string]string{"REKAN_BACKUP_CRON": "every day"}, "save backup settings", nil},
		{"bad retention", nil, map[string]string{"REKAN_BACKUP_KEEP": "0"}, "REKAN_BACKUP_KEEP", nil},
		{"s3", nil, s3, "",
			func(b core.BackupsConfig) bool {
				return b.S3.Enabled && b.S3.Bucket == "b" && b.S3.Secret == "sk" && b.S3.ForcePathStyle && b.S3.Endpoint == "http://127.0.0.1:9000"
			}},
		{"s3 without credentials", nil, with(s3, "REKAN_BACKUP_S3_SECRET", ""), "save backup settings", nil},
		{"s3 bad path style", nil, with(s3, "REKAN_BACKUP_S3_FORCE_PATH_STYLE", "yes please"), "FORCE_PATH_STYLE", nil},
		{"s3 off", func(b *core.BackupsConfig) {
			b.S3 = core.S3Config{Enabled: true, Bucket: "x", Region: "r", Endpoint: "http://127.0.0.1:1", AccessKey: "a", Secret: "s"}
		}, map[string]string{"REKAN_BACKUP_S3_BUCKET": "off"}, "",
			func(b core.BackupsConfig) bool { return !b.S3.Enabled }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			app, err := tests.NewTestApp(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer app.Cleanup()
			if c.stored != nil {
				c.stored(&app.Settings().Backups)
				if err := app.Save(app.Settings()); err != nil {
					t.Fatal(err)
				}
			}
			err = settings.ApplyBackups(app, func(k string) string { return c.env[k] })
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want ~%q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// What was saved, not just what is in memory.
			if err := app.ReloadSettings(); err != nil {
				t.Fatal(err)
			}
			if got := app.Settings().Backups; !c.check(got) {
				t.Errorf("backups settings %+v", got)
			}
		})
	}
}
