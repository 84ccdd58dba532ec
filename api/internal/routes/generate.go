package routes

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/api/internal/budget"
	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/drain"
	"github.com/rekan/rekan/api/internal/errcode"
	"github.com/rekan/rekan/api/internal/live"
	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/text"
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
	occasion, err := form.validatePlan(biz)
	if err != nil {
		return e.BadRequestError(msgInvalidData, err)
	}
	// In flight from here, once the upload is complete: a restart waits
	// for what is stored, not for a client still sending.
	if err := drain.Begin(e); err != nil {
		return err
	}
	if err := h.spend(e, budget.KindGenerate, 1); err != nil {
		return err
	}

	var prompted *content.Occasion
	if occasion != nil {
		prompted = promptOccasion(occasion, biz, h.today())
	}
	pending, req, err := startRequest(e.App, biz, form, prompted)
	if errors.Is(err, errRecentPosts) {
		return e.InternalServerError(msgRecentPosts, err)
	}
	if err != nil {
		return e.InternalServerError(msgRequestNotSaved, err)
	}
	return h.write(e, pending.Posts, pending.Request, req)
}

const msgRequestNotSaved = "Não foi possível guardar o pedido."

var errRecentPosts = errors.New("read recent posts")

// startRequest stores a validated form as a request of biz with its
// pending posts and returns what to ask the Writer: the one path of
// posts:generate and of each batch item.
// occasion is the calendar date the writer is told about (nil: none).
func startRequest(app core.App, biz *core.Record, form generateForm, occasion *content.Occasion) (post.Pending, content.Request, error) {
	recent, err := post.RecentOf(app, biz.Id, "")
	if err != nil {
		return post.Pending{}, content.Request{}, fmt.Errorf("%w: %w", errRecentPosts, err)
	}
	profile := business.Profile(biz)
	roles := planRoles(profile, form.Brief, len(form.Photos), form.Types, recent, form.Count)
	pending, err := post.CreatePending(app, biz.Id, form.Brief, form.Count, form.Types, form.Photos,
		post.Plan{Occasion: form.Occasion, PublishOn: form.PublishOn})
	if err != nil {
		return post.Pending{}, content.Request{}, err
	}
	return pending, content.Request{
		Business:      profile,
		Brief:         form.Brief,
		Roles:         roles,
		PreviousHooks: recent.Hooks,
		Photos:        post.ContentPhotos(form.Photos),
		Occasion:      occasion,
	}, nil
}

// planRoles is the role of each of a request's n posts: the types asked
// for; automático fills the rest by the brief's rules.
func planRoles(profile content.Business, brief string, photos int, types []string, recent post.Recent, n int) []content.Role {
	auto := post.SuggestTypes(brief, photos, offeringNames(profile), recent.Roles, n)
	return post.FillTypes(types, auto.Order, n)
}

// putAction routes PUT /api/rekan/posts/{id}:stage.
func (h *handler) putAction(e *core.RequestEvent) error {
	id, action, ok := strings.Cut(e.Request.PathValue("action"), ":")
	if !ok || id == "" || action != "stage" {
		return e.NotFoundError("", nil)
	}
	return h.stage(e, id)
}

// postAction routes POST /api/rekan/posts/{id}:{action}: retry, undo,
// photos.
func (h *handler) postAction(e *core.RequestEvent) error {
	id, action, ok := strings.Cut(e.Request.PathValue("action"), ":")
	if !ok || id == "" {
		return e.NotFoundError("", nil)
	}
	switch action {
	case "retry":
		return h.retry(e, id)
	case "undo":
		return h.undo(e, id)
	case "revise":
		return h.revise(e, id)
	case "photos":
		return h.addPhotos(e, id)
	}
	return e.NotFoundError("", nil)
}

