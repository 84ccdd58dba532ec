package settings

import (
	"log/slog"
	"os/exec"

	"github.com/pocketbase/pocketbase/core"
)

// sendmailPaths are where PocketBase's mailer looks for sendmail when no
// SMTP server is configured (tools/mailer.findSendmailPath).
var sendmailPaths = []string{"/usr/sbin/sendmail", "/usr/bin/sendmail", "sendmail"}

// BindMail skips sending mail while there is no way to send it (no SMTP
// server in the admin UI and no sendmail): PocketBase would try anyway and
// log a warning at every login from a new device (its login alert). The
// server says it once at start instead. Configuring SMTP later takes
// effect at once: the check runs at every send.
func BindMail(app core.App) {
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error {
		if !canSendMail(e.App) {
			return nil
		}
		return e.Next()
	})
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if !canSendMail(e.App) {
			slog.Warn("no SMTP server configured and no sendmail found: mails are not sent (login alerts, password resets); configure SMTP in the admin UI (Settings > Mail settings)")
		}
		return e.Next()
	})
}

func canSendMail(app core.App) bool {
	if app.Settings().SMTP.Enabled {
		return true
	}
	for _, path := range sendmailPaths {
		if _, err := exec.LookPath(path); err == nil {
			return true
		}
	}
	return false
}
