package approval

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/rekan/rekan/api/internal/post"
)

// MsgEditedAfterApproval is the history note of an approval taken away.
const MsgEditedAfterApproval = "alterado depois da aprovação"

// BindHooks takes the approval away from an approved post whose text or
// photos an operator changes: the client approved exactly what they saw.
// It wraps the posts' own update hook (a lower priority runs first, and
// its e.Next runs theirs), so the stage moves after their lock is released.
func BindHooks(app core.App) {
	app.OnRecordUpdateRequest(post.Collection).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id:       "rekanApprovalEdited",
		Priority: -10,
		Func: func(e *core.RecordRequestEvent) error {
			if err := e.Next(); err != nil {
				return err
			}
			if e.Record.GetString("stage") != post.StageApproved {
				return nil
			}
			last, err := latest(e.App, e.Record.Id)
			if err != nil || last == nil || last.GetString("content_hash") == ContentHash(e.Record) {
				return err
			}
			unlock := lockPost(e.Record.Id)
			defer unlock()
			if err := post.MoveStage(e.App, e.Record.Id, post.StageDraft, post.Server, MsgEditedAfterApproval); err != nil {
				e.App.Logger().Error("could not take the approval away from an edited post", "post", e.Record.Id, "error", err)
			}
			return nil
		},
	})
}
