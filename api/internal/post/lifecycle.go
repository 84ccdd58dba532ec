package post

import (
	"database/sql"
	"errors"
	"fmt"

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

// BeginRetry marks the post generating unless it already is, in one
// conditional UPDATE, so of two concurrent retries exactly one wins and
// only one LLM call runs. It returns the post as stored now.
func BeginRetry(app core.App, id string) (*core.Record, error) {
	res, err := app.DB().Update(Collection,
		dbx.Params{"status": StatusGenerating, "error": ""},
		dbx.And(dbx.HashExp{"id": id}, dbx.Not(dbx.HashExp{"status": StatusGenerating})),
	).Execute()
	if err != nil {
		return nil, fmt.Errorf("mark post %s generating: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return nil, ErrGenerating
	}
	return app.FindRecordById(Collection, id)
}

// Settle stores the outcome of a generation: inside one transaction it
// re-reads each post and calls store(tx, current, i) for those still
// generating. A post deleted meanwhile gets nothing stored and is left out
// of the result; one that is no longer generating (an operator's edit that
// raced the start, an interrupted generation) is kept as it is. The result
// is the posts as they are now, in order.
func Settle(app core.App, posts []*core.Record, store func(tx core.App, current *core.Record, i int) error) ([]*core.Record, error) {
	settled := make([]*core.Record, 0, len(posts))
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

// generating reads the stored status, not the copy a request loaded.
func generating(app core.App, id string) bool {
	var status string
	err := app.DB().Select("status").From(Collection).Where(dbx.HashExp{"id": id}).Row(&status)
	return err == nil && status == StatusGenerating
}
