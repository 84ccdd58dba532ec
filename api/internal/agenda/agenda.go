// Package agenda answers "what is coming for this client, and is it
// planned": the calendar's dates that fit a business, each with what the
// operator already has for it (posts whose publish date falls in the
// date's lead window, requests whose occasion names it), and the client's
// progress on its monthly plan.
//
// Posts' publish_on and requests' occasion arrive with the generation
// records (issue 18); until those fields exist the lookups find nothing
// rather than fail, so the dates work on their own.
package agenda

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/calendar"
)

const (
	postsCollection    = "posts"
	requestsCollection = "requests"
)

// Entry is one upcoming date for one business.
type Entry struct {
	OccasionID string        `json:"occasion_id"`
	Name       string        `json:"name"`
	Kind       string        `json:"kind"`
	Date       calendar.Date `json:"date"`
	StartBy    calendar.Date `json:"start_by"`
	DaysUntil  int           `json:"days_until"`
	Angle      string        `json:"angle"`
	Source     string        `json:"source"`
	Basis      string        `json:"basis"`
	// Planned: the client already has something for this date.
	Planned  bool     `json:"planned"`
	Posts    []string `json:"posts"`
	Requests []string `json:"requests"`
}

// Plan is the client's monthly plan size and how much of it is scheduled
// (posts whose publish date falls in the month); Target 0 means no plan.
type Plan struct {
	Month     string `json:"month"`
	Target    int    `json:"target"`
	Scheduled int    `json:"scheduled"`
}

// Upcoming lists the dates fitting biz from today to today+days.
func Upcoming(app core.App, biz *core.Record, today calendar.Date, days int) ([]Entry, error) {
	occurrences := calendar.Default.Upcoming(today, days, calendar.Filter{Tags: business.Tags(biz), State: biz.GetString("state")})
	entries := make([]Entry, 0, len(occurrences))
	if len(occurrences) == 0 {
		return entries, nil
	}
	from := occurrences[0].StartBy
	for _, o := range occurrences {
		if o.StartBy.Before(from) {
			from = o.StartBy
		}
	}
	scheduled, err := publishDates(app, biz.Id, from, occurrences[len(occurrences)-1].Date)
	if err != nil {
		return nil, err
	}
	requests, err := occasionRequests(app, biz.Id)
	if err != nil {
		return nil, err
	}
	for _, o := range occurrences {
		e := Entry{
			OccasionID: o.Occasion.ID, Name: o.Occasion.Name, Kind: o.Occasion.Kind,
			Date: o.Date, StartBy: o.StartBy, DaysUntil: today.DaysUntil(o.Date),
			Angle: o.Occasion.Angle, Source: o.Occasion.Source, Basis: o.Occasion.Basis,
			Posts: []string{}, Requests: []string{},
		}
		for _, p := range scheduled {
			if !p.on.Before(o.StartBy) && !o.Date.Before(p.on) {
				e.Posts = append(e.Posts, p.id)
			}
		}
		for _, r := range requests {
			if NamesOccasion(r.occasion, o.Occasion) {
				e.Requests = append(e.Requests, r.id)
			}
		}
		e.Planned = len(e.Posts) > 0 || len(e.Requests) > 0
		entries = append(entries, e)
	}
	return entries, nil
}

// MonthPlan is the client's plan for the month holding today.
func MonthPlan(app core.App, biz *core.Record, today calendar.Date) (Plan, error) {
	first := calendar.Date{Year: today.Year, Month: today.Month, Day: 1}
	// Month 13 is January of the next year for AddDays (time.Date).
	last := calendar.Date{Year: today.Year, Month: today.Month + 1, Day: 1}.AddDays(-1)
	scheduled, err := publishDates(app, biz.Id, first, last)
	if err != nil {
		return Plan{}, err
	}
	return Plan{Month: fmt.Sprintf("%04d-%02d", today.Year, today.Month), Target: biz.GetInt("posts_per_month"), Scheduled: len(scheduled)}, nil
}

// NamesOccasion reports whether a request's occasion text refers to o: its
// id ("dia-das-maes"), or its name anywhere in the text, accents and case
// aside ("Dia das Mães", "dia das maes 2026").
func NamesOccasion(text string, o *calendar.Occasion) bool {
	folded := calendar.Fold(text)
	if folded == "" {
		return false
	}
	return strings.TrimSpace(strings.ToLower(text)) == o.ID || strings.Contains(folded, calendar.Fold(o.Name))
}

