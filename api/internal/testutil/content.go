package testutil

import (
	"context"
	"fmt"

	"github.com/rekan/rekan/eval/content"
)

// Content stands in for the server's content runtime in route tests: the
// test's Writer, a runtime whose Ping answers PingErr, and whether an LLM
// provider is configured.
type Content struct {
	content.Writer
	PingErr    error
	Configured bool
	// Ideas, when set, suggests the ideas.
	Ideas content.Ideator
}

// Ping reports PingErr.
func (c Content) Ping(context.Context) error { return c.PingErr }

// LLMConfigured reports Configured.
func (c Content) LLMConfigured() bool { return c.Configured }

// SuggestIdeas answers with Ideas when set, else with the Writer when it
// suggests ideas too, else as a runtime that is down.
func (c Content) SuggestIdeas(ctx context.Context, req content.IdeasRequest) (content.IdeasResult, error) {
	if c.Ideas != nil {
		return c.Ideas.SuggestIdeas(ctx, req)
	}
	if ideator, ok := c.Writer.(content.Ideator); ok {
		return ideator.SuggestIdeas(ctx, req)
	}
	return content.IdeasResult{}, fmt.Errorf("suggest ideas: %w: no ideator in this test", content.ErrRuntimeUnavailable)
}
