package post_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

func TestFailInterrupted(t *testing.T) {
	app := fx.NewApp(t)
	defer app.Cleanup()
	p := testutil.FindPost(t, app, fx.AlicePost)
	p.Set("status", "generating")
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	if err := post.FailInterrupted(app); err != nil {
		t.Fatal(err)
	}
	p = testutil.FindPost(t, app, fx.AlicePost)
	if p.GetString("status") != "failed" || p.GetString("error") == "" || p.GetString("request") == "" {
		t.Errorf("interrupted post: %v", p.PublicExport())
	}
	if other := testutil.FindPost(t, app, fx.BobPost); other.GetString("status") != "ready" {
		t.Errorf("ready post touched: %s", other.GetString("status"))
	}
}

// A post deleted after settle reloaded it (here: while its new text is
// validated, before the write transaction) gets nothing stored, is not
// recreated, and is left out of the result; its sibling is stored.
func TestCompleteLeavesOutAPostDeletedBeforeTheWrite(t *testing.T) {
	app := fx.NewApp(t)
	defer app.Cleanup()
	pending, err := post.CreatePending(app, fx.AliceBusiness, "bolo de pote", 2, nil, nil, post.Plan{})
	if err != nil {
		t.Fatal(err)
	}
	posts := pending.Posts
	kept, deleted := posts[0].Id, posts[1].Id
	app.OnRecordValidate(post.Collection).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.Id == deleted {
			if _, err := e.App.DB().Delete(post.Collection, dbx.HashExp{"id": deleted}).Execute(); err != nil {
				return err
			}
		}
		return e.Next()
	})

	generated := []content.Post{
		{Role: content.RoleProduct, Hook: "Gancho 1", Caption: "Gancho 1: bolo de pote fresquinho.", ProductionNote: "Foto de cima."},
		{Role: content.RoleTip, Hook: "Gancho 2", Caption: "Gancho 2: como guardar o bolo de pote.", ProductionNote: "Foto de lado."},
	}
	settled, err := post.Complete(app, posts, generated, "test-model", [][]checks.Result{{}, {}})
	if err != nil {
		t.Fatal(err)
	}
	if len(settled) != 1 || settled[0].Id != kept {
		t.Fatalf("settled %d posts, want only %s", len(settled), kept)
	}
	if p := testutil.FindPost(t, app, kept); p.GetString("status") != post.StatusReady || p.GetString("hook") != "Gancho 1" {
		t.Errorf("kept post: %v", p.PublicExport())
	}
	if _, err := app.FindRecordById(post.Collection, deleted); err == nil {
		t.Error("the deleted post was written back")
	}
}

// Complete takes each post as stored when it writes: one changed since the
// generation started keeps the change (a field saved meanwhile, a status
// moved by a raw update), whatever the records in hand say.
func TestCompleteWritesOverWhatIsStoredNotWhatIsInHand(t *testing.T) {
	app := fx.NewApp(t)
	defer app.Cleanup()
	pending, err := post.CreatePending(app, fx.AliceBusiness, "bolo de pote", 3, nil, nil, post.Plan{})
	if err != nil {
		t.Fatal(err)
	}
	posts := pending.Posts
	edited, failed, untouched := posts[0].Id, posts[1].Id, posts[2].Id
	time.Sleep(2 * time.Millisecond) // a later save moves `updated`
	stored := testutil.FindPost(t, app, edited)
	stored.Set(post.PublishOnField, "2030-01-02")
	if err := app.Save(stored); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().Update(post.Collection, dbx.Params{"status": post.StatusFailed, "error": post.MsgInterrupted},
		dbx.HashExp{"id": failed}).Execute(); err != nil {
		t.Fatal(err)
	}

	generated := []content.Post{
		{Role: content.RoleProduct, Hook: "Gancho 1", Caption: "Gancho 1: bolo de pote fresquinho.", ProductionNote: "Foto de cima."},
		{Role: content.RoleTip, Hook: "Gancho 2", Caption: "Gancho 2: como guardar o bolo de pote.", ProductionNote: "Foto de lado."},
		{Role: content.RoleOffer, Hook: "Gancho 3", Caption: "Gancho 3: dois bolos de pote.", ProductionNote: "Foto dos dois."},
	}
	settled, err := post.Complete(app, posts, generated, "test-model", [][]checks.Result{{}, {}, {}})
	if err != nil {
		t.Fatal(err)
	}
	if len(settled) != 3 {
		t.Fatalf("settled %d posts, want 3", len(settled))
	}
	if p := testutil.FindPost(t, app, edited); p.GetString("status") != post.StatusReady || p.GetString("hook") != "Gancho 1" ||
		p.GetString(post.PublishOnField) != "2030-01-02" {
		t.Errorf("post saved meanwhile: %v", p.PublicExport())
	}
	if p := testutil.FindPost(t, app, failed); p.GetString("status") != post.StatusFailed || p.GetString("hook") != "" {
		t.Errorf("post no longer generating was written: %v", p.PublicExport())
	}
	if settled[1].GetString("status") != post.StatusFailed {
		t.Errorf("result for the failed post says %q", settled[1].GetString("status"))
	}
	if p := testutil.FindPost(t, app, untouched); p.GetString("status") != post.StatusReady || p.GetString("hook") != "Gancho 3" {
		t.Errorf("untouched post: %v", p.PublicExport())
	}
}
