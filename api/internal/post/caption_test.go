package post_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
)

// A post is text to copy and share: an edit cannot leave it without a
// caption (nor with one of invisible characters only), and nothing of the
// refused edit is saved.
func TestEmptyCaptionIsRefused(t *testing.T) {
	for name, caption := range map[string]string{"empty": ``, "blank": ` \n\u200b\ufe0f `} {
		s := tests.ApiScenario{
			Name:            "caption " + name,
			Method:          http.MethodPatch,
			URL:             "/api/collections/posts/records/" + fx.AlicePost,
			Body:            strings.NewReader(`{"caption":"` + caption + `","production_note":"nova nota"}`),
			Headers:         map[string]string{"Authorization": fx.AliceToken, "Content-Type": "application/json"},
			TestAppFactory:  fx.NewApp,
			ExpectedStatus:  400,
			ExpectedContent: []string{`"caption":{"code":"validation_required","message":"` + post.MsgCaptionEmpty + `"}`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				p := testutil.FindPost(t, app, fx.AlicePost)
				if p.GetString("caption") == "" || p.GetString("production_note") == "nova nota" || p.GetBool("edited") {
					t.Errorf("refused edit saved: caption %q note %q", p.GetString("caption"), p.GetString("production_note"))
				}
			},
		}
		s.Test(t)
	}
}
