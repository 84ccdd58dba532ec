// Package contentrt runs the content side of the server: it starts the BAML
// runtime (a supervised `baml-cli serve` child) with the server, stops it on
// shutdown, and exposes the result as a content.Writer plus a health probe.
// The server must keep running without baml-cli or an LLM key, so both are
// reported instead of being fatal.
package contentrt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/rekan/rekan/eval"
	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/content"
)

// Service is safe for concurrent use.
type Service struct {
	getenv   func(string) string
	provider content.Provider

	mu       sync.RWMutex
	runtime  *bamlrt.Runtime
	writer   content.Writer
	startErr error
}

// New reads the provider configuration; nothing starts until Start.
func New(getenv func(string) string) *Service {
	return &Service{
		getenv:   getenv,
		provider: content.ProviderFromEnv(getenv),
		startErr: errors.New("not started"),
	}
}

// Validate reports a provider configuration the server must refuse to
// start with (content.Provider.Validate).
func (s *Service) Validate() error {
	return s.provider.Validate()
}

// Start launches the BAML runtime. A failure is logged and kept for Ping and
// WritePosts; it does not stop the server.
func (s *Service) Start(ctx context.Context, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.Default()
	}
	err := s.start(ctx, logger)
	if err != nil {
		logger.Error("baml runtime unavailable; generation will answer 503", "error", err)
	}
	return err
}

func (s *Service) start(ctx context.Context, logger *slog.Logger) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runtime != nil {
		return nil
	}
	cli, err := bamlrt.FindCLI(s.getenv)
	if err != nil {
		s.startErr = fmt.Errorf("find baml-cli: %w", err)
		return s.startErr
	}
	rt, err := bamlrt.Start(ctx, bamlrt.Config{
		CLI:    cli,
		Source: eval.BAMLSource,
		Env:    s.provider.RuntimeEnv(),
		Logger: logger,
	})
	if err != nil {
		s.startErr = fmt.Errorf("start baml runtime: %w", err)
		return s.startErr
	}
	s.runtime = rt
	s.writer = content.NewHTTPWriter(rt, s.provider)
	s.startErr = nil
	if !s.provider.Configured() {
		logger.Warn("no LLM provider configured (REKAN_LLM_API_KEY is empty); generation will answer 503")
	}
	return nil
}

// Close stops the runtime.
func (s *Service) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runtime == nil {
		return nil
	}
	err := s.runtime.Close()
	s.runtime = nil
	s.writer = nil
	s.startErr = errors.New("stopped")
	return err
}

// LLMConfigured reports whether a provider key is set.
func (s *Service) LLMConfigured() bool {
	return s.provider.Configured()
}

// Ping reports whether the runtime answers.
func (s *Service) Ping(ctx context.Context) error {
	s.mu.RLock()
	rt, startErr := s.runtime, s.startErr
	s.mu.RUnlock()
	if rt == nil {
		return startErr
	}
	return rt.Ping(ctx)
}

// PID is the runtime child's process id (0 when not running).
func (s *Service) PID() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.runtime == nil {
		return 0
	}
	return s.runtime.PID()
}

// WritePosts implements content.Writer. Without an LLM key it fails fast
// with ErrNotConfigured instead of sending a keyless request.
func (s *Service) WritePosts(ctx context.Context, req content.Request) (content.Result, error) {
	if !s.provider.Configured() {
		return content.Result{}, fmt.Errorf("write posts: %w", content.ErrNotConfigured)
	}
	s.mu.RLock()
	writer, startErr := s.writer, s.startErr
	s.mu.RUnlock()
	if writer == nil {
		return content.Result{}, fmt.Errorf("write posts: %w: %w", content.ErrRuntimeUnavailable, startErr)
	}
	return writer.WritePosts(ctx, req)
}
