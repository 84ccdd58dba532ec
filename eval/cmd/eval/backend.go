package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	bamlsrc "github.com/rekan/rekan/eval/baml_src"
	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/judges"
)

// backend is the BAML runtime this run started, with the writer and the
// judges that talk to it.
type backend struct {
	rt          *bamlrt.Runtime
	writer      content.Writer
	writerModel string
	asker       judges.Asker
	judges      []judges.Judge
}

var errNoProvider = errors.New("no LLM provider configured: set REKAN_LLM_API_KEY (and REKAN_LLM_BASE_URL for a provider other than OpenRouter; see .env.example), or run `make eval` without a key to use fakellm")

// startBackend starts the runtime exactly like the server does: baml-cli
// found by bamlrt.FindCLI, the embedded sources, only the provider
// variables in its environment.
func startBackend(ctx context.Context, getenv func(string) string, logger *slog.Logger, needWriter, needJudges bool) (*backend, error) {
	provider := content.ProviderFromEnv(getenv)
	if !provider.Configured() {
		return nil, errNoProvider
	}
	if err := provider.Validate(); err != nil {
		return nil, err
	}
	be := &backend{writerModel: provider.WriterModel}
	if needJudges {
		panel, err := judges.PanelOf(provider)
		if err != nil {
			return nil, err
		}
		if panel[0].Model == panel[1].Model {
			logger.Warn("both judges use the same model; set two models in REKAN_JUDGE_MODELS for an independent panel", "model", panel[0].Model)
		}
		be.judges = panel
	}
	cli, err := bamlrt.FindCLI(getenv)
	if err != nil {
		return nil, err
	}
	rt, err := bamlrt.Start(ctx, bamlrt.Config{
		CLI:    cli,
		Source: bamlsrc.FS,
		Env:    provider.RuntimeEnv(),
		Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("start BAML runtime: %w", err)
	}
	be.rt = rt
	if needWriter {
		be.writer = content.NewHTTPWriter(rt, provider)
	}
	if needJudges {
		be.asker = &judges.BAMLAsker{BaseURL: rt.BaseURL, Authorize: rt.Authorize, Secrets: provider.Secrets()}
	}
	return be, nil
}

// Close stops the runtime; the run never leaves a child behind.
func (be *backend) Close() {
	if be == nil || be.rt == nil {
		return
	}
	_ = be.rt.Close()
}
