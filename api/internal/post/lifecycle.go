package post

import (
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

// Messages of the lifecycle (conflicts, interruptions), for the operator.
const (
	MsgRetryWhileGenerating = "Este post ainda está sendo gerado. Espere terminar antes de tentar de novo."
	MsgEditWhileGenerating  = "Este post ainda está sendo gerado. Espere terminar antes de editar."
	MsgDeletedWhileWriting  = "O post foi apagado durante a geração; nada foi guardado."
	MsgInterrupted          = "A geração foi interrompida. Tente de novo."
)

// ErrGenerating is returned by BeginRetry for a post that is already being
// generated.
var ErrGenerating = errors.New("post is already generating")

// ErrGone is returned by BeginRetry for a post deleted meanwhile.
var ErrGone = errors.New("post was deleted")

// stripes serialise the lifecycle transitions of a post (start of a retry,
// an operator's edit, storing a generation) within the server, the only
// process that opens the database: an edit that loaded the post just before
// a retry started must not write its stale status back. Striped by id, so
// memory stays fixed however many posts there are.
var stripes [64]sync.Mutex

// lockPosts locks the stripes of ids (in a fixed order, so two callers
// cannot deadlock) and returns the unlock.
func lockPosts(ids ...string) (unlock func()) {
	var taken [len(stripes)]bool
	for _, id := range ids {
		h := fnv.New32a()
		h.Write([]byte(id))
		taken[h.Sum32()%uint32(len(stripes))] = true
	}
	for i := range stripes {
		if taken[i] {
			stripes[i].Lock()
		}
	}
	return func() {
		for i := range stripes {
			if taken[i] {
				stripes[i].Unlock()
			}
		}
	}
}

// BeginRetry marks the post generating unless it already is, in one
// conditional UPDATE, so of two concurrent retries exactly one wins and
// only one LLM call runs. It returns the post as stored now.
func BeginRetry(app core.App, id string) (*core.Record, error) {
	defer lockPosts(id)()
	res, err := app.DB().Update(Collection,
		dbx.Params{"status": StatusGenerating, "error": ""},
		dbx.And(dbx.HashExp{"id": id}, dbx.Not(dbx.HashExp{"status": StatusGenerating})),
	).Execute()
	if err != nil {
		return nil, fmt.Errorf("mark post %s generating: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, fmt.Errorf("mark post %s generating: %w", id, err)
	}
	p, err := app.FindRecordById(Collection, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrGone
	}
	if err != nil {
		return nil, fmt.Errorf("reload post %s: %w", id, err)
	}
	if n == 0 {
		return nil, ErrGenerating
	}
	return p, nil
}

// Complete stores a generation's posts: generated[i], its checks and the
// model go into posts[i], which becomes ready (see settle for the posts
// edited or deleted meanwhile).
// A post the client had seen keeps its previous text as a version and is
// a draft again.
func Complete(app core.App, posts []*core.Record, generated []content.Post, model string, checked [][]checks.Result) ([]*core.Record, error) {
	// Whether the client saw each draft, in one query for all once settle
	// holds the posts (a stage event is only added under their stripes).
	var sent map[string]bool
	return settle(app, posts, func(p, stored *core.Record, i int) ([]*core.Record, error) {
		if sent == nil && isDraft(stored) {
			ids := make([]string, len(posts))
			for j, q := range posts {
				ids[j] = q.Id
			}
			var err error
			if sent, err = everSent(app, ids...); err != nil {
				return nil, err
			}
		}
		before, err := replacingSeen(app, stored, p, "retry", seenByClient(stored, sent))
		if err != nil {
			return nil, err
		}
		hashtags := generated[i].Hashtags
		if hashtags == nil {
			hashtags = []string{}
		}
		p.Set("caption", generated[i].Caption)
		p.Set("hashtags", hashtags)
		p.Set("production_note", generated[i].ProductionNote)
		p.Set("role", string(generated[i].Role))
		p.Set("hook", generated[i].Hook)
		p.Set("checks", checked[i])
		p.Set("model", model)
		p.Set("status", StatusReady)
		p.Set("error", "")
		// A regenerated post is the model's text again, not the operator's.
		p.Set("edited", false)
		return before, nil
	})
}

// Fail marks the posts of a failed generation failed with message (for the
// operator); their brief stays, so they can be retried.
func Fail(app core.App, posts []*core.Record, message string) ([]*core.Record, error) {
	return settle(app, posts, func(p, _ *core.Record, _ int) ([]*core.Record, error) {
		p.Set("status", StatusFailed)
		p.Set("error", message)
		return nil, nil
	})
}

// FailInterrupted marks posts left generating by a previous process (a
// crash or kill mid-generation) failed, so the operator can retry them. It
// runs before the server serves, when nothing of this process generates.
func FailInterrupted(app core.App) error {
	_, err := app.DB().Update(Collection,
		dbx.Params{"status": StatusFailed, "error": MsgInterrupted},
		dbx.HashExp{"status": StatusGenerating},
	).Execute()
	if err != nil {
		return fmt.Errorf("mark interrupted posts failed: %w", err)
	}
	return nil
}

// settle stores the outcome of a generation: it takes each post as stored
// now (asNow) and calls store(current, stored, i) on those still generating,
// stored being a copy of current as it is before store changes it. A post
// deleted meanwhile gets nothing stored and is left out of the result; one
// that is no longer generating (an operator's edit that raced the start, an
// interrupted generation) is kept as it is. The result is the posts as they
// are now, in order. The stripes hold off every other change of status of
// these posts (edits, retries) until the end; a delete is the one change
// that can still race, and saveAll sees it inside its transaction.
// store may return records to save before current (a version, a stage
// event), in the same transaction.
func settle(app core.App, posts []*core.Record, store func(current, stored *core.Record, i int) ([]*core.Record, error)) ([]*core.Record, error) {
	ids := make([]string, 0, len(posts))
	for _, p := range posts {
		ids = append(ids, p.Id)
	}
	defer lockPosts(ids...)()
	now, err := asNow(app, posts)
	if err != nil {
		return nil, err
	}
	settled := make([]*core.Record, 0, len(posts))
	var changed []*core.Record
	for i, p := range posts {
		current, ok := now[p.Id]
		if !ok {
			continue // deleted while the LLM was writing
		}
		if current.GetString("status") == StatusGenerating {
			before, err := store(current, current.Fresh(), i)
			if err != nil {
				return nil, err
			}
			changed = append(changed, before...)
			changed = append(changed, current)
		}
		settled = append(settled, current)
	}
	gone, err := saveAll(app, changed)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(settled, func(r *core.Record) bool { return gone[r.Id] }), nil
}

// asNow returns the posts still stored, by id, as they are stored now. A
// post whose row is as it was when this process last loaded or saved it
// (still generating, the same updated stamp) is the record in hand: every
// save through PocketBase moves updated, and the only raw updates
// (BeginRetry, FailInterrupted) change the status. Any other is read
// again. One light query instead of loading every post: loading a record
// cost more than a tenth of a generation's CPU (make bench-generation).
func asNow(app core.App, posts []*core.Record) (map[string]*core.Record, error) {
	ids := make([]any, len(posts))
	for i, p := range posts {
		ids[i] = p.Id
	}
	var rows []struct {
		ID      string `db:"id"`
		Status  string `db:"status"`
		Updated string `db:"updated"`
	}
	err := app.DB().Select("id", "status", "updated").From(Collection).Where(dbx.In("id", ids...)).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("look up posts: %w", err)
	}
	inHand := make(map[string]*core.Record, len(posts))
	for _, p := range posts {
		inHand[p.Id] = p
	}
	now := make(map[string]*core.Record, len(rows))
	for _, row := range rows {
		p := inHand[row.ID]
		if row.Status == StatusGenerating && p.GetString("status") == StatusGenerating &&
			row.Updated == p.GetDateTime("updated").String() {
			now[row.ID] = p
			continue
		}
		current, err := app.FindRecordById(Collection, row.ID)
		if errors.Is(err, sql.ErrNoRows) {
			continue // deleted since the look-up
		}
		if err != nil {
			return nil, fmt.Errorf("reload post %s: %w", row.ID, err)
		}
		now[row.ID] = current
	}
	return now, nil
}

// saveAll stores records all or none: new ones are inserted, stored ones
// updated unless they were deleted meanwhile (returned in gone, nothing
// stored for them). PocketBase has one writer connection: saving inside
// RunInTransaction validates there too (the relation check reads the
// business), so every generation in flight queued behind those reads. Here
// validation runs first, on the read pool, and the write holds the writer
// only for the inserts or updates; one new record needs no explicit
// transaction (its statement is atomic). The hooks are the same ones Save
// runs: Validate triggers the validate hooks, SaveNoValidate the rest.
func saveAll(app core.App, records []*core.Record) (gone map[string]bool, err error) {
	for _, r := range records {
		if err := app.Validate(r); err != nil {
			return nil, fmt.Errorf("validate post %s: %w", r.Id, err)
		}
	}
	switch {
	case len(records) == 0:
		return nil, nil
	case len(records) == 1 && records[0].IsNew():
		if err := app.SaveNoValidate(records[0]); err != nil {
			return nil, fmt.Errorf("save post %s: %w", records[0].Id, err)
		}
		return nil, nil
	}
	gone = map[string]bool{}
	err = app.RunInTransaction(func(tx core.App) error {
		stored, err := storedOf(tx, records)
		if err != nil {
			return err
		}
		for _, r := range records {
			if !r.IsNew() && !stored[r.Id] {
				gone[r.Id] = true
				continue
			}
			if err := tx.SaveNoValidate(r); err != nil {
				return fmt.Errorf("save post %s: %w", r.Id, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return gone, nil
}

// storedOf reports which of the stored (not new) records still have their
// row, in one query per collection.
func storedOf(tx core.App, records []*core.Record) (map[string]bool, error) {
	ids := map[string][]any{}
	for _, r := range records {
		if !r.IsNew() {
			name := r.Collection().Name
			ids[name] = append(ids[name], r.Id)
		}
	}
	stored := map[string]bool{}
	for name, in := range ids {
		var rows []struct {
			ID string `db:"id"`
		}
		if err := tx.DB().Select("id").From(name).Where(dbx.In("id", in...)).All(&rows); err != nil {
			return nil, fmt.Errorf("look up %s %v: %w", name, in, err)
		}
		for _, row := range rows {
			stored[row.ID] = true
		}
	}
	return stored, nil
}
