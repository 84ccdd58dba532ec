package agenda

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/post"
)

// Bucket keys of the operator's agenda, in the order it shows them.
const (
	Overdue = "atrasados"
	Today   = "hoje"
	Next7   = "proximos"
	Later   = "depois"
)

// nextDays is how far "próximos" reaches after today.
const nextDays = 7

// MaxPerBucket bounds the posts listed in one bucket (its total is always
// given): an operator who left hundreds of posts undated in the past must
// still get an agenda at once.
const MaxPerBucket = 50

// MaxUndated bounds the posts listed without a publish date (Undated.Total
// counts them all): the newest are the ones still being worked on.
const MaxUndated = 20

// undatedStages are the stages of a post still on its way out: one of
// them without a date is work the agenda would otherwise never show.
var undatedStages = []any{post.StageDraft, post.StageSent, post.StageApproved, post.StageChanges}

// maxFirstLine bounds an entry's first line, in characters.
const maxFirstLine = 140

// ClientRef names a post's client.
type ClientRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Item is one post on the agenda.
type Item struct {
	ID        string    `json:"id"`
	Client    ClientRef `json:"client"`
	FirstLine string    `json:"first_line"`
	Stage     string    `json:"stage"`
	Status    string    `json:"status"`
	PublishOn string    `json:"publish_on"`
}

// Bucket is one group of the agenda: Posts holds at most MaxPerBucket of
// its Total, earliest first.
type Bucket struct {
	Key   string `json:"key"`
	Total int    `json:"total"`
	Posts []Item `json:"posts"`
}

// Day is one day of the month view.
type Day struct {
	Date  string `json:"date"`
	Posts []Item `json:"posts"`
}

// Progress is one client's monthly plan: Scheduled posts have a publish
// date in the month (as MonthPlan counts them); Target 0 means no plan.
type Progress struct {
	Client    ClientRef `json:"client"`
	Target    int       `json:"target"`
	Scheduled int       `json:"scheduled"`
}

// Undated is "sem data": posts on their way out (rascunho, enviado,
// aprovado, ajuste pedido) with no publish date, newest first, at most
// MaxUndated of Total.
type Undated struct {
	Total int    `json:"total"`
	Posts []Item `json:"posts"`
}

// Week is the operator's agenda across all their clients.
type Week struct {
	Today   string     `json:"today"`
	Month   string     `json:"month"`
	Clients int        `json:"clients"`
	Buckets []Bucket   `json:"buckets"`
	Undated Undated    `json:"undated"`
	Days    []Day      `json:"days"`
	Plans   []Progress `json:"plans"`
}

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "YYYY-MM".
func ParseMonth(s string) (Month, bool) {
	d, err := calendar.ParseDate(s + "-01")
	if err != nil || len(s) != 7 {
		return Month{}, false
	}
	return Month{Year: d.Year, Month: d.Month}, true
}

// MonthOf is the month holding d.
func MonthOf(d calendar.Date) Month { return Month{Year: d.Year, Month: d.Month} }

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

func (m Month) first() calendar.Date { return calendar.Date{Year: m.Year, Month: m.Month, Day: 1} }

// last is the month's last day (month 13 is January of the next year for
// AddDays).
func (m Month) last() calendar.Date {
	return calendar.Date{Year: m.Year, Month: m.Month + 1, Day: 1}.AddDays(-1)
}

type agendaRow struct {
	ID        string `db:"id"`
	Business  string `db:"business"`
	Name      string `db:"name"`
	Caption   string `db:"caption"`
	Brief     string `db:"brief"`
	Stage     string `db:"stage"`
	Status    string `db:"status"`
	PublishOn string `db:"publish_on"`
}

