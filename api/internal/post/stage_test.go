package post_test

import (
	"errors"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/rekan/rekan/api/internal/clock"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
)

var allStages = []string{"rascunho", "enviado", "aprovado", "ajuste", "publicado", "arquivado"}

// TestClientAndServerMovesAgainstTheLiteralTable moves the fixture's post
// through every pair of stages as the client and as the server. The moves
// each may make are written out here, not read from package post.
func TestClientAndServerMovesAgainstTheLiteralTable(t *testing.T) {
	allowed := map[post.ActorKind]map[string]bool{
		post.ActorClient: {"enviado>aprovado": true, "enviado>ajuste": true},
		post.ActorServer: {"rascunho>enviado": true, "enviado>rascunho": true, "aprovado>rascunho": true, "ajuste>rascunho": true},
	}
	app := fx.NewApp(t)
	defer app.Cleanup()
	for kind, moves := range allowed {
		for _, from := range allStages {
			for _, to := range allStages {
				if _, err := app.DB().Update("posts", dbx.Params{"stage": from}, dbx.HashExp{"id": fx.AlicePost}).Execute(); err != nil {
					t.Fatal(err)
				}
				err := post.MoveStage(app, fx.AlicePost, to, post.Actor{Kind: kind, Name: "Lu"}, "")
				got := testutil.FindPost(t, app, fx.AlicePost).GetString("stage")
				var refused *post.RefusedError
				switch {
				case moves[from+">"+to] && (err != nil || got != to):
					t.Errorf("%s %s→%s: %v, stage %q", kind, from, to, err, got)
				case !moves[from+">"+to] && (!errors.As(err, &refused) || got != from):
					t.Errorf("%s %s→%s: want refused, got %v, stage %q", kind, from, to, err, got)
				}
			}
		}
	}
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM post_events WHERE actor_name = 'Lu'").Row(&n); err != nil {
		t.Fatal(err)
	}
	if n != 6 {
		t.Errorf("recorded moves: %d, want the 6 allowed ones", n)
	}
}

// TestPublishingDatesThePostInTheInstancesZone: 02:30 UTC on March 10 is
// 23:30 on March 9 in São Paulo, so a post published then is dated the 9th.
func TestPublishingDatesThePostInTheInstancesZone(t *testing.T) {
	defer clock.Set(time.Date(2026, 3, 10, 2, 30, 0, 0, time.UTC))()
	app := fx.NewApp(t)
	defer app.Cleanup()
	if err := post.MoveStage(app, fx.AlicePost, "publicado", post.Operator("alice@example.com"), ""); err != nil {
		t.Fatal(err)
	}
	if got := testutil.FindPost(t, app, fx.AlicePost).GetString("publish_on"); got != "2026-03-09" {
		t.Errorf("publish_on %q, want 2026-03-09", got)
	}
}
