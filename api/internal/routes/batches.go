package routes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/api/internal/batch"
	"github.com/rekan/rekan/api/internal/budget"
	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/eval/content"
)

// MaxBatchClients bounds one batch: an operator's whole client list.
const MaxBatchClients = 50

const (
	msgBatchNotFound = "Lote não encontrado."
	msgBatchClients  = "Escolha de 1 a 50 clientes seus, sem repetir."
	msgBatchWhat     = "Escreva um pedido ou escolha uma data do calendário."
)

type batchForm struct {
	Clients    []string `json:"clients"`
	Brief      string   `json:"brief"`
	OccasionID string   `json:"occasion_id"`
	Date       string   `json:"date"`
	Count      int      `json:"count"`
}

type batchResponse struct {
	Batch *core.Record `json:"batch"`
}

// createBatch answers POST /api/rekan/batches: one request per client,
// written by the server's worker (one POST, whatever the number of
// clients, so the per-IP limit does not cut a batch short); each client
// spends one generation of the operator's budget, all up front.
func (h *handler) createBatch(e *core.RequestEvent) error {
	if h.deps.Batches == nil {
		return e.NotFoundError("", nil)
	}
	body, err := io.ReadAll(http.MaxBytesReader(e.Response, e.Request.Body, maxBodyBytes))
	if err != nil {
		return bodyError(e, err)
	}
	form := batchForm{Count: 1}
	if err := json.Unmarshal(body, &form); err != nil || !utf8.Valid(body) {
		return e.BadRequestError("JSON inválido no corpo da requisição.", nil)
	}
	clients, errs := h.validateBatch(e.App, e.Auth.Id, &form)
	if len(errs) > 0 {
		return e.BadRequestError(msgInvalidData, errs)
	}
	if err := h.spend(e, budget.KindBatch, len(clients)); err != nil {
		return err
	}
	coll, err := e.App.FindCachedCollectionByNameOrId(batch.Collection)
	if err != nil {
		return e.InternalServerError("", err)
	}
	items := make([]batch.Item, len(clients))
	for i, c := range clients {
		items[i] = batch.Item{Business: c.Id, Name: c.GetString("name"), Status: batch.StatusPending}
	}
	b := core.NewRecord(coll)
	b.Set("operator", e.Auth.Id)
	b.Set("brief", form.Brief)
	b.Set("occasion", form.OccasionID)
	b.Set("date", form.Date)
	b.Set("count", form.Count)
	b.Set("items", items)
	b.Set("status", batch.StatusRunning)
	if err := e.App.Save(b); err != nil {
		return e.InternalServerError("Não foi possível guardar o lote.", err)
	}
	h.deps.Batches.Kick()
	return e.JSON(http.StatusCreated, batchResponse{Batch: b})
}

// validateBatch checks the form and returns the operator's clients in the
// order given. The brief is checked by generation's own rule once the
// occasion's brief is filled in (runBatchItem).
func (h *handler) validateBatch(app core.App, operator string, form *batchForm) ([]*core.Record, validation.Errors) {
	errs := validation.Errors{}
	seen := map[string]bool{}
	clients := make([]*core.Record, 0, len(form.Clients))
	for _, id := range form.Clients {
		biz, err := findOwnedBusiness(app, id, operator)
		if err != nil || seen[id] {
			errs["clients"] = validation.NewError("validation_invalid_clients", msgBatchClients)
			break
		}
		seen[id] = true
		clients = append(clients, biz)
	}
	if len(form.Clients) == 0 || len(form.Clients) > MaxBatchClients {
		errs["clients"] = validation.NewError("validation_invalid_clients", msgBatchClients)
	}
	if form.OccasionID == "" && form.Date == "" {
		check := generateForm{Brief: form.Brief, Count: form.Count}
		addErrors(errs, check.validate())
		form.Brief = check.Brief
		if form.Brief == "" {
			errs["brief"] = validation.NewError("validation_required", msgBatchWhat)
		}
		return clients, errs
	}
	occasion, ok := calendar.Default.Occasion(form.OccasionID)
	if !ok {
		errs["occasion_id"] = validation.NewError("validation_invalid_occasion", "Escolha uma data do calendário.")
	} else if unfit := unfitClients(occasion, clients); len(unfit) > 0 && errs["clients"] == nil {
		// The date a client's segments and state do not fit is refused, as
		// posts:generate and ideas refuse it for one client: the operator
		// unticks the client or corrects its segments on the profile.
		errs["clients"] = validation.NewError("validation_occasion_unfit", msgOccasionUnfit(occasion.Name, unfit))
	}
	date := occasionDate(errs, occasion, ok, form.Date, h.today())
	check := generateForm{Brief: occasionBrief(form.Brief, occasion, date), Count: form.Count}
	addErrors(errs, check.validate())
	return clients, errs
}

