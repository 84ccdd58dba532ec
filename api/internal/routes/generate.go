package routes

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/drain"
	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

const (
	msgBusinessNotFound = "Negócio não encontrado."
	msgPostNotFound     = "Post não encontrado."
	msgRecentPosts      = "Não foi possível ler os posts recentes."
)

type postsResponse struct {
	Posts []*core.Record `json:"posts"`
}

// generate stores the brief as `count` posts, asks the Writer for them and
// fills them in. The posts exist before the LLM is called, so a failure
// leaves them as failed posts the operator can retry, never a lost brief.
func (h *handler) generate(e *core.RequestEvent) error {
	// Before the body: photos are not decoded for someone else's business.
	biz, err := findOwnedBusiness(e.App, e.Request.PathValue("id"), e.Auth.Id)
	if err != nil {
		return e.NotFoundError(msgBusinessNotFound, nil)
	}
	form, err := bindGenerate(e)
	if err != nil {
		return err
	}
	if err := form.validate(); err != nil {
		return e.BadRequestError(msgInvalidData, err)
	}
	// In flight from here, once the upload is complete: a restart waits
	// for what is stored, not for a client still sending.
	if err := drain.Begin(e); err != nil {
		return err
	}

	posts, err := post.CreatePending(e.App, biz.Id, form.Brief, form.Count, form.Photos)
	if err != nil {
		return e.InternalServerError("Não foi possível guardar o pedido.", err)
	}
	recent, err := post.RecentOf(e.App, biz.Id, "")
	if err != nil {
		return e.InternalServerError(msgRecentPosts, err)
	}
	return h.write(e, posts, content.Request{
		Business:      business.Profile(biz),
		Brief:         form.Brief,
		Roles:         content.PickRoles(recent.Roles, form.Count),
		PreviousHooks: recent.Hooks,
		Photos:        post.ContentPhotos(form.Photos),
	})
}

// postAction routes POST /api/rekan/posts/{id}:{action}; retry is the only
// action.
func (h *handler) postAction(e *core.RequestEvent) error {
	id, action, ok := strings.Cut(e.Request.PathValue("action"), ":")
	if !ok || action != "retry" || id == "" {
		return e.NotFoundError("", nil)
	}
	return h.retry(e, id)
}

// retry regenerates one post from its stored brief, keeping its role.
func (h *handler) retry(e *core.RequestEvent, id string) error {
	p, biz, err := findOwnedPost(e.App, id, e.Auth.Id)
	if err != nil {
		return e.NotFoundError(msgPostNotFound, nil)
	}
	recent, err := post.RecentOf(e.App, biz.Id, p.Id)
	if err != nil {
		return e.InternalServerError(msgRecentPosts, err)
	}
	role := content.Role(p.GetString("role"))
	if !role.Valid() {
		role = content.PickRoles(recent.Roles, 1)[0]
	}
	// Read before the post is marked generating: a photo that cannot be
	// read fails the retry without touching the post.
	photos, err := post.ModelPhotos(photo.WithOwner(e.Request.Context(), e.Auth.Id), e.App, p)
	if err != nil {
		return e.InternalServerError("Não foi possível ler as fotos do post.", err)
	}
	p, err = post.BeginRetry(e.App, p.Id)
	if errors.Is(err, post.ErrGone) {
		return e.NotFoundError(msgPostNotFound, nil)
	}
	if errors.Is(err, post.ErrGenerating) {
		return &router.ApiError{Status: http.StatusConflict, Message: post.MsgRetryWhileGenerating, Data: map[string]any{"code": "post_generating"}}
	}
	if err != nil {
		return e.InternalServerError("Não foi possível atualizar o post.", err)
	}
	return h.write(e, []*core.Record{p}, content.Request{
		Business:      business.Profile(biz),
		Brief:         p.GetString("brief"),
		Roles:         []content.Role{role},
		PreviousHooks: recent.Hooks,
		Photos:        photos,
	})
}

