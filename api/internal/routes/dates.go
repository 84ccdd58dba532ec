package routes

import (
	"net/http"
	"strconv"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/agenda"
	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/calendar"
)

const (
	defaultDateWindow = 60
	maxDateWindow     = 366
)

type datesResponse struct {
	Today calendar.Date  `json:"today"`
	Days  int            `json:"days"`
	Tags  []string       `json:"tags"`
	Dates []agenda.Entry `json:"dates"`
	Plan  agenda.Plan    `json:"plan"`
}

// dates answers GET /api/rekan/businesses/{id}/dates?days=N: the
// calendar's dates fitting the client (its segment tags and state) in the
// next N days, each with when to start and whether something is planned.
func (h *handler) dates(e *core.RequestEvent) error {
	biz, err := findOwnedBusiness(e.App, e.Request.PathValue("id"), e.Auth.Id)
	if err != nil {
		return e.NotFoundError(msgBusinessNotFound, nil)
	}
	days := defaultDateWindow
	if raw := e.Request.URL.Query().Get("days"); raw != "" {
		days, err = strconv.Atoi(raw)
		if err != nil || days < 1 || days > maxDateWindow {
			return e.BadRequestError(msgInvalidData, validation.Errors{
				"days": validation.NewError("validation_invalid_days", "O período deve ser um número inteiro de 1 a 366 dias."),
			})
		}
	}

	today := h.today()
	entries, err := agenda.Upcoming(e.App, biz, today, days)
	if err != nil {
		return e.InternalServerError("Não foi possível ler o que já está planejado.", err)
	}
	plan, err := agenda.MonthPlan(e.App, biz, today)
	if err != nil {
		return e.InternalServerError("Não foi possível ler o que já está planejado.", err)
	}
	return e.JSON(http.StatusOK, datesResponse{Today: today, Days: days, Tags: business.Tags(biz), Dates: entries, Plan: plan})
}

// today is the calendar date of the server's clock.
func (h *handler) today() calendar.Date {
	if h.deps.Today != nil {
		return h.deps.Today()
	}
	return calendar.DateOf(time.Now(), calendar.SaoPaulo)
}

type segmentTag struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

type segmentTagsResponse struct {
	Tags      []segmentTag `json:"tags"`
	Suggested []string     `json:"suggested"`
}

// segmentTags answers GET /api/rekan/segment-tags?segment=…: every tag the
// calendar knows with its Portuguese label, and the ones it would derive
// from that segment text, for the profile form.
func (h *handler) segmentTags(e *core.RequestEvent) error {
	known := calendar.Default.Tags()
	tags := make([]segmentTag, len(known))
	for i, t := range known {
		tags[i] = segmentTag{ID: t, Label: calendar.Default.TagLabel(t)}
	}
	suggested := calendar.Default.SegmentTags(e.Request.URL.Query().Get("segment"))
	if suggested == nil {
		suggested = []string{}
	}
	return e.JSON(http.StatusOK, segmentTagsResponse{Tags: tags, Suggested: suggested})
}