// retry regenerates one post from its stored brief, keeping its role.
func (h *handler) retry(e *core.RequestEvent, id string) error {
	p, biz, err := findOwnedPost(e.App, id, e.Auth.Id)
	if err != nil {
		return e.NotFoundError(msgPostNotFound, nil)
	}
	if p.GetString("status") == post.StatusGenerating {
		// Before spending: a refused retry costs nothing.
		return &router.ApiError{Status: http.StatusConflict, Message: post.MsgRetryWhileGenerating, Data: map[string]any{"code": errcode.PostGenerating}}
	}
	if err := h.spend(e, budget.KindRetry, 1); err != nil {
		return err
	}
	recent, err := post.RecentOf(e.App, biz.Id, p.Id)
	if err != nil {
		return e.InternalServerError(msgRecentPosts, err)
	}
	role := content.Role(p.GetString("role"))
	if !role.Valid() {
		role = content.PickRoles(recent.Roles, 1)[0]
	}
	req, err := post.RequestOf(e.App, p)
	if err != nil {
		return e.InternalServerError("Não foi possível ler o pedido do post.", err)
	}
	// Read before the post is marked generating: a photo that cannot be
	// read fails the retry without touching the post.
	photos, err := post.ModelPhotos(photo.WithOwner(e.Request.Context(), e.Auth.Id), e.App, p)
	if err != nil {
		return e.InternalServerError("Não foi possível ler as fotos do post.", err)
	}
	p, err = beginRegeneration(e, p.Id)
	if err != nil {
		return err
	}
	again := content.Request{
		Business:      business.Profile(biz),
		Brief:         req.GetString("brief"),
		Roles:         []content.Role{role},
		PreviousHooks: recent.Hooks,
		Photos:        photos,
	}
	again.Occasion = h.requestOccasion(req, biz)
	return h.write(e, []*core.Record{p}, nil, again)
}

// requestOccasion is the occasion a stored request was written for, as the
// prompt sees it now (nil: none): a request written again keeps it.
func (h *handler) requestOccasion(req, biz *core.Record) *content.Occasion {
	if o, ok := calendar.Default.Occasion(req.GetString("occasion")); ok {
		return promptOccasion(o, biz, h.today())
	}
	return nil
}

// write asks the Writer for req (one role per pending post) and stores the
// outcome in posts. It keeps going when the client disconnects: the result
// is stored either way. request is the posts' request record when in hand
// (nil: read it).
func (h *handler) write(e *core.RequestEvent, posts []*core.Record, request *core.Record, req content.Request) error {
	settled, err := h.produce(context.WithoutCancel(e.Request.Context()), e.App, e.Auth.Id, posts, req)
	if err != nil {
		return failResponse(e.App, settled, err, request)
	}
	if len(settled) == 0 {
		return &router.ApiError{Status: http.StatusNotFound, Message: post.MsgDeletedWhileWriting, Data: map[string]any{"code": errcode.PostDeleted}}
	}
	return e.JSON(http.StatusOK, postsResponse{Posts: withRequest(e.App, settled, request)})
}

// writePosts streams the posts when the content side can: the text so far
// goes to the owner's open tabs (package live), never to the database.
func (h *handler) writePosts(ctx context.Context, app core.App, owner string, posts []*core.Record, req content.Request) (content.Result, error) {
	streamer, ok := h.deps.Content.(content.StreamWriter)
	if !ok || owner == "" {
		return h.deps.Content.WritePosts(ctx, req)
	}
	businessID := posts[0].GetString("business")
	return streamer.StreamPosts(ctx, req, func(partial []content.PartialPost) {
		if err := live.Publish(app, businessID, owner, livePosts(posts, partial)); err != nil {
			h.deps.Logger.Warn("publish partial posts", "error", err)
		}
	})
}

// livePost is a post being written, as the web app merges it into the
// card of the stored (generating) post with that id.
type livePost struct {
	ID string `json:"id"`
	content.PartialPost
}

func livePosts(posts []*core.Record, partial []content.PartialPost) map[string]any {
	out := make([]livePost, 0, len(posts))
	for i, p := range partial {
		if i == len(posts) {
			break
		}
		out = append(out, livePost{ID: posts[i].Id, PartialPost: p})
	}
	return map[string]any{"posts": out}
}

// withRequest expands each post's request (brief, photos), as the web app
// lists posts with ?expand=request. known is their request when in hand
// (nil: none): it is used as it is when its row is unchanged since it was
// saved (post.Unchanged), sparing a record load per answer.
func withRequest(app core.App, posts []*core.Record, known *core.Record) []*core.Record {
	expandRequest(app, posts, known)
	// As the records API answers them (post.UndoableField).
	for _, p := range posts {
		if err := post.SetUndoable(app, p); err != nil {
			app.Logger().Warn("undoable post", "post", p.Id, "error", err)
		}
	}
	return posts
}