// unfitClients names the clients occasion does not fit.
func unfitClients(occasion *calendar.Occasion, clients []*core.Record) []string {
	var names []string
	for _, c := range clients {
		if !occasion.Fits(businessFilter(c)) {
			names = append(names, c.GetString("name"))
		}
	}
	return names
}

// msgOccasionUnfit says which clients a date does not fit, and what to do.
func msgOccasionUnfit(occasion string, names []string) string {
	if len(names) == 1 {
		return fmt.Sprintf("%s não é uma data para %s: desmarque o cliente ou corrija os segmentos dele no perfil.", occasion, names[0])
	}
	list := strings.Join(names[:len(names)-1], ", ") + " e " + names[len(names)-1]
	return fmt.Sprintf("%s não é uma data para %s: desmarque esses clientes ou corrija os segmentos deles no perfil.", occasion, list)
}

// addErrors adds a validation's field errors to errs.
func addErrors(errs validation.Errors, err error) {
	var fields validation.Errors
	if errors.As(err, &fields) {
		maps.Copy(errs, fields)
	}
}

// occasionBrief is the brief of a batch for a date: the operator's, or one
// made of the occasion's name, day and angle.
func occasionBrief(brief string, occasion *calendar.Occasion, date calendar.Date) string {
	if strings.TrimSpace(brief) != "" || occasion == nil {
		return brief
	}
	return fmt.Sprintf("Post para %s (%02d/%02d): %s", occasion.Name, date.Day, date.Month, occasion.Angle)
}

// runBatchItem writes one client's request of a batch through
// posts:generate's path, in that client's voice (its own profile and recent
// posts), with the occasion attached when the batch has one.
func (h *handler) runBatchItem(ctx context.Context, app core.App, b *core.Record, it batch.Item, stored func(string)) (string, error) {
	biz, err := findOwnedBusiness(app, it.Business, b.GetString("operator"))
	if err != nil {
		return "", errors.New(msgBusinessNotFound)
	}
	if it.Request != "" {
		// A retry: the item's request (brief, photos, occasion) is written
		// again, so the client's history gets no second request.
		posts, req, err := h.againRequest(ctx, app, biz, it.Request, b.GetString("operator"))
		switch {
		case errors.Is(err, errRequestGone):
			// Deleted by the operator: a new one is written below.
		case err != nil:
			h.deps.Logger.Error("batch item's request not read", "batch", b.Id, "request", it.Request, "error", err)
			return it.Request, errors.New(msgRequestNotSaved)
		case len(posts) == 0:
			// Nothing failed any more (the posts were written or retried
			// one by one meanwhile).
			return it.Request, nil
		default:
			if _, err := h.produce(ctx, app, "", posts, req); err != nil {
				return it.Request, errors.New(classify(err).message)
			}
			return it.Request, nil
		}
	}
	var occasion *calendar.Occasion
	date, _ := calendar.ParseDate(b.GetString("date"))
	if id := b.GetString("occasion"); id != "" {
		occasion, _ = calendar.Default.Occasion(id)
	}
	form := generateForm{Brief: occasionBrief(b.GetString("brief"), occasion, date), Count: max(b.GetInt("count"), 1)}
	if err := form.validate(); err != nil {
		return "", errors.New(msgInvalidData)
	}
	var prompted *content.Occasion
	if occasion != nil {
		form.Occasion = occasion.ID
		prompted = promptOccasion(occasion, biz, h.today())
	}
	pending, req, err := startRequest(app, biz, form, prompted)
	if err != nil {
		h.deps.Logger.Error("batch item not stored", "batch", b.Id, "business", biz.Id, "error", err)
		return "", errors.New(msgRequestNotSaved)
	}
	stored(pending.Request.Id)
	if _, err := h.produce(ctx, app, "", pending.Posts, req); err != nil {
		return pending.Request.Id, errors.New(classify(err).message)
	}
	return pending.Request.Id, nil
}

