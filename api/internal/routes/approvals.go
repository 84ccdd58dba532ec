package routes

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/approval"
	"github.com/rekan/rekan/api/internal/clock"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/text"
)

// ApprovalHeader carries the client's token: never the URL, which access
// logs and Referer headers keep.
const ApprovalHeader = "X-Rekan-Approval"

// maxApprovalBody bounds the JSON bodies of the approval routes.
const maxApprovalBody = 16 << 10

// msgApprovalNotFound is the one answer to every token that opens nothing:
// unknown, expired and revoked alike.
const msgApprovalNotFound = "Link de aprovação inválido ou expirado. Peça um novo link a quem enviou."

var (
	msgApprovalPosts    = fmt.Sprintf("Escolha de 1 a %d posts prontos deste cliente.", content.MaxPostsPerApproval)
	msgApprovalNotReady = "Só posts prontos (nem publicados nem arquivados) podem ir para aprovação."
	msgDecision         = "Escolha aprovar ou pedir ajuste."
	msgNoteRequired     = "Conte o que precisa mudar."
	msgNoteLong         = fmt.Sprintf("A mensagem pode ter no máximo %d caracteres.", content.MaxApprovalNoteRunes)
	msgNameLong         = fmt.Sprintf("O nome pode ter no máximo %d caracteres.", content.MaxApproverNameRunes)
	msgPostNotInLink    = "Este post não faz parte deste link."
	msgPostClosed       = "Este post já foi publicado; não dá mais para mudar a decisão."
)

type createApprovalResponse struct {
	Approval approval.ApprovalInfo `json:"approval"`
	// Token is shown once: only its hash is stored.
	Token string `json:"token"`
	// Path is the client's page, the token in its fragment.
	Path string `json:"path"`
}

// createApproval sends ready posts of one business to its owner.
func (h *handler) createApproval(e *core.RequestEvent) error {
	var body struct {
		Business string   `json:"business"`
		Posts    []string `json:"posts"`
	}
	if err := readJSON(e, &body); err != nil {
		return err
	}
	biz, err := findOwnedBusiness(e.App, body.Business, e.Auth.Id)
	if err != nil {
		return e.NotFoundError(msgBusinessNotFound, nil)
	}
	if len(body.Posts) == 0 || len(body.Posts) > content.MaxPostsPerApproval {
		return e.BadRequestError(msgInvalidData, validation.Errors{"posts": validation.NewError("validation_invalid_posts", msgApprovalPosts)})
	}
	ids := uniq(body.Posts)
	for _, id := range ids {
		p, err := e.App.FindRecordById(post.Collection, id)
		if err != nil || p.GetString("business") != biz.Id {
			return e.NotFoundError(msgPostNotFound, nil)
		}
		if !approval.Shareable(p) {
			return e.BadRequestError(msgApprovalNotReady, validation.Errors{"posts": validation.NewError("validation_post_not_ready", msgApprovalNotReady)})
		}
	}
	return h.issue(e, biz.Id, ids)
}

// issue creates an approval of ids and answers with its one-time token.
func (h *handler) issue(e *core.RequestEvent, businessID string, ids []string) error {
	now := clock.Now()
	a, token, err := approval.Create(e.App, businessID, e.Auth.Id, ids, h.deps.ApprovalTTL, now)
	if err != nil {
		return e.InternalServerError("Não foi possível criar o link de aprovação.", err)
	}
	return e.JSON(http.StatusCreated, createApprovalResponse{
		Approval: approval.ApprovalInfo{ID: a.Id, Posts: ids, Created: a.GetDateTime("created").String(), Expires: a.GetDateTime("expires").String(), Live: true},
		Token:    token,
		Path:     "/aprovar#" + token,
	})
}

