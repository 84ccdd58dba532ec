//go:build benchprofile

package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
)

// Built only by bench/scale (go build -tags benchprofile), never shipped:
// `serve --cpuprofile FILE` writes the whole server's CPU profile from the
// start of serving to SIGTERM, for the bench to print its top items.
func init() {
	registerBenchProfile = func(app *pocketbase.PocketBase) {
		path := app.RootCmd.PersistentFlags().String("cpuprofile", "", "write a CPU profile here until the server stops")
		app.OnServe().BindFunc(func(e *core.ServeEvent) error {
			if *path == "" {
				return e.Next()
			}
			f, err := os.Create(*path)
			if err != nil {
				return fmt.Errorf("cpu profile: %w", err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				return fmt.Errorf("cpu profile: %w", err)
			}
			app.OnTerminate().BindFunc(func(t *core.TerminateEvent) error {
				pprof.StopCPUProfile()
				_ = f.Close()
				return t.Next()
			})
			return e.Next()
		})
	}
}