var errRequestGone = errors.New("request gone")

// againRequest prepares a stored request of biz to be written again: its
// failed posts, marked generating (the ones a post's own retry is writing
// now are left to it), and what to ask the Writer for them: the request's
// brief, photos, types and occasion, as posts:generate asked. None when
// nothing failed; errRequestGone when the request is no longer biz's.
func (h *handler) againRequest(ctx context.Context, app core.App, biz *core.Record, requestID, operator string) ([]*core.Record, content.Request, error) {
	stored, err := app.FindRecordById(post.RequestsCollection, requestID)
	if err != nil || stored.GetString("business") != biz.Id {
		return nil, content.Request{}, errRequestGone
	}
	all, err := app.FindRecordsByFilter(post.Collection, "request = {:request}", "created", 0, 0, dbx.Params{"request": requestID})
	if err != nil {
		return nil, content.Request{}, fmt.Errorf("posts of request %s: %w", requestID, err)
	}
	recent, err := post.RecentOf(app, biz.Id, "")
	if err != nil {
		return nil, content.Request{}, err
	}
	var failed []*core.Record
	for _, p := range all {
		if p.GetString("status") == post.StatusFailed {
			failed = append(failed, p)
		}
	}
	if len(failed) == 0 {
		return nil, content.Request{}, nil
	}
	// Read before the posts are marked generating, as a post's retry does.
	photos, err := post.ModelPhotos(photo.WithOwner(ctx, operator), app, failed[0])
	if err != nil {
		return nil, content.Request{}, err
	}
	profile := business.Profile(biz)
	brief := stored.GetString("brief")
	planned := planRoles(profile, brief, len(photos), stored.GetStringSlice("types"), recent, len(all))
	var posts []*core.Record
	var roles []content.Role
	for i, p := range all {
		if p.GetString("status") != post.StatusFailed {
			continue
		}
		begun, err := post.BeginRetry(app, p.Id)
		if errors.Is(err, post.ErrGone) || errors.Is(err, post.ErrGenerating) {
			continue
		}
		if err != nil {
			return nil, content.Request{}, err
		}
		role := content.Role(p.GetString("role"))
		if !role.Valid() && i < len(planned) {
			role = planned[i]
		}
		if !role.Valid() {
			// More posts than types asked for (an edited request).
			role = content.PickRoles(recent.Roles, 1)[0]
		}
		posts, roles = append(posts, begun), append(roles, role)
	}
	req := content.Request{Business: profile, Brief: brief, Roles: roles, PreviousHooks: recent.Hooks, Photos: photos, Occasion: h.requestOccasion(stored, biz)}
	return posts, req, nil
}

// batchAction routes POST /api/rekan/batches/{id}:retry.
func (h *handler) batchAction(e *core.RequestEvent) error {
	id, action, ok := strings.Cut(e.Request.PathValue("action"), ":")
	if !ok || action != "retry" || h.deps.Batches == nil {
		return e.NotFoundError("", nil)
	}
	b, err := e.App.FindRecordById(batch.Collection, id)
	if err != nil || b.GetString("operator") != e.Auth.Id {
		return e.NotFoundError(msgBatchNotFound, nil)
	}
	failed := batch.Failed(b)
	if failed == 0 {
		return &router.ApiError{Status: http.StatusBadRequest, Message: "Nenhum cliente deste lote falhou.", Data: map[string]any{"code": "nothing_to_retry"}}
	}
	if err := h.spend(e, budget.KindBatch, failed); err != nil {
		return err
	}
	b, _, err = h.deps.Batches.Retry(b.Id)
	if err != nil {
		return e.InternalServerError("Não foi possível atualizar o lote.", err)
	}
	h.deps.Batches.Kick()
	return e.JSON(http.StatusOK, batchResponse{Batch: b})
}