// businessApprovals is where a business's posts stand with the client.
func (h *handler) businessApprovals(e *core.RequestEvent) error {
	biz, err := findOwnedBusiness(e.App, e.Request.PathValue("id"), e.Auth.Id)
	if err != nil {
		return e.NotFoundError(msgBusinessNotFound, nil)
	}
	overview, err := approval.BusinessOverview(e.App, biz.Id, clock.Now())
	if err != nil {
		return e.InternalServerError("Não foi possível ler as aprovações.", err)
	}
	return e.JSON(http.StatusOK, overview)
}

type approvalCounts struct {
	Waiting int `json:"waiting"`
	Changes int `json:"changes"`
}

// approvalSummary counts, per business of the operator, the posts waiting
// for the client and those the client wants changed (the clients list).
func (h *handler) approvalSummary(e *core.RequestEvent) error {
	businesses, err := e.App.FindAllRecords("businesses", nil)
	if err != nil {
		return e.InternalServerError("Não foi possível ler os clientes.", err)
	}
	now := clock.Now()
	out := map[string]approvalCounts{}
	for _, b := range businesses {
		if b.GetString("owner") != e.Auth.Id {
			continue
		}
		overview, err := approval.BusinessOverview(e.App, b.Id, now)
		if err != nil {
			return e.InternalServerError("Não foi possível ler as aprovações.", err)
		}
		var c approvalCounts
		for _, st := range overview.Posts {
			switch st.State {
			case approval.StateWaiting, approval.StateEdited:
				c.Waiting++
			case approval.StateChanges:
				c.Changes++
			}
		}
		out[b.Id] = c
	}
	return e.JSON(http.StatusOK, map[string]any{"businesses": out})
}

// approvalAction routes POST /api/rekan/approvals/{id}:revoke and :remind.
func (h *handler) approvalAction(e *core.RequestEvent) error {
	id, action, _ := strings.Cut(e.Request.PathValue("action"), ":")
	a, err := e.App.FindRecordById(approval.Collection, id)
	if err != nil {
		return e.NotFoundError("Aprovação não encontrada.", nil)
	}
	if _, err := findOwnedBusiness(e.App, a.GetString("business"), e.Auth.Id); err != nil {
		return e.NotFoundError("Aprovação não encontrada.", nil)
	}
	switch action {
	case "revoke":
		if err := approval.Revoke(e.App, a, clock.Now()); err != nil {
			return e.InternalServerError("Não foi possível cancelar o link.", err)
		}
		return e.NoContent(http.StatusNoContent)
	case "remind":
		// A fresh link for what still waits: the old token cannot be shown
		// again (only its hash exists), and it keeps working.
		waiting, err := approval.Waiting(e.App, a)
		if err != nil {
			return e.InternalServerError("Não foi possível ler os posts.", err)
		}
		if len(waiting) == 0 {
			return e.BadRequestError("Nenhum post deste link espera resposta do cliente.", nil)
		}
		return h.issue(e, a.GetString("business"), waiting)
	default:
		return e.NotFoundError("", nil)
	}
}

// findLiveApproval is the guard of every public route: the token in the
// header must open a live approval. Every failure gets the same 404, and a
// failed lookup is logged with the client's address (never the token):
// guessing must be loud.
func (h *handler) findLiveApproval(e *core.RequestEvent) (*core.Record, error) {
	a, err := approval.FindLive(e.App, e.Request.Header.Get(ApprovalHeader), clock.Now())
	if errors.Is(err, approval.ErrNotFound) {
		h.deps.Logger.Warn("approval token matched no live approval", "ip", e.RealIP(), "path", e.Request.URL.Path)
		return nil, e.NotFoundError(msgApprovalNotFound, nil)
	}
	if err != nil {
		return nil, e.InternalServerError("", err)
	}
	return a, nil
}

// publicApproval answers the client's page.
func (h *handler) publicApproval(e *core.RequestEvent) error {
	a, err := h.findLiveApproval(e)
	if err != nil {
		return err
	}
	return h.respondView(e, a)
}

