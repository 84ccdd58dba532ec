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

	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/text"
)

const maxBodyBytes = 64 << 10

// generateForm is the body of posts:generate. Unknown fields are ignored so
// older and newer clients keep working; known fields must have their type.
type generateForm struct {
	Brief string
	Count int
	// Types asked per post ("" = automático for that post); none = all automático.
	Types []string
	// Photos are the accepted uploads of a multipart request, re-encoded.
	Photos []photo.Photo
}

var (
	msgInvalidData = "Dados inválidos."
	msgBriefType   = "O pedido deve ser um texto."
	msgBriefEmpty  = "Escreva o pedido do post."
	msgBriefLong   = fmt.Sprintf("O pedido pode ter no máximo %d caracteres.", content.MaxBriefRunes)
	msgCount       = fmt.Sprintf("A quantidade deve ser um número inteiro de %d a %d.", content.MinPostsPerRequest, content.MaxPostsPerRequest)
	msgTypesTwice  = "Cada post de um pedido precisa de um tipo diferente."
	msgTypes       = "Escolha um tipo por post (ou automático): produto, bastidores, historia, dica, oferta ou comunidade."
)

// bindGenerate decodes the body strictly enough that a wrong type is a 400
// naming the field, never a silent zero value. A multipart body may also
// carry photos (bindGenerateMultipart).
func bindGenerate(e *core.RequestEvent) (generateForm, error) {
	if isMultipart(e.Request) {
		return bindGenerateMultipart(e)
	}
	body, err := io.ReadAll(http.MaxBytesReader(e.Response, e.Request.Body, maxBodyBytes))
	if err != nil {
		// Too large, a broken chunked encoding or a connection cut mid-body.
		return generateForm{}, bodyError(e, err)
	}
	var fields map[string]json.RawMessage
	// encoding/json would turn invalid UTF-8 into U+FFFD and call it a brief.
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil || !utf8.Valid(body) {
		return generateForm{}, e.BadRequestError("JSON inválido no corpo da requisição.", nil)
	}

	form := generateForm{Count: 1}
	errs := validation.Errors{}
	if raw, ok := fields["brief"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &form.Brief); err != nil {
			errs["brief"] = validation.NewError("validation_invalid_type", msgBriefType)
		}
	}
	if raw, ok := fields["count"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &form.Count); err != nil {
			errs["count"] = validation.NewError("validation_invalid_count", msgCount)
		}
	}
	if raw, ok := fields["types"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &form.Types); err != nil {
			errs["types"] = validation.NewError("validation_invalid_types", msgTypes)
		}
	}
	if len(errs) > 0 {
		return generateForm{}, e.BadRequestError(msgInvalidData, errs)
	}
	return form, nil
}

// validate trims the brief and checks both fields.
func (f *generateForm) validate() error {
	f.Brief = text.Trim(f.Brief)
	errs := validation.Errors{}
	switch {
	case f.Brief == "":
		errs["brief"] = validation.NewError("validation_required", msgBriefEmpty)
	case utf8.RuneCountInString(f.Brief) > content.MaxBriefRunes:
		errs["brief"] = validation.NewError("validation_max_text_constraint", msgBriefLong)
	}
	if f.Count < content.MinPostsPerRequest || f.Count > content.MaxPostsPerRequest {
		errs["count"] = validation.NewError("validation_invalid_count", msgCount)
	}
	if len(f.Types) > 0 && len(f.Types) != f.Count {
		errs["types"] = validation.NewError("validation_invalid_types", msgTypes)
	}
	seen := map[string]bool{}
	for _, t := range f.Types {
		if t != "" && !content.Role(t).Valid() {
			errs["types"] = validation.NewError("validation_invalid_types", msgTypes)
		} else if t != "" && seen[t] {
			errs["types"] = validation.NewError("validation_invalid_types", msgTypesTwice)
		}
		seen[t] = true
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	return strings.TrimSpace(string(raw)) == "null"
}

var errNotOwned = errors.New("record missing or owned by someone else")
