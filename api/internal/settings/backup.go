package settings

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// DefaultBackupKeep is how many scheduled backups are kept when a schedule
// is set and no retention is stored at all (a new instance stores
// PocketBase's default, 3, which an unset REKAN_BACKUP_KEEP leaves alone).
const DefaultBackupKeep = 7

// ApplyBackups sets the backup schedule and the S3 target from the
// environment, like Apply: a set variable wins at every start, an unset one
// leaves what a superuser chose in the admin UI.
//
//	REKAN_BACKUP_CRON                 schedule ("0 3 * * *"; "off" disables it)
//	REKAN_BACKUP_KEEP                 scheduled backups to keep (>= 1; unset: the admin UI's value, 3 on a new instance)
//	REKAN_BACKUP_S3_BUCKET            setting it stores backups in S3 ("off" goes back to pb_data/backups)
//	REKAN_BACKUP_S3_ENDPOINT, REKAN_BACKUP_S3_REGION, REKAN_BACKUP_S3_ACCESS_KEY,
//	REKAN_BACKUP_S3_SECRET (a secret), REKAN_BACKUP_S3_FORCE_PATH_STYLE (true/false)
//
// PocketBase validates the result (a cron expression, every S3 field when
// S3 is on), so a wrong value stops the start with its reason.
func ApplyBackups(app core.App, getenv func(string) string) error {
	s := app.Settings()
	before := s.Backups
	b := &s.Backups
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }

	switch cron := get("REKAN_BACKUP_CRON"); cron {
	case "":
	case "off":
		b.Cron = ""
	default:
		b.Cron = cron
	}
	if raw := get("REKAN_BACKUP_KEEP"); raw != "" {
		keep, err := strconv.Atoi(raw)
		if err != nil || keep < 1 {
			return fmt.Errorf("REKAN_BACKUP_KEEP must be a whole number >= 1, got %q", raw)
		}
		b.CronMaxKeep = keep
	}
	// PocketBase requires a retention with a schedule.
	if b.Cron != "" && b.CronMaxKeep == 0 {
		b.CronMaxKeep = DefaultBackupKeep
	}

	switch bucket := get("REKAN_BACKUP_S3_BUCKET"); bucket {
	case "":
	case "off":
		b.S3.Enabled = false
	default:
		b.S3.Enabled = true
		b.S3.Bucket = bucket
		for name, field := range map[string]*string{
			"REKAN_BACKUP_S3_ENDPOINT":   &b.S3.Endpoint,
			"REKAN_BACKUP_S3_REGION":     &b.S3.Region,
			"REKAN_BACKUP_S3_ACCESS_KEY": &b.S3.AccessKey,
			"REKAN_BACKUP_S3_SECRET":     &b.S3.Secret,
		} {
			if v := get(name); v != "" {
				*field = v
			}
		}
		if raw := get("REKAN_BACKUP_S3_FORCE_PATH_STYLE"); raw != "" {
			force, err := strconv.ParseBool(raw)
			if err != nil {
				return fmt.Errorf("REKAN_BACKUP_S3_FORCE_PATH_STYLE must be true or false, got %q", raw)
			}
			b.S3.ForcePathStyle = force
		}
	}

	if s.Backups == before {
		return nil
	}
	if err := app.Save(s); err != nil {
		return fmt.Errorf("save backup settings: %w", err)
	}
	return nil
}
