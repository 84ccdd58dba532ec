package approval

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/post"
)

// Public is what the client's page gets: names to greet with, the posts as
// they are now, and the decisions on them. Nothing else: no e-mail, no
// other post, no file token.
type Public struct {
	Operator string       `json:"operator"`
	Business string       `json:"business"`
	Expires  string       `json:"expires"`
	Posts    []PublicPost `json:"posts"`
}

// PublicPost is one post of the approval, its current version.
type PublicPost struct {
	ID        string    `json:"id"`
	Caption   string    `json:"caption"`
	Hashtags  []string  `json:"hashtags"`
	PublishOn string    `json:"publish_on"`
	Photos    []string  `json:"photos"`
	Open      bool      `json:"open"`
	Decision  *Decision `json:"decision"`
}

// Decision is a client's decision as the pages show it.
type Decision struct {
	Decision string `json:"decision"`
	Note     string `json:"note"`
	Name     string `json:"name"`
	Created  string `json:"created"`
}

func toDecision(r *core.Record) *Decision {
	if r == nil {
		return nil
	}
	return &Decision{r.GetString("decision"), r.GetString("note"), r.GetString("name"), r.GetDateTime("created").String()}
}

// PublicView builds the client's page of a live approval. A post is shown
// while it exists and is ready; its decision is the latest one on its
// current content, from whichever link.
func PublicView(app core.App, a *core.Record, signer *Signer, now time.Time) (*Public, error) {
	biz, err := app.FindRecordById("businesses", a.GetString("business"))
	if err != nil {
		return nil, fmt.Errorf("find business: %w", err)
	}
	view := &Public{Business: biz.GetString("name"), Expires: a.GetDateTime("expires").String(), Posts: []PublicPost{}}
	if op, err := app.FindRecordById("users", a.GetString("created_by")); err == nil {
		view.Operator = op.GetString("name")
	}
	ids := a.GetStringSlice("posts")
	posts, last, err := postsWithDecisions(app, ids)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(posts, func(x, y *core.Record) int { return slices.Index(ids, x.Id) - slices.Index(ids, y.Id) })
	for _, p := range posts {
		if p.GetString("status") != post.StatusReady {
			continue
		}
		var hashtags []string
		_ = json.Unmarshal([]byte(p.GetString("hashtags")), &hashtags)
		if hashtags == nil {
			hashtags = []string{}
		}
		pp := PublicPost{
			ID: p.Id, Caption: p.GetString("caption"), Hashtags: hashtags,
			PublishOn: p.GetString("publish_on"), Photos: []string{}, Open: decisionOpen(p),
		}
		for _, name := range postPhotos(p) {
			pp.Photos = append(pp.Photos, PhotoPath+signer.Ticket(a.Id, p.Id, name, now))
		}
		if d := last[p.Id]; d != nil && d.GetString("content_hash") == ContentHash(p) {
			pp.Decision = toDecision(d)
		}
		view.Posts = append(view.Posts, pp)
	}
	return view, nil
}

// PhotoPath is where the public photo tickets are served.
const PhotoPath = "/api/rekan/approval/photos/"

// States of a post for the operator.
const (
	StateWaiting  = "aguardando"
	StateApproved = Approved
	StateChanges  = Changes
	// StateEdited is an approved post changed since: the client approved
	// something else.
	StateEdited = "alterado"
)

// PostState is where a post stands with the client.
type PostState struct {
	Post     string    `json:"post"`
	State    string    `json:"state"`
	SentAt   string    `json:"sent_at"`
	Approval string    `json:"approval"`
	Decision *Decision `json:"decision"`
}

// ApprovalInfo is an approval as the operator sees it (never its token).
type ApprovalInfo struct {
	ID      string   `json:"id"`
	Posts   []string `json:"posts"`
	Created string   `json:"created"`
	Expires string   `json:"expires"`
	Live    bool     `json:"live"`
}

// Overview is the approvals of one business and where its posts stand.
type Overview struct {
	Approvals []ApprovalInfo `json:"approvals"`
	Posts     []PostState    `json:"posts"`
}

// BusinessOverview computes the operator's view of a business's approvals.
func BusinessOverview(app core.App, businessID string, now time.Time) (*Overview, error) {
	approvals, err := app.FindRecordsByFilter(Collection, "business = {:b}", "-created", 0, 0, dbx.Params{"b": businessID})
	if err != nil {
		return nil, fmt.Errorf("list approvals: %w", err)
	}
	out := &Overview{Approvals: []ApprovalInfo{}, Posts: []PostState{}}
	// The newest live approval of each post; decisions may come from any.
	sent := map[string]*core.Record{}
	var ids []string
	for _, a := range approvals {
		live := Live(a, now)
		out.Approvals = append(out.Approvals, ApprovalInfo{a.Id, a.GetStringSlice("posts"), a.GetDateTime("created").String(), a.GetDateTime("expires").String(), live})
		for _, id := range a.GetStringSlice("posts") {
			if _, seen := sent[id]; !seen {
				ids = append(ids, id)
				sent[id] = nil
			}
			if live && sent[id] == nil {
				sent[id] = a
			}
		}
	}
	posts, last, err := postsWithDecisions(app, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		st := PostState{Post: p.Id}
		if a := sent[p.Id]; a != nil {
			st.Approval, st.SentAt = a.Id, a.GetDateTime("created").String()
		}
		d := last[p.Id]
		current := d != nil && d.GetString("content_hash") == ContentHash(p)
		switch {
		case current:
			st.State, st.Decision = d.GetString("decision"), toDecision(d)
		case d != nil && d.GetString("decision") == Approved:
			st.State, st.Decision = StateEdited, toDecision(d)
		case st.Approval != "":
			st.State = StateWaiting
			if d != nil {
				st.Decision = toDecision(d)
			}
		default:
			continue
		}
		out.Posts = append(out.Posts, st)
	}
	return out, nil
}

// Waiting lists the posts of an approval still waiting for the client:
// no decision on their current content yet.
func Waiting(app core.App, a *core.Record) ([]string, error) {
	posts, last, err := postsWithDecisions(app, a.GetStringSlice("posts"))
	if err != nil {
		return nil, err
	}
	var waiting []string
	for _, p := range posts {
		if !Shareable(p) {
			continue
		}
		if d := last[p.Id]; d == nil || d.GetString("content_hash") != ContentHash(p) {
			waiting = append(waiting, p.Id)
		}
	}
	return waiting, nil
}

// postsWithDecisions loads the posts of ids that still exist and the
// latest decision of each.
func postsWithDecisions(app core.App, ids []string) ([]*core.Record, map[string]*core.Record, error) {
	posts, err := app.FindRecordsByIds(post.Collection, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("find posts: %w", err)
	}
	last, err := latestOf(app, ids)
	if err != nil {
		return nil, nil, err
	}
	return posts, last, nil
}

// ErrNoChangeRequest is a post whose client asked for no change on its
// current version.
var ErrNoChangeRequest = errors.New("no change request on this version")

// ChangeRequest is the client's note when the latest decision on the
// post's current version asks for changes.
func ChangeRequest(app core.App, p *core.Record) (string, error) {
	d, err := latest(app, p.Id)
	if err != nil {
		return "", err
	}
	if d == nil || d.GetString("decision") != Changes || d.GetString("content_hash") != ContentHash(p) {
		return "", ErrNoChangeRequest
	}
	return d.GetString("note"), nil
}