type scheduledPost struct {
	id string
	on calendar.Date
}

// publishDates lists the business's posts with a publish date in
// [from, to]. publish_on may be a text YYYY-MM-DD or a PocketBase date
// ("YYYY-MM-DD hh:mm:ss.sssZ"): its first ten characters are the day.
func publishDates(app core.App, businessID string, from, to calendar.Date) ([]scheduledPost, error) {
	if !hasField(app, postsCollection, "publish_on") {
		return nil, nil
	}
	var rows []struct {
		ID        string `db:"id"`
		PublishOn string `db:"publish_on"`
	}
	err := app.DB().Select("id", "substr(publish_on, 1, 10) AS publish_on").From(postsCollection).
		Where(dbx.HashExp{"business": businessID}).
		AndWhere(dbx.NewExp("substr(publish_on, 1, 10) BETWEEN {:from} AND {:to}", dbx.Params{"from": from.String(), "to": to.String()})).
		OrderBy("publish_on").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("scheduled posts of %s: %w", businessID, err)
	}
	out := make([]scheduledPost, 0, len(rows))
	for _, r := range rows {
		on, err := calendar.ParseDate(r.PublishOn)
		if err != nil {
			continue
		}
		out = append(out, scheduledPost{id: r.ID, on: on})
	}
	return out, nil
}

type occasionRequest struct {
	id, occasion string
}

func occasionRequests(app core.App, businessID string) ([]occasionRequest, error) {
	if !hasField(app, requestsCollection, "occasion") || !hasField(app, requestsCollection, "business") {
		return nil, nil
	}
	var rows []struct {
		ID       string `db:"id"`
		Occasion string `db:"occasion"`
	}
	err := app.DB().Select("id", "occasion").From(requestsCollection).
		Where(dbx.HashExp{"business": businessID}).
		AndWhere(dbx.NewExp("occasion != ''")).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("requests of %s: %w", businessID, err)
	}
	out := make([]occasionRequest, len(rows))
	for i, r := range rows {
		out[i] = occasionRequest{r.ID, r.Occasion}
	}
	return out, nil
}

func hasField(app core.App, collection, field string) bool {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(c.Fields.FieldNames(), func(name string) bool { return name == field })
}

// Client is one of the operator's clients an upcoming date fits.
type Client struct {
	ID      string        `json:"id"`
	Name    string        `json:"name"`
	Segment string        `json:"segment"`
	StartBy calendar.Date `json:"start_by"`
	Planned bool          `json:"planned"`
}

// Coming is one upcoming date across an operator's clients.
type Coming struct {
	OccasionID string        `json:"occasion_id"`
	Name       string        `json:"name"`
	Date       calendar.Date `json:"date"`
	DaysUntil  int           `json:"days_until"`
	Angle      string        `json:"angle"`
	Clients    []Client      `json:"clients"`
	// Unplanned counts the clients with nothing planned for the date.
	Unplanned int `json:"unplanned"`
}

// Across lists the dates of the next days that fit at least one of the
// businesses, each with the clients it fits, by date.
func Across(app core.App, businesses []*core.Record, today calendar.Date, days int) ([]Coming, error) {
	byKey := map[string]*Coming{}
	var order []string
	for _, biz := range businesses {
		entries, err := Upcoming(app, biz, today, days)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			k := e.OccasionID + "@" + e.Date.String()
			c := byKey[k]
			if c == nil {
				c = &Coming{OccasionID: e.OccasionID, Name: e.Name, Date: e.Date, DaysUntil: e.DaysUntil, Angle: e.Angle, Clients: []Client{}}
				byKey[k] = c
				order = append(order, k)
			}
			c.Clients = append(c.Clients, Client{ID: biz.Id, Name: biz.GetString("name"), Segment: biz.GetString("segment"), StartBy: e.StartBy, Planned: e.Planned})
			if !e.Planned {
				c.Unplanned++
			}
		}
	}
	out := make([]Coming, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	slices.SortStableFunc(out, func(a, b Coming) int {
		switch {
		case a.Date.Before(b.Date):
			return -1
		case b.Date.Before(a.Date):
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}