func expandRequest(app core.App, posts []*core.Record, known *core.Record) {
	if known != nil && ofRequest(posts, known.Id) {
		unchanged, err := post.Unchanged(app, known)
		if err != nil {
			app.Logger().Warn("look up request", "request", known.Id, "error", err)
		}
		if unchanged {
			for _, p := range posts {
				p.SetExpand(map[string]any{"request": known})
			}
			return
		}
	}
	if errs := app.ExpandRecords(posts, []string{"request"}, nil); len(errs) > 0 {
		for path, err := range errs {
			app.Logger().Warn("expand posts", "path", path, "error", err)
		}
	}
}

func ofRequest(posts []*core.Record, request string) bool {
	for _, p := range posts {
		if p.GetString("request") != request {
			return false
		}
	}
	return true
}

// withRole gives a post the type it was asked to be: the checks judge it
// by that, whatever the model reports.
func withRole(generated content.Post, requested content.Role) content.Post {
	generated.Role = requested
	return generated
}

// MsgNotConfigured answers a generation on an instance without an AI
// provider key.
const MsgNotConfigured = "A geração de posts ainda não foi ativada neste servidor. " +
	"Peça a quem instalou e administra o Rekan para você configurar a chave do provedor de IA; " +
	"seus clientes e pedidos ficam guardados até lá."

func offeringNames(b content.Business) []string {
	names := make([]string, 0, len(b.Services))
	for _, o := range b.Services {
		names = append(names, o.Name)
	}
	return names
}

// suggestTypes shows the operator, before generating, what automático
// would pick for a brief and why: GET …/types:suggest?brief=…&count=…&photos=….
func (h *handler) suggestTypes(e *core.RequestEvent) error {
	biz, err := findOwnedBusiness(e.App, e.Request.PathValue("id"), e.Auth.Id)
	if err != nil {
		return e.NotFoundError(msgBusinessNotFound, nil)
	}
	q := e.Request.URL.Query()
	form := struct {
		Brief         string
		Count, Photos int
	}{Brief: q.Get("brief"), Count: 1}
	if raw := q.Get("count"); raw != "" {
		if form.Count, err = strconv.Atoi(raw); err != nil {
			form.Count = 0
		}
	}
	if form.Count < content.MinPostsPerRequest || form.Count > content.MaxPostsPerRequest {
		return e.BadRequestError(msgInvalidData, validation.Errors{"count": validation.NewError("validation_invalid_count", msgCount)})
	}
	form.Photos, _ = strconv.Atoi(q.Get("photos"))
	recent, err := post.RecentOf(e.App, biz.Id, "")
	if err != nil {
		return e.InternalServerError(msgRecentPosts, err)
	}
	return e.JSON(http.StatusOK, post.SuggestTypes(text.Trim(form.Brief), form.Photos, offeringNames(business.Profile(biz)), recent.Roles, form.Count))
}

// failure is how a Writer error reaches the operator.
type failure struct {
	status  int
	code    string
	message string
	// class names the cause for the server's log (the sentinel error).
	class string
}

func classify(err error) failure {
	switch {
	case errors.Is(err, content.ErrNotConfigured):
		// Operators cannot set server variables and may not know what an LLM
		// is: say what is missing in their words and whom to ask; the log
		// names REKAN_LLM_API_KEY for the administrator.
		return failure{http.StatusServiceUnavailable, errcode.LLMNotConfigured, MsgNotConfigured, "not_configured"}
	case errors.Is(err, content.ErrRuntimeUnavailable):
		return failure{http.StatusServiceUnavailable, errcode.LLMUnavailable,
			"O gerador de conteúdo está indisponível agora. Tente de novo em alguns segundos.", "runtime_unavailable"}
	case errors.Is(err, content.ErrInvalidOutput):
		return failure{http.StatusBadGateway, errcode.LLMFailed,
			"A IA respondeu num formato inesperado. Tente de novo.", "invalid_output"}
	case errors.Is(err, content.ErrInvalidRequest):
		// Our own bug (the route validated the input): say so, don't blame the AI.
		return failure{http.StatusInternalServerError, errcode.InternalError,
			"Erro interno ao preparar o pedido. Tente de novo; se persistir, avise o suporte.", "invalid_request"}
	case errors.Is(err, context.DeadlineExceeded):
		return failure{http.StatusBadGateway, errcode.LLMFailed,
			"A IA demorou demais para responder. Tente de novo.", "timeout"}
	default:
		return failure{http.StatusBadGateway, errcode.LLMFailed,
			"O provedor de IA falhou. Tente de novo em instantes.", "provider"}
	}
}

