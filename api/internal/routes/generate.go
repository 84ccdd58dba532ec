package routes

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

const (
	msgBusinessNotFound = "Negócio não encontrado."
	msgPostNotFound     = "Post não encontrado."
	// recentPostsForContext is how many of the business's latest ready posts
	// feed the role rotation and the "don't repeat this opening" list.
	recentPostsForContext = post.RecentForContext
)

type postsResponse struct {
	Posts []*core.Record `json:"posts"`
}

// generate stores the brief as `count` posts, asks the Writer for them and
// fills them in. The posts exist before the LLM is called, so a failure
// leaves them as failed posts the operator can retry, never a lost brief.
func (h *handler) generate(e *core.RequestEvent) error {
	if err := requireOperator(e); err != nil {
		return err
	}
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

	posts, err := createPending(e.App, biz, form.Brief, form.Count, form.Photos)
	if err != nil {
		return e.InternalServerError("Não foi possível guardar o pedido.", err)
	}
	recent, err := recentPosts(e.App, biz.Id, "")
	if err != nil {
		return e.InternalServerError("Não foi possível ler os posts recentes.", err)
	}
	roles := content.PickRoles(recentRoles(recent), form.Count)
	photos := make([]content.Photo, len(form.Photos))
	for i, p := range form.Photos {
		photos[i] = post.ToContentPhoto(p)
	}
	return h.write(e, biz, posts, roles, recentHooks(recent), photos)
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
	if err := requireOperator(e); err != nil {
		return err
	}
	p, biz, err := findOwnedPost(e.App, id, e.Auth.Id)
	if err != nil {
		return e.NotFoundError(msgPostNotFound, nil)
	}
	recent, err := recentPosts(e.App, biz.Id, p.Id)
	if err != nil {
		return e.InternalServerError("Não foi possível ler os posts recentes.", err)
	}
	role := content.Role(p.GetString("role"))
	if !role.Valid() {
		role = content.PickRoles(recentRoles(recent), 1)[0]
	}
	// Read before the post is marked generating: a photo that cannot be
	// read fails the retry without touching the post.
	photos, err := post.ModelPhotos(e.Request.Context(), e.App, p)
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
	return h.write(e, biz, []*core.Record{p}, []content.Role{role}, recentHooks(recent), photos)
}

// write calls the Writer for the pending posts and stores the outcome. It
// keeps going when the client disconnects: the result is stored either way.
func (h *handler) write(e *core.RequestEvent, biz *core.Record, posts []*core.Record, roles []content.Role, hooks []string, photos []content.Photo) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(e.Request.Context()), h.deps.Timeout)
	defer cancel()

	req := content.Request{
		Business:      business.Profile(biz),
		Brief:         posts[0].GetString("brief"),
		Roles:         roles,
		PreviousHooks: hooks,
		Photos:        photos,
	}
	result, err := h.deps.Writer.WritePosts(ctx, req)
	if err == nil && len(result.Posts) < len(posts) {
		err = fmt.Errorf("writer returned %d of %d posts: %w", len(result.Posts), len(posts), content.ErrInvalidOutput)
	}
	if err != nil {
		return h.fail(e, posts, err)
	}

	generated := make([]content.Post, len(posts))
	for i := range posts {
		generated[i] = withRole(result.Posts[i], roles[i])
	}
	checked := checks.RunRequest(checks.Context{Business: req.Business, Brief: req.Brief, PreviousHooks: req.PreviousHooks}, generated)
	settled, err := post.Settle(e.App, posts, func(tx core.App, p *core.Record, i int) error {
		fillPost(p, generated[i], result.Model, checked[i])
		return tx.Save(p)
	})
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

func fillPost(p *core.Record, generated content.Post, model string, checked []checks.Result) {
	hashtags := generated.Hashtags
	if hashtags == nil {
		hashtags = []string{}
	}
	p.Set("caption", generated.Caption)
	p.Set("hashtags", hashtags)
	p.Set("production_note", generated.ProductionNote)
	p.Set("role", string(generated.Role))
	p.Set("hook", generated.Hook)
	p.Set("checks", checked)
	p.Set("model", model)
	p.Set("status", post.StatusReady)
	p.Set("error", "")
	// A regenerated post is the model's text again, not the operator's.
	p.Set("edited", false)
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
	settled, err := post.Settle(e.App, posts, func(tx core.App, p *core.Record, _ int) error {
		p.Set("status", post.StatusFailed)
		p.Set("error", f.message)
		return tx.Save(p)
	})
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

// createPending stores the brief and the photos before anything can fail:
// every post of the request gets its own copy of each photo, all posts and
// files or none.
func createPending(app core.App, biz *core.Record, brief string, count int, photos []photo.Photo) ([]*core.Record, error) {
	collection, err := app.FindCachedCollectionByNameOrId(post.Collection)
	if err != nil {
		return nil, fmt.Errorf("find posts collection: %w", err)
	}
	posts := make([]*core.Record, 0, count)
	for range count {
		p := core.NewRecord(collection)
		p.Set("business", biz.Id)
		p.Set("brief", brief)
		p.Set("status", post.StatusGenerating)
		p.Set("hashtags", []string{})
		p.Set("checks", []any{})
		files := make([]any, 0, len(photos))
		for _, ph := range photos {
			f, err := post.PhotoFile(ph)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
		p.Set(post.PhotosField, files)
		posts = append(posts, p)
	}
	return posts, saveAll(app, posts)
}

// recentPost is what generation needs from a business's latest posts.
type recentPost struct {
	Role string `db:"role"`
	Hook string `db:"hook"`
}

// recentPosts returns the role and hook of the business's latest ready
// posts, newest first, leaving out exceptID (the post being retried). A
// plain query: hydrating full records costs more than the rest of the route.
func recentPosts(app core.App, businessID, exceptID string) ([]recentPost, error) {
	var rows []recentPost
	err := app.DB().Select("role", "hook").From(post.Collection).
		Where(dbx.HashExp{"business": businessID, "status": post.StatusReady}).
		AndWhere(dbx.Not(dbx.HashExp{"id": exceptID})).
		OrderBy("created DESC").
		Limit(recentPostsForContext).
		All(&rows)
	if err != nil {
		return nil, fmt.Errorf("recent posts of %s: %w", businessID, err)
	}
	return rows, nil
}

func recentRoles(posts []recentPost) []content.Role {
	roles := make([]content.Role, 0, len(posts))
	for _, p := range posts {
		roles = append(roles, content.Role(p.Role))
	}
	return roles
}

func recentHooks(posts []recentPost) []string {
	hooks := make([]string, 0, len(posts))
	for _, p := range posts {
		if hook := strings.TrimSpace(p.Hook); hook != "" {
			hooks = append(hooks, hook)
		}
	}
	return hooks
}

// FailInterrupted marks posts left "generating" by a previous process (a
// crash or kill mid-generation) as failed, so the operator can retry them.
func FailInterrupted(app core.App) error {
	_, err := app.DB().NewQuery(
		"UPDATE posts SET status = 'failed', error = {:error} WHERE status = 'generating'",
	).Bind(dbx.Params{"error": "A geração foi interrompida. Tente de novo."}).Execute()
	return err
}
