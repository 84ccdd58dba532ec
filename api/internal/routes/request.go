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

	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/clock"
	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/security"
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
	// Occasion (a calendar occasion id) and PublishOn (YYYY-MM-DD), both
	// optional: an idea turned into a generation carries them.
	Occasion  string
	PublishOn string
}

var (
	msgInvalidData = "Dados inválidos."
	msgBriefType   = "O pedido deve ser um texto."
	msgBriefEmpty  = "Escreva o pedido do post."
	msgBriefLong   = fmt.Sprintf("O pedido pode ter no máximo %d caracteres.", content.MaxBriefRunes)
	msgCount       = fmt.Sprintf("A quantidade deve ser um número inteiro de %d a %d.", content.MinPostsPerRequest, content.MaxPostsPerRequest)
	msgTypesTwice  = "Cada post de um pedido precisa de um tipo diferente."
	msgPlanType    = "A data e a ocasião devem ser textos."
	msgOccasion    = "Escolha uma data do calendário deste cliente."
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
	// encoding/json would turn invalid UTF-8, and an escaped lone surrogate
	// ("\ud800"), into U+FFFD and call it a brief.
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil || !utf8.Valid(body) || security.HasLoneSurrogateEscape(body) {
		return generateForm{}, e.BadRequestError(security.MsgInvalidJSON, nil)
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
	for name, dst := range map[string]*string{"occasion": &form.Occasion, "publish_on": &form.PublishOn} {
		if raw, ok := fields[name]; ok && !isNull(raw) {
			if err := json.Unmarshal(raw, dst); err != nil {
				errs[name] = validation.NewError("validation_invalid_type", msgPlanType)
			}
		}
	}
	if len(errs) > 0 {
		return generateForm{}, e.BadRequestError(msgInvalidData, errs)
	}
	return form, nil
}

// validatePlan checks the optional occasion (an occasion of the calendar
// that fits the client's tags and state) and publish date (a real
// YYYY-MM-DD, as a post's publish_on), returning the occasion found.
func (f *generateForm) validatePlan(biz *core.Record) (*calendar.Occasion, error) {
	f.Occasion, f.PublishOn = strings.TrimSpace(f.Occasion), strings.TrimSpace(f.PublishOn)
	errs := validation.Errors{}
	var occasion *calendar.Occasion
	if f.Occasion != "" {
		o, ok := calendar.Default.Occasion(f.Occasion)
		if !ok || !o.Fits(businessFilter(biz)) {
			errs["occasion"] = validation.NewError("validation_invalid_occasion", msgOccasion)
		}
		occasion = o
	}
	if f.PublishOn != "" && !clock.ValidDate(f.PublishOn) {
		errs["publish_on"] = validation.NewError("validation_invalid_date", post.MsgInvalidDate)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return occasion, nil
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
