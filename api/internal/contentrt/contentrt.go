// Package contentrt runs the content side of the server: it starts the BAML
// runtime (a supervised `baml-cli serve` child) with the server, stops it on
// shutdown, and exposes the result as a content.Writer plus a health probe.
// It is the one gate of "is an LLM configured": without a key, WritePosts
// fails with content.ErrNotConfigured before anything reaches a writer.
// The server must keep running without baml-cli or an LLM key, so both are
// reported instead of being fatal.
package contentrt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	bamlsrc "github.com/rekan/rekan/eval/baml_src"
	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/content"
)

// Runtime is the server's content runtime: the supervised BAML runtime, the
// writer on top of it, and the provider configuration. It is safe for
// concurrent use.
type Runtime struct {
	getenv   func(string) string
	provider content.Provider

	// startMu serialises Start and Close; mu guards the fields below and is
	// never held while the runtime starts, so Ping answers meanwhile.
	startMu sync.Mutex

	mu          sync.RWMutex
	runtime     *bamlrt.Runtime
	writer      content.Writer
	startErr    error
	pending     chan struct{} // closed when a background start has finished
	cancelStart context.CancelFunc
}

var errStarting = errors.New("baml runtime starting")

// New reads the provider configuration; nothing starts until Start.
func New(getenv func(string) string) *Runtime {
	return &Runtime{
		getenv:   getenv,
		provider: content.ProviderFromEnv(getenv),
		startErr: errors.New("not started"),
	}
}

// Validate reports a provider configuration the server must refuse to
// start with (content.Provider.Validate).
func (s *Runtime) Validate() error {
	return s.provider.Validate()
}

// Start launches the BAML runtime. A failure is logged and kept for Ping and
// WritePosts; it does not stop the server.
func (s *Runtime) Start(ctx context.Context, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.Default()
	}
	s.startMu.Lock()
	defer s.startMu.Unlock()
	err := s.start(ctx, logger)
	if err != nil {
		logger.Error("baml runtime unavailable; generation will answer 503", "error", err)
	}
	return err
}

// StartInBackground launches the runtime without waiting for it, so the
// server listens at once. Until it is up, Ping reports it as starting and
// WritePosts waits for it (within its context) instead of failing.
func (s *Runtime) StartInBackground(logger *slog.Logger) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.mu.Lock()
	s.pending, s.cancelStart = done, cancel
	if s.runtime == nil {
		s.startErr = errStarting
	}
	s.mu.Unlock()
	go func() {
		defer close(done)
		_ = s.Start(ctx, logger)
	}()
}

func (s *Runtime) start(ctx context.Context, logger *slog.Logger) error {
	s.mu.RLock()
	running := s.runtime != nil
	s.mu.RUnlock()
	if running {
		return nil
	}
	rt, err := s.launch(ctx, logger)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.startErr = err
		return err
	}
	s.runtime = rt
	s.writer = content.NewHTTPWriter(rt, s.provider)
	s.startErr = nil
	if !s.provider.Configured() {
		logger.Warn("no LLM provider configured (REKAN_LLM_API_KEY is empty); generation will answer 503")
	}
	return nil
}

func (s *Runtime) launch(ctx context.Context, logger *slog.Logger) (*bamlrt.Runtime, error) {
	cli, err := bamlrt.FindCLI(s.getenv)
	if err != nil {
		return nil, fmt.Errorf("find baml-cli: %w", err)
	}
	rt, err := bamlrt.Start(ctx, bamlrt.Config{
		CLI:    cli,
		Source: bamlsrc.FS,
		Env:    s.provider.RuntimeEnv(),
		Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("start baml runtime: %w", err)
	}
	return rt, nil
}

// Close stops the runtime, aborting a background start still under way.
func (s *Runtime) Close() error {
	s.mu.RLock()
	cancel := s.cancelStart
	s.mu.RUnlock()
	if cancel != nil {
		cancel()
	}
	s.startMu.Lock()
	defer s.startMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startErr = errors.New("stopped")
	if s.runtime == nil {
		return nil
	}
	err := s.runtime.Close()
	s.runtime = nil
	s.writer = nil
	return err
}

// LLMConfigured reports whether a provider key is set.
func (s *Runtime) LLMConfigured() bool {
	return s.provider.Configured()
}

// Ping reports whether the runtime answers.
func (s *Runtime) Ping(ctx context.Context) error {
	s.mu.RLock()
	rt, startErr := s.runtime, s.startErr
	s.mu.RUnlock()
	if rt == nil {
		return startErr
	}
	return rt.Ping(ctx)
}

// PID is the runtime child's process id (0 when not running).
func (s *Runtime) PID() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.runtime == nil {
		return 0
	}
	return s.runtime.PID()
}

// WritePosts implements content.Writer. Without an LLM key it fails fast
// with ErrNotConfigured, runtime or not, instead of sending a keyless
// request.
func (s *Runtime) WritePosts(ctx context.Context, req content.Request) (content.Result, error) {
	writer, err := s.ready(ctx, "write posts")
	if err != nil {
		return content.Result{}, err
	}
	return writer.WritePosts(ctx, req)
}

// SuggestIdeas implements content.Ideator, gated like WritePosts.
func (s *Runtime) SuggestIdeas(ctx context.Context, req content.IdeasRequest) (content.IdeasResult, error) {
	writer, err := s.ready(ctx, "suggest ideas")
	if err != nil {
		return content.IdeasResult{}, err
	}
	ideator, ok := writer.(content.Ideator)
	if !ok {
		return content.IdeasResult{}, fmt.Errorf("suggest ideas: %w: the writer cannot suggest ideas", content.ErrRuntimeUnavailable)
	}
	return ideator.SuggestIdeas(ctx, req)
}

// RevisePost implements content.Reviser, behind the same gates as
// WritePosts.
func (s *Runtime) RevisePost(ctx context.Context, req content.ReviseRequest) (content.Result, error) {
	writer, err := s.ready(ctx, "revise post")
	if err != nil {
		return content.Result{}, err
	}
	reviser, ok := writer.(content.Reviser)
	if !ok {
		return content.Result{}, fmt.Errorf("revise post: %w: the writer cannot revise", content.ErrRuntimeUnavailable)
	}
	return reviser.RevisePost(ctx, req)
}

// ready returns the writer once the runtime is up: without an LLM key it
// fails at once; a call arriving right after a restart waits for the
// runtime's start (a fraction of a second) rather than failing.
func (s *Runtime) ready(ctx context.Context, what string) (content.Writer, error) {
	if !s.provider.Configured() {
		return nil, fmt.Errorf("%s: %w", what, content.ErrNotConfigured)
	}
	s.mu.RLock()
	writer, startErr, pending := s.writer, s.startErr, s.pending
	s.mu.RUnlock()
	if writer == nil && pending != nil {
		select {
		case <-pending:
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: %w: %w", what, content.ErrRuntimeUnavailable, ctx.Err())
		}
		s.mu.RLock()
		writer, startErr = s.writer, s.startErr
		s.mu.RUnlock()
	}
	if writer == nil {
		return nil, fmt.Errorf("%s: %w: %w", what, content.ErrRuntimeUnavailable, startErr)
	}
	return writer, nil
}
