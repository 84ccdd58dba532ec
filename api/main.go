// Command api is the Rekan server: PocketBase plus Rekan's collections,
// routes, content runtime and operator CLI. main only wires named register
// functions; each one lives next to what it registers.
package main

import (
	"log/slog"
	"os"

	"github.com/pocketbase/pocketbase"

	"github.com/rekan/rekan/api/internal/database"
)

// version is set at build time: -ldflags "-X main.version=…".
var version = "dev"

// registerBenchProfile is set only in bench builds (benchprofile.go).
var registerBenchProfile = func(*pocketbase.PocketBase) {}

func main() {
	registerEnv()

	// Explicit: pocketbase.New turns dev mode (SQL logging) on for any binary
	// under the temp dir, which includes test builds. The settings (SMTP and
	// S3 backup credentials) are encrypted at rest when the named variable
	// holds a 32-character key.
	// The data dir defaults to ./pb_data in the working directory, not beside
	// the executable (PocketBase's default), so `make run` and a bare
	// `bin/api operator add` from the repository root share one database.
	app := pocketbase.NewWithConfig(pocketbase.Config{
		DefaultDev:           false,
		DefaultDataDir:       "pb_data",
		DefaultEncryptionEnv: "REKAN_ENCRYPTION_KEY",
		// SQLite's page caches bounded, so memory does not grow with the
		// database (the README's memory ceiling, bench/scale).
		DBConnect:        database.Connect,
		DataMaxOpenConns: database.MaxOpenConns,
		DataMaxIdleConns: database.MaxIdleConns,
	})
	app.RootCmd.Version = version
	app.RootCmd.Short = "Rekan: Instagram content for Brazilian micro-entrepreneurs"

	registerPrivateData(app)
	registerMigrations(app)
	registerSettings(app)
	registerClock(app)
	registerTestKill(app)
	registerSecurity(app)
	registerRecordHooks(app)
	registerSweep(app)
	runtime := registerContentRuntime(app)
	gate := registerDrain(app)
	registerRoutes(app, runtime, gate)
	registerWebUI(app)
	registerAdminCommands(app)
	registerBackups(app)
	registerBenchProfile(app)

	if err := app.Start(); err != nil {
		slog.Error("rekan stopped", "error", err)
		os.Exit(1)
	}
	if refusedStart != nil {
		slog.Error("rekan refused to start", "error", refusedStart)
		os.Exit(1)
	}
}
