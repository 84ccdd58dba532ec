package post_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
)

// An edited post is re-checked against what it was generated with: its
// business's profile, its brief, the openings before its request, and the
// other posts of its request (same brief, created together), not against
// a later request with the same brief.
func TestCheckInputRebuildsTheContext(t *testing.T) {
	app := fx.NewApp(t)
	defer app.Cleanup()

	mustPost := func(brief, role, hook string, age time.Duration) string {
		t.Helper()
		id, err := testutil.NewPost(app, fx.AliceBusiness, brief, role, hook)
		if err != nil {
			t.Fatal(err)
		}
		if age > 0 {
			setCreated(t, app, id, time.Now().Add(-age))
		}
		return id
	}
	setCreated(t, app, fx.AlicePost, time.Now().Add(-3*time.Hour))
	mustPost("outro pedido", "produto", "Bolo de pote saindo agora.", 2*time.Hour)
	mustPost("bolo de pote de brigadeiro", "dica", "O mesmo pedido, outro dia.", time.Hour)
	// The request of the edited post and its sibling is a record: the
	// posts of another request with the same brief are not its siblings.
	req, err := testutil.NewRequest(app, fx.AliceBusiness, "bolo de pote de brigadeiro")
	if err != nil {
		t.Fatal(err)
	}
	edited, err := testutil.NewPostOf(app, fx.AliceBusiness, req, "produto", "Hook deste post.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testutil.NewPostOf(app, fx.AliceBusiness, req, "historia", "Hook do irmão."); err != nil {
		t.Fatal(err)
	}
	if _, err := testutil.NewPost(app, fx.BobBusiness, "bolo de pote de brigadeiro", "produto", "De outro negócio."); err != nil {
		t.Fatal(err)
	}

	in, err := post.CheckInput(app, testutil.FindPost(t, app, edited))
	if err != nil {
		t.Fatal(err)
	}
	if in.Business.Name != "Confeitaria da Lu" || in.Business.Phone == "" || len(in.Business.Services) != 1 {
		t.Errorf("business %+v", in.Business)
	}
	if in.Brief != "bolo de pote de brigadeiro" || in.Post.Hook != "Hook deste post." {
		t.Errorf("brief %q, hook %q", in.Brief, in.Post.Hook)
	}
	if len(in.Others) != 1 || in.Others[0].Hook != "Hook do irmão." {
		t.Errorf("others %+v, want only the sibling", in.Others)
	}
	want := []string{"O mesmo pedido, outro dia.", "Bolo de pote saindo agora.", "Olha esse bolo!"}
	if len(in.PreviousHooks) != len(want) {
		t.Fatalf("previous hooks %q, want %q", in.PreviousHooks, want)
	}
	for i := range want {
		if in.PreviousHooks[i] != want[i] {
			t.Fatalf("previous hooks %q, want %q (newest first)", in.PreviousHooks, want)
		}
	}
}

func setCreated(t *testing.T, app core.App, id string, at time.Time) {
	t.Helper()
	_, err := app.DB().NewQuery("UPDATE posts SET created = {:at} WHERE id = {:id}").
		Bind(dbx.Params{"at": at.UTC().Format(types.DefaultDateLayout), "id": id}).Execute()
	if err != nil {
		t.Fatal(err)
	}
}
