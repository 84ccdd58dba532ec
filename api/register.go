package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/joho/godotenv"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/spf13/cobra"

	"github.com/rekan/rekan/api/internal/admin"
	"github.com/rekan/rekan/api/internal/approval"
	"github.com/rekan/rekan/api/internal/backup"
	"github.com/rekan/rekan/api/internal/batch"
	"github.com/rekan/rekan/api/internal/budget"
	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/clock"
	"github.com/rekan/rekan/api/internal/contentrt"
	"github.com/rekan/rekan/api/internal/drain"
	"github.com/rekan/rekan/api/internal/live"
	"github.com/rekan/rekan/api/internal/operator"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/security"
	"github.com/rekan/rekan/api/internal/settings"
	"github.com/rekan/rekan/api/internal/storage"
	"github.com/rekan/rekan/api/internal/superuser"
	"github.com/rekan/rekan/api/internal/webui"
	"github.com/rekan/rekan/api/migrations"
)

// registerEnv loads .env from the working directory when there is one.
// godotenv.Load never overrides variables that are already set, so the real
// environment (systemd, the shell) always wins.
func registerEnv() {
	err := godotenv.Load()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		slog.Warn("could not read .env", "error", err)
	}
}

// registerPrivateData keeps the data directory (the database holds the
// superusers' token keys) readable by the service user only: a private
// umask for everything created from now on, and existing looser
// permissions tightened before the database is opened.
func registerPrivateData(app *pocketbase.PocketBase) {
	security.PrivateUmask()
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		changed, err := security.TightenDataDir(e.App.DataDir())
		if err != nil {
			return fmt.Errorf("restrict the data directory: %w", err)
		}
		if changed > 0 {
			slog.Warn("removed group and other permissions in the data directory", "dir", e.App.DataDir(), "entries", changed)
		}
		return e.Next()
	})
}

// registerSecurity adds the admin allow-list guard, the security headers
// and same-origin CORS (unless `serve --origins` chose origins).
func registerSecurity(app *pocketbase.PocketBase) {
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		security.Bind(e.Router, originsGiven(app))
		return e.Next()
	})
}

// originsGiven reports whether `serve --origins` was passed.
func originsGiven(app *pocketbase.PocketBase) bool {
	serve, _, err := app.RootCmd.Find([]string{"serve"})
	if err != nil {
		return false
	}
	flag := serve.Flags().Lookup("origins")
	return flag != nil && flag.Changed
}

// registerMigrations adds the `migrate` command. Migrations are Go code in
// api/migrations, applied on `serve` and by the operator command.
func registerMigrations(app *pocketbase.PocketBase) {
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{})
}

// registerSettings applies the env-driven settings once the stored ones are
// loaded.
func registerSettings(app *pocketbase.PocketBase) {
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return settings.Apply(e.App, os.Getenv)
	})
	settings.BindMail(app)
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		e.Router.Bind(settings.ExplainRateLimit())
		return e.Next()
	})
}

// registerRecordHooks keeps businesses and posts valid however they are saved.
func registerRecordHooks(app *pocketbase.PocketBase) {
	business.BindHooks(app)
	post.BindHooks(app)
}

// refusedStart is a configuration error a serve hook refused to start
// with. PocketBase drops the serve command's error (exit status 0), so main
// turns it into a failure exit, which systemd reports and restarts on.
var refusedStart error

// registerContentRuntime starts the BAML runtime with the server and stops it
// on shutdown. A missing baml-cli or LLM key does not stop the server: health
// and generation report it. The runtime starts in the background so the
// server listens at once (health says degraded until the runtime answers;
// a generation meanwhile waits for it).
func registerContentRuntime(app *pocketbase.PocketBase) *contentrt.Runtime {
	runtime := contentrt.New(os.Getenv)
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := runtime.Validate(); err != nil {
			refusedStart = err
			return err
		}
		if err := post.FailInterrupted(e.App); err != nil {
			return err
		}
		// Failures are logged and reported by health and generation.
		runtime.StartInBackground(e.App.Logger())
		return e.Next()
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Func: func(e *core.TerminateEvent) error {
			if err := runtime.Close(); err != nil {
				e.App.Logger().Warn("stop baml runtime", "error", err)
			}
			return e.Next()
		},
	})
	return runtime
}