// ForOperator builds the agenda of owner's clients on today, with the
// month view and plans of month. One query reads every post it needs (the
// dated posts of the month, from today on, and the overdue ones) through
// idx_posts_business_publish_on; a second lists the clients and a third
// the undated posts.
func ForOperator(app core.App, owner string, today calendar.Date, month Month) (Week, error) {
	var clients []struct {
		ID     string `db:"id"`
		Name   string `db:"name"`
		Target int    `db:"posts_per_month"`
	}
	err := app.DB().Select("id", "name", "posts_per_month").From("businesses").
		Where(dbx.HashExp{"owner": owner}).OrderBy("name").All(&clients)
	if err != nil {
		return Week{}, fmt.Errorf("clients of %s: %w", owner, err)
	}

	var rows []agendaRow
	t, first, last := today.String(), month.first().String(), month.last().String()
	err = app.DB().Select("p.id", "p.business", "b.name", "p.caption", "r.brief", "p.stage", "p.status", "p.publish_on").
		From("posts p").
		InnerJoin("businesses b", dbx.NewExp("b.id = p.business")).
		LeftJoin("requests r", dbx.NewExp("r.id = p.request")).
		Where(dbx.HashExp{"b.owner": owner}).
		AndWhere(dbx.NewExp("p.publish_on != ''")).
		AndWhere(dbx.NewExp(
			"(p.publish_on BETWEEN {:first} AND {:last}) OR (p.stage != {:archived} AND (p.publish_on >= {:today} OR p.stage != {:published}))",
			dbx.Params{"first": first, "last": last, "today": t, "archived": post.StageArchived, "published": post.StagePublished})).
		OrderBy("p.publish_on", "b.name", "p.created").All(&rows)
	if err != nil {
		return Week{}, fmt.Errorf("agenda of %s: %w", owner, err)
	}

	next := today.AddDays(nextDays).String()
	buckets := []Bucket{{Key: Overdue}, {Key: Today}, {Key: Next7}, {Key: Later}}
	days := make([]Day, 0, 31)
	for d := month.first(); !month.last().Before(d); d = d.AddDays(1) {
		days = append(days, Day{Date: d.String(), Posts: []Item{}})
	}
	scheduled := map[string]int{}
	for _, r := range rows {
		item := itemOf(r)
		if r.PublishOn >= first && r.PublishOn <= last {
			scheduled[r.Business]++
			if day, err := calendar.ParseDate(r.PublishOn); err == nil {
				days[day.Day-1].Posts = append(days[day.Day-1].Posts, item)
			}
		}
		if b := bucketOf(r, t, next); b >= 0 {
			buckets[b].Total++
			if len(buckets[b].Posts) < MaxPerBucket {
				buckets[b].Posts = append(buckets[b].Posts, item)
			}
		}
	}
	for i := range buckets {
		if buckets[i].Posts == nil {
			buckets[i].Posts = []Item{}
		}
	}
	plans := make([]Progress, len(clients))
	for i, c := range clients {
		plans[i] = Progress{Client: ClientRef{ID: c.ID, Name: c.Name}, Target: c.Target, Scheduled: scheduled[c.ID]}
	}
	undated, err := undatedOf(app, owner)
	if err != nil {
		return Week{}, err
	}
	return Week{Today: t, Month: month.String(), Clients: len(clients), Buckets: buckets, Undated: undated, Days: days, Plans: plans}, nil
}

// undatedOf lists owner's undated posts still on their way out, newest
// first, counting them all in the same query.
func undatedOf(app core.App, owner string) (Undated, error) {
	var rows []struct {
		agendaRow
		Total int `db:"total"`
	}
	err := app.DB().Select("p.id", "p.business", "b.name", "p.caption", "r.brief", "p.stage", "p.status", "p.publish_on", "COUNT(*) OVER () AS total").
		From("posts p").
		InnerJoin("businesses b", dbx.NewExp("b.id = p.business")).
		LeftJoin("requests r", dbx.NewExp("r.id = p.request")).
		Where(dbx.HashExp{"b.owner": owner, "p.publish_on": ""}).
		AndWhere(dbx.In("p.stage", undatedStages...)).
		OrderBy("p.created DESC", "p.id DESC").Limit(MaxUndated).All(&rows)
	if err != nil {
		return Undated{}, fmt.Errorf("undated posts of %s: %w", owner, err)
	}
	undated := Undated{Posts: make([]Item, len(rows))}
	for i, r := range rows {
		undated.Total = r.Total
		undated.Posts[i] = itemOf(r.agendaRow)
	}
	return undated, nil
}

func itemOf(r agendaRow) Item {
	return Item{
		ID: r.ID, Client: ClientRef{ID: r.Business, Name: r.Name},
		FirstLine: firstLine(r.Caption, r.Brief), Stage: r.Stage, Status: r.Status, PublishOn: r.PublishOn,
	}
}

// bucketOf places a dated post: overdue when its date passed and it was
// neither published nor archived; an archived post is on no bucket, and a
// published one only on its day or later (it is done, not late).
func bucketOf(r agendaRow, today, next string) int {
	switch {
	case r.Stage == post.StageArchived:
		return -1
	case r.PublishOn < today:
		if r.Stage == post.StagePublished {
			return -1
		}
		return 0
	case r.PublishOn == today:
		return 1
	case r.PublishOn <= next:
		return 2
	}
	return 3
}

// firstLine is the caption's first non-empty line, or the brief's while
// the post has no text yet (generating, failed), cut at maxFirstLine.
func firstLine(caption, brief string) string {
	for _, text := range []string{caption, brief} {
		for line := range strings.SplitSeq(text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if utf8.RuneCountInString(line) > maxFirstLine {
				line = string([]rune(line)[:maxFirstLine-1]) + "…"
			}
			return line
		}
	}
	return ""
}