func (h *handler) respondView(e *core.RequestEvent, a *core.Record) error {
	view, err := approval.PublicView(e.App, a, h.signer, clock.Now())
	if err != nil {
		return e.InternalServerError("Não foi possível abrir os posts.", err)
	}
	return e.JSON(http.StatusOK, view)
}

type decisionForm struct {
	Post     string `json:"post"`
	Decision string `json:"decision"`
	Note     string `json:"note"`
	Name     string `json:"name"`
}

// validate trims the texts like every text field and checks the decision.
func (f *decisionForm) validate() error {
	f.Note, f.Name = text.Trim(f.Note), text.Trim(f.Name)
	errs := validation.Errors{}
	switch f.Decision {
	case approval.Approved, approval.Changes:
	default:
		errs["decision"] = validation.NewError("validation_invalid_decision", msgDecision)
	}
	switch {
	case f.Decision == approval.Changes && f.Note == "":
		errs["note"] = validation.NewError("validation_required", msgNoteRequired)
	case utf8.RuneCountInString(f.Note) > content.MaxApprovalNoteRunes:
		errs["note"] = validation.NewError("validation_max_text_constraint", msgNoteLong)
	}
	if utf8.RuneCountInString(f.Name) > content.MaxApproverNameRunes {
		errs["name"] = validation.NewError("validation_max_text_constraint", msgNameLong)
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// decide stores the client's decision on one post and answers with the
// page as it is now.
func (h *handler) decide(e *core.RequestEvent) error {
	a, err := h.findLiveApproval(e)
	if err != nil {
		return err
	}
	var form decisionForm
	if err := readJSON(e, &form); err != nil {
		return err
	}
	if err := form.validate(); err != nil {
		return e.BadRequestError(msgInvalidData, err)
	}
	_, err = approval.Decide(e.App, a, form.Post, form.Decision, form.Note, form.Name)
	switch {
	case errors.Is(err, approval.ErrNotInApproval):
		return e.BadRequestError(msgPostNotInLink, validation.Errors{"post": validation.NewError("validation_post_not_in_approval", msgPostNotInLink)})
	case errors.Is(err, approval.ErrClosed):
		return e.Error(http.StatusConflict, msgPostClosed, map[string]any{"code": "post_closed"})
	case err != nil:
		return e.InternalServerError("Não foi possível guardar a decisão. Tente de novo.", err)
	}
	return h.respondView(e, a)
}

// approvalPhoto serves one photo of a live approval's post by its ticket.
func (h *handler) approvalPhoto(e *core.RequestEvent) error {
	p, name, err := h.signer.Open(e.App, e.Request.PathValue("ticket"), clock.Now())
	if err != nil {
		h.deps.Logger.Warn("approval photo ticket refused", "ip", e.RealIP())
		return e.NotFoundError(msgApprovalNotFound, nil)
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return e.InternalServerError("", err)
	}
	defer fsys.Close()
	// Photos are stored once, on the post's request.
	req, err := post.RequestOf(e.App, p)
	if err != nil {
		return e.NotFoundError(msgApprovalNotFound, nil)
	}
	e.Response.Header().Set("Cache-Control", "private, max-age=3600")
	if err := fsys.Serve(e.Response, e.Request, req.BaseFilesPath()+"/"+name, name); err != nil {
		return e.NotFoundError(msgApprovalNotFound, nil)
	}
	return nil
}

// readJSON decodes a small JSON body into dst: a wrong shape is a 400.
func readJSON(e *core.RequestEvent, dst any) error {
	body, err := io.ReadAll(http.MaxBytesReader(e.Response, e.Request.Body, maxApprovalBody))
	if err != nil {
		return bodyError(e, err)
	}
	if !utf8.Valid(body) || json.Unmarshal(body, dst) != nil {
		return e.BadRequestError("JSON inválido no corpo da requisição.", nil)
	}
	return nil
}

func uniq(ids []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