// fail marks the posts failed (brief kept) and answers with PocketBase's
// error shape plus the failed posts, so the UI can offer a retry.
func (h *handler) fail(e *core.RequestEvent, posts []*core.Record, cause error) error {
	return failResponse(e.App, h.markFailed(e.App, posts, cause), cause, nil)
}

// failResponse is the error answer of a failed generation (request: the
// posts' request when in hand, nil: read it).
func failResponse(app core.App, settled []*core.Record, cause error, request *core.Record) error {
	f := classify(cause)
	return &router.ApiError{
		Status:  f.status,
		Message: f.message,
		Data:    map[string]any{"code": f.code, "posts": withRequest(app, settled, request)},
	}
}

// markFailed logs a generation's failure and stores it on its posts.
func (h *handler) markFailed(app core.App, posts []*core.Record, cause error) []*core.Record {
	f := classify(cause)
	ids := make([]string, len(posts))
	for i, p := range posts {
		ids[i] = p.Id
	}
	h.deps.Logger.Warn("post generation failed", "posts", strings.Join(ids, ","), "class", f.class, "code", f.code, "error", cause)
	settled, err := post.Fail(app, posts, f.message)
	if err != nil {
		h.deps.Logger.Error("could not mark posts failed", "error", err)
		settled = posts
	}
	return settled
}

// produce asks the Writer for req (one role per pending post) and stores
// the outcome in posts: the generated posts, or the failure (then err is
// the Writer's or the store's, for classify, and the posts are failed).
// owner is the operator who follows the posts being written (the
// business's owner: only they may subscribe to its live topic); empty
// (a batch item, whose progress is the batch record) does not stream.
func (h *handler) produce(ctx context.Context, app core.App, owner string, posts []*core.Record, req content.Request) ([]*core.Record, error) {
	ctx, cancel := context.WithTimeout(ctx, h.deps.Timeout)
	defer cancel()

	result, err := h.writePosts(ctx, app, owner, posts, req)
	if err == nil && len(result.Posts) < len(posts) {
		err = fmt.Errorf("writer returned %d of %d posts: %w", len(result.Posts), len(posts), content.ErrInvalidOutput)
	}
	if err != nil {
		return h.markFailed(app, posts, err), err
	}

	generated := make([]content.Post, len(posts))
	for i := range posts {
		generated[i] = withRole(result.Posts[i], req.Roles[i])
	}
	checked := checks.RunRequest(checks.Context{Business: req.Business, Brief: req.Brief, PreviousHooks: req.PreviousHooks}, generated)
	settled, err := post.Complete(app, posts, generated, result.Model, checked)
	if err != nil {
		err = fmt.Errorf("store generated posts: %w", err)
		return h.markFailed(app, posts, err), err
	}
	return settled, nil
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

// beginRegeneration marks a stored post generating (retry, revision): a
// post deleted meanwhile is a 404, one already generating a 409.
func beginRegeneration(e *core.RequestEvent, id string) (*core.Record, error) {
	p, err := post.BeginRetry(e.App, id)
	if errors.Is(err, post.ErrGone) {
		return nil, e.NotFoundError(msgPostNotFound, nil)
	}
	if errors.Is(err, post.ErrGenerating) {
		return nil, &router.ApiError{Status: http.StatusConflict, Message: post.MsgRetryWhileGenerating, Data: map[string]any{"code": errcode.PostGenerating}}
	}
	if err != nil {
		return nil, e.InternalServerError("Não foi possível atualizar o post.", err)
	}
	return p, nil
}
