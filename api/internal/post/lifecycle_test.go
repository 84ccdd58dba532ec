package post_test

import (
	"testing"

	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
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
	if p.GetString("status") != "failed" || p.GetString("error") == "" || p.GetString("brief") != "bolo de casamento" {
		t.Errorf("interrupted post: %v", p.PublicExport())
	}
	if other := testutil.FindPost(t, app, fx.BobPost); other.GetString("status") != "ready" {
		t.Errorf("ready post touched: %s", other.GetString("status"))
	}
}
