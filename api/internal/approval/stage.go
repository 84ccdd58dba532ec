package approval

import (
	"fmt"
	"hash/fnv"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/post"
)

// The seam to the posts' stages (post.MoveStage owns every move).

// stripes serialise the decisions on one post: the stage moves and the
// decision row of one decision are not interleaved with another's, so the
// stage always follows the last decision stored. Taken before MoveStage's
// own lock and transaction, never inside them.
var stripes [64]sync.Mutex

func lockPost(id string) (unlock func()) {
	h := fnv.New32a()
	h.Write([]byte(id))
	m := &stripes[h.Sum32()%uint32(len(stripes))]
	m.Lock()
	return m.Unlock
}

// toSent brings a post to enviado with the server's moves: a draft is
// sent; a decided post (the client changing their mind, or a revised
// version on the same link) goes back through rascunho, as the stage
// table wants.
func toSent(app core.App, postID string) error {
	p, err := app.FindRecordById(post.Collection, postID)
	if err != nil {
		return fmt.Errorf("find post %s: %w", postID, err)
	}
	switch p.GetString("stage") {
	case post.StageSent:
		return nil
	case post.StageApproved, post.StageChanges:
		if err := post.MoveStage(app, postID, post.StageDraft, post.Server, ""); err != nil {
			return err
		}
	}
	return post.MoveStage(app, postID, post.StageSent, post.Server, "")
}

// clientMove records the client's decision as the post's stage.
func clientMove(app core.App, postID, decision, name, note string) error {
	if err := toSent(app, postID); err != nil {
		return err
	}
	return post.MoveStage(app, postID, decision, post.Actor{Kind: post.ActorClient, Name: name}, note)
}

// decisionOpen reports whether the client may still decide on the post:
// until the operator marks it published (or archives it).
func decisionOpen(p *core.Record) bool {
	switch p.GetString("stage") {
	case post.StagePublished, post.StageArchived:
		return false
	}
	return true
}

// postPhotos are the names of the photos the post selects from its
// request, in order.
func postPhotos(p *core.Record) []string {
	return post.PhotoNames(p)
}
