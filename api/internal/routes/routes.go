// Package routes holds Rekan's custom HTTP routes under /api/rekan/.
// Handlers read guard → bind → validate → act → respond and depend only on
// Content, so any content.Writer (the BAML runtime today) can sit behind
// them. The posts' lifecycle (pending, ready, failed) is package post's.
package routes

import (
	"context"
	"log/slog"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/eval/content"
)

// Content is what the routes need from the content side (the server's is
// contentrt.Runtime). WritePosts fails with content.ErrNotConfigured when
// no LLM provider is configured.
type Content interface {
	content.Writer
	// Ping reports whether the runtime behind the writer answers.
	Ping(ctx context.Context) error
	// LLMConfigured reports whether an LLM provider key is set.
	LLMConfigured() bool
}

// Deps is what the routes need from the rest of the server.
type Deps struct {
	Content      Content
	ContactPhone string
	Version      string
	// Timeout bounds one call to the Writer (BAML retries included).
	Timeout time.Duration
	Logger  *slog.Logger
	// Admit, when set, guards the routes that start a generation (the
	// shutdown drain turns them away while the server stops).
	Admit func(*core.RequestEvent) error
	// AdmitUpload, when set, guards a generation route whose body is an
	// upload (posts:generate): it is counted in flight only once the
	// handler calls drain.Begin, after the upload is read.
	AdmitUpload func(*core.RequestEvent) error
}

// DefaultTimeout bounds one generation; BAML's retry policy fits inside it.
const DefaultTimeout = 90 * time.Second

// Bind registers the routes on the router.
func Bind(r *router.Router[*core.RequestEvent], deps Deps) {
	if deps.Timeout <= 0 {
		deps.Timeout = DefaultTimeout
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	h := &handler{deps: deps}
	r.Bind(uploadDeadlines())
	g := r.Group("/api/rekan")
	g.GET("/health", h.health)
	g.GET("/config", h.config)
	// The operator routes need a logged-in operator (users collection);
	// superusers manage the instance, they do not own businesses. Handlers
	// check only ownership.
	operator := g.Group("").Bind(apis.RequireAuth("users"))
	generate := operator.POST("/businesses/{id}/posts:generate", h.generate).
		// Photos: above PocketBase's default limit; the route bounds each part.
		Bind(streamBody(), apis.BodyLimit(maxMultipartBytes))
	// ServeMux wildcards must fill a whole segment, so "{id}:retry" is routed
	// as one segment and split by the handler.
	retry := operator.POST("/posts/{action}", h.postAction)
	if deps.AdmitUpload != nil {
		generate.BindFunc(deps.AdmitUpload)
	}
	if deps.Admit != nil {
		retry.BindFunc(deps.Admit)
	}
}

type handler struct {
	deps Deps
}
