// Package routes holds Rekan's custom HTTP routes under /api/rekan/.
// Handlers read guard → bind → validate → act → respond and depend only on
// Content, so any content.Writer (the BAML runtime today) can sit behind
// them. The posts' lifecycle (pending, ready, failed) is package post's.
package routes

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/api/internal/approval"
	"github.com/rekan/rekan/api/internal/batch"
	"github.com/rekan/rekan/api/internal/budget"
	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/security"
	"github.com/rekan/rekan/eval/content"
)

// Content is what the routes need from the content side (the server's is
// contentrt.Runtime). WritePosts and SuggestIdeas fail with
// content.ErrNotConfigured when no LLM provider is configured.
type Content interface {
	content.Writer
	content.Ideator
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
	// Today, when set, is the calendar date the calendar routes and the
	// agenda use; otherwise clock's (REKAN_TIMEZONE, REKAN_TEST_NOW).
	Today func() calendar.Date
	// ApprovalTTL is how long an approval link stays valid (default
	// approval.DefaultTTL).
	ApprovalTTL time.Duration
	// AdmitUpload, when set, guards a generation route whose body is an
	// upload (posts:generate): it is counted in flight only once the
	// handler calls drain.Begin, after the upload is read.
	AdmitUpload func(*core.RequestEvent) error
	// Budget, when set, is the per-operator hourly generation budget
	// (REKAN_GENERATION_BUDGET) every generation spends from.
	Budget *budget.Budget
	// Batches, when set, is the worker of "Gerar para vários clientes";
	// Bind gives it the generation path.
	Batches *batch.Worker
}

// DefaultTimeout bounds one generation (content.GenerationTimeout, which
// the drain bound is derived from).
const DefaultTimeout = content.GenerationTimeout

// Bind registers the routes on the router.
func Bind(r *router.Router[*core.RequestEvent], deps Deps) {
	if deps.Timeout <= 0 {
		deps.Timeout = DefaultTimeout
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.ApprovalTTL <= 0 {
		deps.ApprovalTTL = approval.DefaultTTL
	}
	signer, err := approval.NewSigner()
	if err != nil {
		// crypto/rand does not fail on a supported platform.
		panic(err)
	}
	h := &handler{deps: deps, signer: signer}
	r.Bind(uploadDeadlines())
	g := r.Group("/api/rekan")
	g.GET("/health", h.health)
	g.GET("/config", h.config)
	// The operator routes need a logged-in operator (users collection);
	// superusers manage the instance, they do not own businesses. Handlers
	// check only ownership.
	operator := g.Group("").Bind(apis.RequireAuth("users"))
	// A GET: it reads, and stays out of the generation POSTs' rate limit.
	operator.GET("/businesses/{id}/types:suggest", h.suggestTypes)
	generate := operator.POST("/businesses/{id}/posts:generate", h.generate).
		// Photos: above PocketBase's default limit; the route bounds each part.
		Bind(streamBody(), apis.BodyLimit(maxMultipartBytes))
	// ServeMux wildcards must fill a whole segment, so "{id}:retry" (and
	// :stage, :undo) is routed as one segment and split by the handler.
	// Setting a stage is a PUT: operators move many posts in a row, and the
	// generation POSTs' rate limit ("POST /api/rekan/") must not count them.
	operator.PUT("/posts/{action}", h.putAction)
	actions := operator.POST("/posts/{action}", h.postAction).
		// :photos uploads like posts:generate.
		Bind(streamBody(), apis.BodyLimit(maxMultipartBytes))
	operator.POST("/posts/{id}/confirmed-claims", h.confirmClaim)
	operator.GET("/businesses/{id}/dates", h.dates)
	operator.GET("/segment-tags", h.segmentTags)
	operator.GET("/dates", h.comingDates)
	operator.GET("/agenda", h.operatorAgenda)
	ideas := operator.POST("/businesses/{id}/ideas", h.ideas)
	// One POST per batch: the worker makes the requests, not the browser.
	batches := operator.POST("/batches", h.createBatch)
	batchAction := operator.POST("/batches/{action}", h.batchAction)
	if deps.Batches != nil {
		deps.Batches.SetRun(h.runBatchItem)
	}
	// Approvals: the operator's side. Their writes are admitted by the
	// drain too, so a stopping server finishes them before it goes.
	createApproval := operator.POST("/approvals", h.createApproval).Bind(apis.BodyLimit(maxApprovalBody))
	operator.GET("/businesses/{id}/approvals", h.businessApprovals)
	operator.GET("/approvals/summary", h.approvalSummary)
	approvalAction := operator.POST("/approvals/{action}", h.approvalAction).Bind(apis.BodyLimit(maxApprovalBody))

	// The client's side: no account, the token in a header. Its own rate
	// limits (settings), its own headers (security.SetApprovalHeaders).
	public := g.Group("/approval").BindFunc(approvalHeaders)
	public.GET("", h.publicApproval)
	decide := public.POST("/decisions", h.decide).Bind(apis.BodyLimit(maxApprovalBody))
	public.GET("/photos/{ticket}", h.approvalPhoto)

	if deps.AdmitUpload != nil {
		generate.BindFunc(deps.AdmitUpload)
	}
	if deps.Admit != nil {
		// Only a retry or a revision starts a generation; stage moves go
		// on while draining.
		actions.BindFunc(func(e *core.RequestEvent) error {
			if action := e.Request.PathValue("action"); strings.HasSuffix(action, ":retry") || strings.HasSuffix(action, ":revise") {
				return deps.Admit(e)
			}
			return e.Next()
		})
		ideas.BindFunc(deps.Admit)
		batches.BindFunc(deps.Admit)
		batchAction.BindFunc(deps.Admit)
		createApproval.BindFunc(deps.Admit)
		approvalAction.BindFunc(deps.Admit)
		decide.BindFunc(deps.Admit)
	}
	// These routes read and check their own bodies, after the ownership
	// check and within their own limits (a generation's photos are streamed),
	// so the global JSON text check must not read them first.
	g.Unbind(security.JSONTextID)
}

type handler struct {
	deps   Deps
	signer *approval.Signer
}

// spend takes n generations of the operator's budget; the error is the
// response to return (429 with Retry-After when it is spent).
func (h *handler) spend(e *core.RequestEvent, kind string, n int) error {
	if h.deps.Budget == nil {
		return nil
	}
	if err := h.deps.Budget.Spend(e.App, e.Auth.Id, kind, n); err != nil {
		return budget.Refuse(e, err)
	}
	return nil
}

// approvalHeaders marks the public approval responses: no Referer leaves
// with the page, no search engine keeps it, nothing outside the site loads.
func approvalHeaders(e *core.RequestEvent) error {
	security.SetApprovalHeaders(e.Response.Header())
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.Next()
}
