package stack

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	bamlsrc "github.com/rekan/rekan/eval/baml_src"
	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/content"
)

// StartRuntime starts a BAML runtime of the caller's own pointed at the
// fake LLM at fakeURL, and the Go client the server uses for it: the bare
// runtime benches compare the server with. Close the runtime when done.
func StartRuntime(ctx context.Context, fakeURL string) (*bamlrt.Runtime, content.Writer, error) {
	getenv := Getenv(FakeEnv(fakeURL), os.Getenv)
	cli, err := bamlrt.FindCLI(getenv)
	if err != nil {
		return nil, nil, err
	}
	provider := content.ProviderFromEnv(getenv)
	rt, err := bamlrt.Start(ctx, bamlrt.Config{
		CLI:    cli,
		Source: bamlsrc.FS,
		Env:    provider.RuntimeEnv(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("start a BAML runtime: %w", err)
	}
	return rt, content.NewHTTPWriter(rt, provider), nil
}
