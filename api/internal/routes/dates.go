package routes

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/agenda"
	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/clock"
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
	days, err := dateWindow(e, defaultDateWindow)
	if err != nil {
		return err
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
	return calendar.DateOf(clock.Now(), clock.Zone())
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

type comingResponse struct {
	Today calendar.Date   `json:"today"`
	Days  int             `json:"days"`
	Dates []agenda.Coming `json:"dates"`
}

// comingDates answers GET /api/rekan/dates?days=N: the dates of the next N
// days across the operator's own clients, each with the clients it fits and
// whether they have something planned.
func (h *handler) comingDates(e *core.RequestEvent) error {
	days, err := dateWindow(e, 30)
	if err != nil {
		return err
	}
	businesses, err := e.App.FindRecordsByFilter(business.Collection, "owner = {:owner}", "name", 0, 0, dbx.Params{"owner": e.Auth.Id})
	if err != nil {
		return e.InternalServerError("Não foi possível ler os clientes.", err)
	}
	today := h.today()
	coming, err := agenda.Across(e.App, businesses, today, days)
	if err != nil {
		return e.InternalServerError("Não foi possível ler o que já está planejado.", err)
	}
	return e.JSON(http.StatusOK, comingResponse{Today: today, Days: days, Dates: coming})
}

// dateWindow reads ?days= (1-366, fallback when absent).
func dateWindow(e *core.RequestEvent, fallback int) (int, error) {
	raw := e.Request.URL.Query().Get("days")
	if raw == "" {
		return fallback, nil
	}
	days, err := strconv.Atoi(raw)
	if err != nil || days < 1 || days > maxDateWindow {
		return 0, e.BadRequestError(msgInvalidData, validation.Errors{
			"days": validation.NewError("validation_invalid_days", "O período deve ser um número inteiro de 1 a 366 dias."),
		})
	}
	return days, nil
}