// registerDrain lets the generations in flight finish on SIGTERM. Its
// terminate handler runs before PocketBase's graceful shutdown (priority
// -9999, which allows only one second) and before the BAML runtime stops, so
// the server keeps serving while it waits; only new generations get a 503.
func registerDrain(app *pocketbase.PocketBase) *drain.Gate {
	gate := &drain.Gate{}
	timeout, timeoutErr := drain.TimeoutFromEnv(os.Getenv)
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if timeoutErr != nil {
			return timeoutErr
		}
		return e.Next()
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Priority: -10000,
		Func: func(e *core.TerminateEvent) error {
			if n := gate.InFlight(); n > 0 {
				e.App.Logger().Info("stopping: waiting for generations in flight", "generations", n, "timeout", timeout)
			}
			if left := gate.Drain(timeout); left > 0 {
				e.App.Logger().Warn("stopping with generations in flight; the next start marks them failed", "generations", left)
			}
			return e.Next()
		},
	})
	return gate
}

// registerClock sets the instance's time zone (REKAN_TIMEZONE) for publish
// dates and "today"; a bad zone refuses to serve. REKAN_TEST_NOW (tests
// only, its value marked so) freezes the clock, loudly.
func registerClock(app *pocketbase.PocketBase) {
	frozen, err := clock.Configure(os.Getenv)
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err != nil {
			refusedStart = err
			return err
		}
		if frozen {
			e.App.Logger().Warn("the clock is frozen by REKAN_TEST_NOW: this server is for tests only", "now", clock.Now(), "today", clock.Today())
		}
		return e.Next()
	})
}

// started is when this process began: a stored file written before it
// cannot be an upload this process is still storing (storage.Sweep).
var started = time.Now()

// registerSweep removes, beside the server and at every start, the stored
// files no record references: a generation or an edit killed before its
// commit, a deletion killed after it, or a migration leaves some. A stop
// waits for it to finish.
func registerSweep(app *pocketbase.PocketBase) {
	var sweep *storage.Background
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		// After the migrations committed, before anything is swept.
		testPoint("before-sweep")
		sweep = storage.SweepInBackground(e.App, started)
		return e.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if sweep != nil {
			sweep.Wait()
		}
		return e.Next()
	})
}

// testPoint kills the process when REKAN_TEST_KILL_AT names point: tests
// of the real binary stop it at fixed points of a migration or a
// generation (a crash, a power cut) and check what the next start finds.
var testPoint = func(string) {}

