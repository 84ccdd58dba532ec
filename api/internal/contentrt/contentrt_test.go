package contentrt_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/rekan/rekan/api/internal/contentrt"
	"github.com/rekan/rekan/eval/content"
)

// The runtime is the one gate of "no LLM key": it answers ErrNotConfigured
// whether the BAML runtime is up or not (TestEndToEndWithoutLLMKey covers
// it up), never ErrRuntimeUnavailable, and needs no baml-cli for it.
func TestWritePostsWithoutKeyNeedsNoRuntime(t *testing.T) {
	getenv := func(name string) string {
		if name == "REKAN_BAML_CLI" {
			return "/nonexistent/baml-cli"
		}
		return ""
	}
	rt := contentrt.New(getenv)
	if rt.LLMConfigured() {
		t.Fatal("configured without a key")
	}
	req := content.Request{
		Business: content.Business{Name: "Doces da Lu"},
		Brief:    "bolo de pote",
		Roles:    []content.Role{content.RoleProduct},
	}
	if _, err := rt.WritePosts(context.Background(), req); !errors.Is(err, content.ErrNotConfigured) {
		t.Fatalf("not started: err = %v, want ErrNotConfigured", err)
	}
	// A start that fails (no baml-cli) changes nothing about the answer.
	if err := rt.Start(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
		t.Fatal("started without baml-cli")
	}
	defer rt.Close()
	if _, err := rt.WritePosts(context.Background(), req); !errors.Is(err, content.ErrNotConfigured) || errors.Is(err, content.ErrRuntimeUnavailable) {
		t.Fatalf("runtime down: err = %v, want ErrNotConfigured only", err)
	}
}
