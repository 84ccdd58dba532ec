package routes

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/api/internal/errcode"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/text"
)

const (
	msgClaimNotFlagged = "Esta afirmação não está entre as apontadas pela checagem deste post."
	msgFactsFull       = "O perfil já tem o máximo de diferenciais: remova um antes de adicionar outro."
	maxClaimBodyBytes  = 4 << 10
)

// confirmClaim handles POST /api/rekan/posts/{id}/confirmed-claims
// {"claim": "…", "add_to_facts": bool}: the operator says the client
// confirmed a claim the checks flagged. It is stored on the post, the
// checks run again, and with add_to_facts it joins the profile's facts.
func (h *handler) confirmClaim(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	if _, _, err := findOwnedPost(e.App, id, e.Auth.Id); err != nil {
		return e.NotFoundError(msgPostNotFound, nil)
	}
	var body struct {
		Claim      string `json:"claim"`
		AddToFacts bool   `json:"add_to_facts"`
	}
	raw, err := io.ReadAll(http.MaxBytesReader(e.Response, e.Request.Body, maxClaimBodyBytes))
	if err != nil || !utf8.Valid(raw) || json.Unmarshal(raw, &body) != nil {
		return e.BadRequestError("JSON inválido no corpo da requisição.", nil)
	}
	claim := text.Trim(body.Claim)
	if claim == "" || utf8.RuneCountInString(claim) > content.MaxFactRunes {
		return e.BadRequestError(msgInvalidData, validation.Errors{
			"claim": validation.NewError("validation_invalid_claim", "Diga qual afirmação o cliente confirmou."),
		})
	}
	p, err := post.ConfirmClaim(e.App, id, claim, body.AddToFacts)
	switch {
	case errors.Is(err, post.ErrGone):
		return e.NotFoundError(msgPostNotFound, nil)
	case errors.Is(err, post.ErrGenerating):
		return &router.ApiError{Status: http.StatusConflict, Message: post.MsgEditWhileGenerating, Data: map[string]any{"code": errcode.PostGenerating}}
	case errors.Is(err, post.ErrClaimNotFlagged):
		return e.BadRequestError(msgClaimNotFlagged, validation.Errors{"claim": validation.NewError("validation_claim_not_flagged", msgClaimNotFlagged)})
	case errors.Is(err, post.ErrFactsFull):
		return e.BadRequestError(msgFactsFull, validation.Errors{"add_to_facts": validation.NewError("validation_facts_full", msgFactsFull)})
	case err != nil:
		return e.InternalServerError("Não foi possível confirmar a afirmação.", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"post": p})
}
