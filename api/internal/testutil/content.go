package testutil

import (
	"context"

	"github.com/rekan/rekan/eval/content"
)

// Content stands in for the server's content runtime in route tests: the
// test's Writer, a runtime whose Ping answers PingErr, and whether an LLM
// provider is configured.
type Content struct {
	content.Writer
	PingErr    error
	Configured bool
}

// Ping reports PingErr.
func (c Content) Ping(context.Context) error { return c.PingErr }

// LLMConfigured reports Configured.
func (c Content) LLMConfigured() bool { return c.Configured }
