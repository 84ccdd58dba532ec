package post

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

// RecentForContext is how many of a business's latest ready posts feed the
// role rotation and the "don't repeat this opening" list sent to the model.
const RecentForContext = 10

// Recent is what a generation takes from a business's latest ready posts,
// newest first: their roles (the rotation continues after them) and their
// openings (the model must not repeat them).
type Recent struct {
	Roles []content.Role
	Hooks []string
}

// RecentOf returns the business's latest RecentForContext ready posts,
// leaving out exceptID (the post being retried). A plain query: hydrating
// full records costs more than the rest of the generate route.
func RecentOf(app core.App, businessID, exceptID string) (Recent, error) {
	var rows []struct {
		Role string `db:"role"`
		Hook string `db:"hook"`
	}
	// The status is in the SQL text, not a bound value: with a bound value
	// SQLite re-plans the statement at every run (the partial index
	// idx_posts_generating may or may not apply, depending on the value),
	// which undoes the prepared-statement cache (database.StmtCacheSize).
	err := app.DB().Select("role", "hook").From(Collection).
		Where(dbx.HashExp{"business": businessID}).
		AndWhere(dbx.NewExp("status = '" + StatusReady + "'")).
		AndWhere(dbx.Not(dbx.HashExp{"id": exceptID})).
		OrderBy("created DESC").
		Limit(RecentForContext).
		All(&rows)
	if err != nil {
		return Recent{}, fmt.Errorf("recent posts of %s: %w", businessID, err)
	}
	recent := Recent{Roles: make([]content.Role, 0, len(rows)), Hooks: make([]string, 0, len(rows))}
	for _, row := range rows {
		recent.Roles = append(recent.Roles, content.Role(row.Role))
		if hook := strings.TrimSpace(row.Hook); hook != "" {
			recent.Hooks = append(recent.Hooks, hook)
		}
	}
	return recent, nil
}

// CheckInput is what the checks need to re-check an edited post: its
// business's profile, its request's brief, the openings that came before
// it (the business's ready posts created before its request, newest first)
// and the other posts of its request.
func CheckInput(app core.App, record *core.Record) (checks.Input, error) {
	in := checks.Input{Post: ToContent(record)}
	biz, err := app.FindRecordById(business.Collection, record.GetString("business"))
	if err != nil {
		return in, fmt.Errorf("business of post %s: %w", record.Id, err)
	}
	req, err := RequestOf(app, record)
	if err != nil {
		return in, err
	}
	in.Business = business.Profile(biz)
	in.Brief = req.GetString("brief")
	in.Confirmed = ConfirmedClaims(record)

	var siblings []*core.Record
	err = app.RecordQuery(Collection).
		Where(dbx.HashExp{"request": req.Id, "status": StatusReady}).
		AndWhere(dbx.Not(dbx.HashExp{"id": record.Id})).
		OrderBy("created", "id").
		All(&siblings)
	if err != nil {
		return in, fmt.Errorf("posts of the request of %s: %w", record.Id, err)
	}
	for _, s := range siblings {
		in.Others = append(in.Others, ToContent(s))
	}

	var hooks []struct {
		Hook string `db:"hook"`
	}
	err = app.DB().Select("hook").From(Collection).
		Where(dbx.HashExp{"business": biz.Id, "status": StatusReady}).
		AndWhere(dbx.NewExp("created < {:before}", dbx.Params{"before": req.GetDateTime("created").String()})).
		AndWhere(dbx.Not(dbx.HashExp{"request": req.Id})).
		OrderBy("created DESC").
		Limit(RecentForContext).
		All(&hooks)
	if err != nil {
		return in, fmt.Errorf("previous hooks of %s: %w", record.Id, err)
	}
	for _, h := range hooks {
		if hook := strings.TrimSpace(h.Hook); hook != "" {
			in.PreviousHooks = append(in.PreviousHooks, hook)
		}
	}
	return in, nil
}