// write asks the Writer for req (one role per pending post) and stores the
// outcome in posts. It keeps going when the client disconnects: the result
// is stored either way.
func (h *handler) write(e *core.RequestEvent, posts []*core.Record, req content.Request) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(e.Request.Context()), h.deps.Timeout)
	defer cancel()

	result, err := h.deps.Content.WritePosts(ctx, req)
	if err == nil && len(result.Posts) < len(posts) {
		err = fmt.Errorf("writer returned %d of %d posts: %w", len(result.Posts), len(posts), content.ErrInvalidOutput)
	}
	if err != nil {
		return h.fail(e, posts, err)
	}

	generated := make([]content.Post, len(posts))
	for i := range posts {
		generated[i] = withRole(result.Posts[i], req.Roles[i])
	}
	checked := checks.RunRequest(checks.Context{Business: req.Business, Brief: req.Brief, PreviousHooks: req.PreviousHooks}, generated)
	settled, err := post.Complete(e.App, posts, generated, result.Model, checked)
	if err != nil {
		return h.fail(e, posts, fmt.Errorf("store generated posts: %w", err))
	}
	if len(settled) == 0 {
		return &router.ApiError{Status: http.StatusNotFound, Message: post.MsgDeletedWhileWriting, Data: map[string]any{"code": "post_deleted"}}
	}
	return e.JSON(http.StatusOK, postsResponse{Posts: settled})
}

// withRole keeps the role the model reports when it is a known one, and
// the requested role otherwise.
func withRole(generated content.Post, requested content.Role) content.Post {
	if !generated.Role.Valid() {
		generated.Role = requested
	}
	return generated
}

// failure is how a Writer error reaches the operator.
type failure struct {
	status  int
	code    string
	message string
}

func classify(err error) failure {
	switch {
	case errors.Is(err, content.ErrNotConfigured):
		// Operators cannot set server variables; the log names REKAN_LLM_API_KEY.
		return failure{http.StatusServiceUnavailable, "llm_not_configured",
			"LLM não configurado: peça a quem administra o servidor para configurar o provedor de IA."}
	case errors.Is(err, content.ErrRuntimeUnavailable):
		return failure{http.StatusServiceUnavailable, "llm_unavailable",
			"O gerador de conteúdo está indisponível agora. Tente de novo em alguns segundos."}
	case errors.Is(err, content.ErrInvalidOutput):
		return failure{http.StatusBadGateway, "llm_failed",
			"A IA respondeu num formato inesperado. Tente de novo."}
	case errors.Is(err, content.ErrInvalidRequest):
		// Our own bug (the route validated the input): say so, don't blame the AI.
		return failure{http.StatusInternalServerError, "internal_error",
			"Erro interno ao preparar o pedido. Tente de novo; se persistir, avise o suporte."}
	case errors.Is(err, context.DeadlineExceeded):
		return failure{http.StatusBadGateway, "llm_failed",
			"A IA demorou demais para responder. Tente de novo."}
	default:
		return failure{http.StatusBadGateway, "llm_failed",
			"O provedor de IA falhou. Tente de novo em instantes."}
	}
}

// fail marks the posts failed (brief kept) and answers with PocketBase's
// error shape plus the failed posts, so the UI can offer a retry.
func (h *handler) fail(e *core.RequestEvent, posts []*core.Record, cause error) error {
	f := classify(cause)
	h.deps.Logger.Warn("post generation failed", "code", f.code, "posts", len(posts), "error", cause)
	settled, err := post.Fail(e.App, posts, f.message)
	if err != nil {
		h.deps.Logger.Error("could not mark posts failed", "error", err)
		settled = posts
	}
	return &router.ApiError{
		Status:  f.status,
		Message: f.message,
		Data:    map[string]any{"code": f.code, "posts": settled},
	}
}

func findOwnedBusiness(app core.App, id, owner string) (*core.Record, error) {
	biz, err := app.FindRecordById(business.Collection, id)
	if err != nil {
		return nil, err
	}
	if biz.GetString("owner") != owner {
		return nil, errNotOwned
	}
	return biz, nil
}

func findOwnedPost(app core.App, id, owner string) (*core.Record, *core.Record, error) {
	p, err := app.FindRecordById(post.Collection, id)
	if err != nil {
		return nil, nil, err
	}
	biz, err := findOwnedBusiness(app, p.GetString("business"), owner)
	if err != nil {
		return nil, nil, err
	}
	return p, biz, nil
}