// registerTestKill reads REKAN_TEST_KILL_AT ("test-only:" then a point:
// "rows:N" inside the requests data migration, "before-sweep" after the
// migrations committed, "request-stored" when a generation stored its
// photos but has not committed its request). A value not marked for tests refuses to start.
func registerTestKill(app *pocketbase.PocketBase) {
	raw := strings.TrimSpace(os.Getenv("REKAN_TEST_KILL_AT"))
	if raw == "" {
		return
	}
	point, ok := strings.CutPrefix(raw, clock.TestNowPrefix)
	if !ok {
		refusedStart = errors.New(`REKAN_TEST_KILL_AT kills the server and is for tests only; its value must start with "test-only:"`)
		app.OnServe().BindFunc(func(*core.ServeEvent) error { return refusedStart })
		return
	}
	kill := func(at string) {
		if at == point {
			slog.Warn("killed by REKAN_TEST_KILL_AT", "point", at)
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
	}
	testPoint = kill
	migrations.TestPoint = kill
	post.TestPoint = kill
}

// registerRoutes mounts /api/rekan/.
func registerRoutes(app *pocketbase.PocketBase, runtime *contentrt.Runtime, gate *drain.Gate) {
	// Posts being written go out on realtime topics only their owner may
	// follow (the generate and retry routes publish).
	live.Bind(app)
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		ttl, err := approval.TTLFromEnv(os.Getenv)
		if err != nil {
			refusedStart = err
			return err
		}
		perHour, err := budget.FromEnv(os.Getenv)
		if err != nil {
			refusedStart = err
			return err
		}
		logger := slog.New(slog.NewMultiHandler(e.App.Logger().Handler(), slog.Default().Handler()))
		// The drain admits each batch item: a stopping server takes no new
		// one and waits for the running ones like any generation.
		batches := batch.NewWorker(e.App, gate, batch.DefaultConcurrency, logger)
		routes.Bind(e.Router, routes.Deps{
			Batches:      batches,
			Budget:       &budget.Budget{PerHour: perHour},
			ApprovalTTL:  ttl,
			Content:      runtime,
			ContactPhone: strings.TrimSpace(os.Getenv("REKAN_CONTACT_PHONE")),
			Version:      version,
			// The console (journald) and the admin UI's logs: an operator's
			// failed generation is the first thing an administrator looks for.
			Logger:      logger,
			Admit:       gate.Admit,
			AdmitUpload: gate.AdmitUpload,
			// One "today" for publish dates, the calendar and the agenda.
			Today: func() calendar.Date { return calendar.DateOf(clock.Now(), clock.Zone()) },
		})
		// Items a stop cut off end failed; pending ones go on.
		if err := batches.Resume(); err != nil {
			return err
		}
		return e.Next()
	})
}

// registerWebUI serves the web build when there is one. It binds last so
// every API route stays more specific than its catch-all.
func registerWebUI(app *pocketbase.PocketBase) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Priority: 999,
		Func: func(e *core.ServeEvent) error {
			dir := webui.ResolveDir(os.Getenv)
			if dir == "" {
				return e.Next()
			}
			if info, err := os.Stat(dir); err != nil || !info.IsDir() {
				e.App.Logger().Warn("web build not found; not serving the web app", "dir", dir)
				return e.Next()
			}
			webui.Bind(e.Router, dir)
			e.App.Logger().Info("serving the web app", "dir", dir)
			return e.Next()
		},
	})
}

// registerAdminCommands adds `api operator …` and replaces PocketBase's
// `api superuser …`, and keeps every command off the databases of a running
// server: with the server up they go through it (PEP 013).
func registerAdminCommands(app *pocketbase.PocketBase) {
	commands := func(app core.App) []*cobra.Command {
		return []*cobra.Command{operator.NewCommand(app), superuser.NewCommand(app)}
	}
	// --help runs without the bootstrap, so before the gate swaps in the
	// final tree: put it in now too, or --help would describe PocketBase's
	// superuser command (with verbs Rekan's lacks, such as `ips`).
	admin.ReplaceCommands(app.RootCmd, commands(app))
	admin.Bind(app, commands)
	registerStrictCommands(app)
}

// registerStrictCommands makes an unknown command (`api bogus`,
// `api superuser bogus`, `api migrate bogus`) exit 1: PocketBase ignores
// what its root command returns, so cobra's error alone exits 0. serve
// keeps its own way (refusedStart), which leaves the shutdown hooks to run.
func registerStrictCommands(app *pocketbase.PocketBase) {
	root := app.RootCmd
	admin.RejectUnknownSubcommands(root)
	admin.ExitOnError(root)
	if migrate, _, err := root.Find([]string{"migrate"}); err == nil && migrate != root {
		admin.ExitOnError(migrate)
	}
}

// registerBackups takes backups through the server's own connections and
// applies the backup settings the environment sets (schedule, S3).
func registerBackups(app *pocketbase.PocketBase) {
	backup.BindHooks(app, admin.LockFile, admin.SocketFile)
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return settings.ApplyBackups(e.App, os.Getenv)
	})
}
