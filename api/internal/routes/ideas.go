package routes

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/api/internal/budget"
	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/idea"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/eval/content"
)

type ideasForm struct {
	OccasionID string `json:"occasion_id"`
	Date       string `json:"date"`
}

type ideasResponse struct {
	Ideas []*core.Record `json:"ideas"`
}

// ideas answers POST /api/rekan/businesses/{id}/ideas
// {"occasion_id","date"}: the LLM's ideas for that client and date,
// stored so the operator can come back to them. LLM failures answer like
// generation's (classify), with nothing stored.
func (h *handler) ideas(e *core.RequestEvent) error {
	biz, err := findOwnedBusiness(e.App, e.Request.PathValue("id"), e.Auth.Id)
	if err != nil {
		return e.NotFoundError(msgBusinessNotFound, nil)
	}
	body, err := io.ReadAll(http.MaxBytesReader(e.Response, e.Request.Body, maxBodyBytes))
	if err != nil {
		return bodyError(e, err)
	}
	var form ideasForm
	if err := json.Unmarshal(body, &form); err != nil || !utf8.Valid(body) {
		return e.BadRequestError("JSON inválido no corpo da requisição.", nil)
	}
	today := h.today()
	occasion, date, errs := validateIdeas(form, biz, today)
	if len(errs) > 0 {
		return e.BadRequestError(msgInvalidData, errs)
	}
	if err := h.spend(e, budget.KindIdeas, 1); err != nil {
		return err
	}

	recent, err := post.RecentOf(e.App, biz.Id, "")
	if err != nil {
		return e.InternalServerError(msgRecentPosts, err)
	}
	profile := business.Profile(biz)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(e.Request.Context()), h.deps.Timeout)
	defer cancel()
	result, err := h.deps.Content.SuggestIdeas(ctx, content.IdeasRequest{
		Business:    profile,
		Occasion:    content.Occasion{Name: occasion.Name, Date: date.String(), StartBy: date.AddDays(-occasion.Lead(business.Tags(biz))).String(), Angle: occasion.Angle},
		Today:       today.String(),
		RecentHooks: recent.Hooks,
	})
	if err != nil {
		f := classify(err)
		h.deps.Logger.Warn("idea suggestion failed", "code", f.code, "occasion", occasion.ID, "error", err)
		return &router.ApiError{Status: f.status, Message: f.message, Data: map[string]any{"code": f.code}}
	}
	records, err := idea.Save(e.App, biz.Id, occasion.ID, date, result.Ideas, result.Model)
	if err != nil {
		return e.InternalServerError("Não foi possível guardar as ideias.", err)
	}
	return e.JSON(http.StatusOK, ideasResponse{Ideas: records})
}

// validateIdeas checks that the occasion exists, fits the client and
// falls on date, and that the date has not passed.
func validateIdeas(form ideasForm, biz *core.Record, today calendar.Date) (*calendar.Occasion, calendar.Date, validation.Errors) {
	errs := validation.Errors{}
	occasion, ok := calendar.Default.Occasion(form.OccasionID)
	if !ok || !occasion.Fits(businessFilter(biz)) {
		errs["occasion_id"] = validation.NewError("validation_invalid_occasion", msgOccasion)
	}
	date := occasionDate(errs, occasion, ok, form.Date, today)
	return occasion, date, errs
}

// occasionDate parses raw as the date occasion falls on, not passed,
// adding what is wrong to errs (known: the occasion exists).
func occasionDate(errs validation.Errors, occasion *calendar.Occasion, known bool, raw string, today calendar.Date) calendar.Date {
	date, err := calendar.ParseDate(raw)
	switch {
	case err != nil:
		errs["date"] = validation.NewError("validation_invalid_date", "Data inválida: use AAAA-MM-DD.")
	case date.Before(today):
		errs["date"] = validation.NewError("validation_date_passed", "Essa data já passou.")
	case known:
		if on, occurs := occasion.On(date.Year); !occurs || on != date {
			errs["date"] = validation.NewError("validation_invalid_date", "Essa data não é a de "+occasion.Name+" neste ano.")
		}
	}
	return date
}

// businessFilter is what the calendar needs to know of a client to say
// which dates fit it.
func businessFilter(biz *core.Record) calendar.Filter {
	return calendar.Filter{Tags: business.Tags(biz), State: biz.GetString("state")}
}

// promptOccasion is o as the prompts see it: its next date from today
// (today included) and when content for it should start.
func promptOccasion(o *calendar.Occasion, biz *core.Record, today calendar.Date) *content.Occasion {
	date, ok := o.On(today.Year)
	if !ok || date.Before(today) {
		if next, found := o.On(today.Year + 1); found {
			date = next
		}
	}
	startBy := date.AddDays(-o.Lead(business.Tags(biz)))
	return &content.Occasion{Name: o.Name, Date: date.String(), StartBy: startBy.String(), Angle: o.Angle}
}
