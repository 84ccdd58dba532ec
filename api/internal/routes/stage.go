package routes

import (
	"errors"
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/post"
)

// stageForm is the body of posts/{id}:stage.
type stageForm struct {
	To   string `json:"to"`
	Note string `json:"note"`
}

const msgStageRequired = "Escolha a etapa."

func (f stageForm) validate() error {
	return validation.ValidateStruct(&f,
		validation.Field(&f.To,
			validation.Required.Error(msgStageRequired),
			validation.In(anySlice(post.Stages)...).Error(post.MsgStageUnknown)),
		validation.Field(&f.Note, validation.RuneLength(0, post.MaxNoteRunes).Error(post.MsgNoteTooLong)),
	)
}

func anySlice(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

type postResponse struct {
	Post *core.Record `json:"post"`
}

// stage moves a post to another stage on the operator's behalf; the rules
// are package post's (post.MoveStage).
func (h *handler) stage(e *core.RequestEvent, id string) error {
	if _, _, err := findOwnedPost(e.App, id, e.Auth.Id); err != nil {
		return e.NotFoundError(msgPostNotFound, nil)
	}
	var form stageForm
	if err := e.BindBody(&form); err != nil {
		return e.BadRequestError("JSON inválido no corpo da requisição.", nil)
	}
	if err := form.validate(); err != nil {
		return e.BadRequestError(msgInvalidData, err)
	}
	return h.moved(e, id, post.MoveStage(e.App, id, form.To, post.Operator(e.Auth.Email()), form.Note))
}

// undo reverses the operator's own last stage move of a post.
func (h *handler) undo(e *core.RequestEvent, id string) error {
	if _, _, err := findOwnedPost(e.App, id, e.Auth.Id); err != nil {
		return e.NotFoundError(msgPostNotFound, nil)
	}
	return h.moved(e, id, post.Undo(e.App, id, post.Operator(e.Auth.Email())))
}

// moved answers a stage move: the post as it is now, a refusal as a 400
// with the rule's Portuguese message.
func (h *handler) moved(e *core.RequestEvent, id string, err error) error {
	var refused *post.RefusedError
	switch {
	case errors.As(err, &refused):
		return e.BadRequestError(refused.Message, validation.Errors{
			"to": validation.NewError("validation_stage_refused", refused.Message),
		})
	case errors.Is(err, post.ErrNotFound):
		return e.NotFoundError(msgPostNotFound, nil)
	case err != nil:
		return e.InternalServerError("Não foi possível mudar a etapa do post.", err)
	}
	p, err := e.App.FindRecordById(post.Collection, id)
	if err != nil {
		return e.NotFoundError(msgPostNotFound, nil)
	}
	// As the records API answers it (post.UndoableField included).
	if err := apis.EnrichRecord(e, p); err != nil {
		return e.InternalServerError("Não foi possível ler o post.", err)
	}
	return e.JSON(http.StatusOK, postResponse{Post: p})
}
