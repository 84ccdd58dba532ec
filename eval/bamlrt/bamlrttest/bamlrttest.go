// Package bamlrttest starts real BAML runtimes for tests in this module.
package bamlrttest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	bamlsrc "github.com/rekan/rekan/eval/baml_src"
	"github.com/rekan/rekan/eval/bamlrt"
)

// CLI returns the baml-cli to test with. Without one the test fails (a test
// that cannot run is not a pass): `make test` installs it first.
func CLI(t testing.TB) string {
	t.Helper()
	cli, err := bamlrt.FindCLI(os.Getenv)
	if err != nil {
		t.Fatalf("no BAML runtime (run make deps): %v", err)
	}
	return cli
}

// Start runs a runtime with the embedded sources and env, closed at cleanup.
func Start(t testing.TB, env []string) *bamlrt.Runtime {
	t.Helper()
	rt, _ := StartLogged(t, env)
	return rt
}

// StartLogged is Start that also returns everything the runtime logged.
func StartLogged(t testing.TB, env []string) (*bamlrt.Runtime, *Logs) {
	t.Helper()
	logs := &Logs{}
	cfg := bamlrt.Config{
		CLI:        CLI(t),
		Source:     bamlsrc.FS,
		Env:        env,
		Logger:     slog.New(slog.NewTextHandler(io.MultiWriter(testWriter{t}, logs), &slog.HandlerOptions{Level: slog.LevelDebug})),
		MinBackoff: 100 * time.Millisecond,
		MaxBackoff: time.Second,
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rt, err := bamlrt.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("start BAML runtime: %v", err)
	}
	t.Cleanup(func() {
		if err := rt.Close(); err != nil {
			t.Errorf("close BAML runtime: %v", err)
		}
	})
	return rt, logs
}

// Logs collects log output; safe for concurrent use.
type Logs struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Logger writes through t.Log so runtime output shows up with the failing test.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}

// WaitFor polls ok until it holds, failing the test after limit. Runtime
// restarts and killed children settle asynchronously.
func WaitFor(t testing.TB, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
