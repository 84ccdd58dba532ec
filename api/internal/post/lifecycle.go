package post

import (
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Messages of the lifecycle conflicts, for the operator.
const (
	MsgRetryWhileGenerating = "Este post ainda está sendo gerado. Espere terminar antes de tentar de novo."
	MsgEditWhileGenerating  = "Este post ainda está sendo gerado. Espere terminar antes de editar."
	MsgDeletedWhileWriting  = "O post foi apagado durante a geração; nada foi guardado."
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

// Settle stores the outcome of a generation: inside one transaction it
// re-reads each post and calls store(tx, current, i) for those still
// generating. A post deleted meanwhile gets nothing stored and is left out
// of the result; one that is no longer generating (an operator's edit that
// raced the start, an interrupted generation) is kept as it is. The result
// is the posts as they are now, in order.
func Settle(app core.App, posts []*core.Record, store func(tx core.App, current *core.Record, i int) error) ([]*core.Record, error) {
	settled := make([]*core.Record, 0, len(posts))
	ids := make([]string, 0, len(posts))
	for _, p := range posts {
		ids = append(ids, p.Id)
	}
	defer lockPosts(ids...)()
	err := app.RunInTransaction(func(tx core.App) error {
		for i, p := range posts {
			current, err := tx.FindRecordById(Collection, p.Id)
			if errors.Is(err, sql.ErrNoRows) {
				continue // deleted while the LLM was writing
			}
			if err != nil {
				return fmt.Errorf("reload post %s: %w", p.Id, err)
			}
			if current.GetString("status") == StatusGenerating {
				if err := store(tx, current, i); err != nil {
					return fmt.Errorf("store post %s: %w", p.Id, err)
				}
			}
			settled = append(settled, current)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return settled, nil
}
