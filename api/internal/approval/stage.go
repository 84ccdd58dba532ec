package approval

import "github.com/pocketbase/pocketbase/core"

// The seam to the posts' stages (issue 18: post.MoveStage). Until that
// lands these are the only lines that change: approvals then move posts to
// enviado on creation and to aprovado / ajuste on a client's decision, and
// refuse decisions on published posts.

const (
	stageSent     = "enviado"
	stageApproved = "aprovado"
	stageChanges  = "ajuste"
)

// actor is who moves a stage: the server (zero value) or the client.
type actor struct {
	client bool
	name   string
}

// moveStage moves a post's stage inside tx.
func moveStage(tx core.App, postID, to string, by actor, note string) error {
	return nil
}

// decisionOpen reports whether the client may still decide on the post:
// until the operator marks it published.
func decisionOpen(p *core.Record) bool {
	return true
}

// postPhotos are the stored names of the post's photos, in order.
func postPhotos(p *core.Record) []string {
	return p.GetStringSlice("photos")
}
