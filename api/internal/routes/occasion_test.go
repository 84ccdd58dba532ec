package routes_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/idea"
	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
	"github.com/rekan/rekan/eval/content"
)

// ideaOfMothersDay is the idea the operator turns into a generation, as
// the ideas route stores it.
var ideaOfMothersDay = content.Idea{Title: "Bolo para a mãe", Brief: "bolo de pote para o Dia das Mães", Type: "foto", PublishOn: "2026-05-08"}

// occasionEnv seeds Alice's idea for Dia das Mães and binds the routes on
// 2026-04-20.
func occasionEnv(w *scriptedWriter) (func(testing.TB) *tests.TestApp, func(testing.TB, *tests.TestApp, *core.ServeEvent)) {
	factory := func(t testing.TB) *tests.TestApp {
		app := fx.NewApp(t)
		if _, err := idea.Save(app, fx.AliceBusiness, "dia-das-maes", calendar.Date{Year: 2026, Month: 5, Day: 10}, []content.Idea{ideaOfMothersDay}, "m"); err != nil {
			t.Fatal(err)
		}
		return app
	}
	before := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		routes.Bind(e.Router, routes.Deps{
			Content: testutil.Content{Writer: w, Configured: true},
			Today:   func() calendar.Date { return calendar.Date{Year: 2026, Month: 4, Day: 20} },
		})
	}
	return factory, before
}

// carriesTheIdea asserts that the generation stored the idea's occasion on
// its request, the idea's date on every post, and told the writer.
func carriesTheIdea(w *scriptedWriter, count int) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		posts := decodePosts(t, res, "")
		if len(posts) != count {
			t.Fatalf("got %d posts, want %d", len(posts), count)
		}
		stored, err := app.FindAllRecords("ideas")
		if err != nil || len(stored) != 1 {
			t.Fatalf("ideas: %v %d", err, len(stored))
		}
		for _, p := range posts {
			if p["publish_on"] != stored[0].GetString("publish_on") {
				t.Errorf("post publish_on %v, want the idea's %q", p["publish_on"], stored[0].GetString("publish_on"))
			}
			rec := testutil.FindPost(t, app, p["id"].(string))
			if rec.GetString("publish_on") != "2026-05-08" {
				t.Errorf("stored publish_on %q", rec.GetString("publish_on"))
			}
			req, err := app.FindRecordById("requests", rec.GetString("request"))
			if err != nil {
				t.Fatal(err)
			}
			if req.GetString("occasion") != stored[0].GetString("occasion") || req.GetString("brief") != stored[0].GetString("brief") {
				t.Errorf("request occasion %q brief %q, want the idea's", req.GetString("occasion"), req.GetString("brief"))
			}
		}
		if w.Calls() != 1 {
			t.Fatalf("writer calls %d", w.Calls())
		}
		o := w.calls[0].Occasion
		if o == nil || o.Name != "Dia das Mães" || o.Date != "2026-05-10" || o.StartBy != "2026-04-10" || o.Angle == "" {
			t.Errorf("writer's occasion %+v", o)
		}
	}
}

// An idea turned into a generation (JSON, and multipart as the web app
// sends it with photos) carries its occasion and publish date; a bad one
// is a Portuguese 400 with nothing written and no LLM call.
func TestGenerateFromAnIdea(t *testing.T) {
	genURL := "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate"
	good := `{"brief":"bolo de pote para o Dia das Mães","count":2,"occasion":"dia-das-maes","publish_on":"2026-05-08"}`
	cases := []struct {
		name, body string
		status     int
		want       []string
	}{
		{"idea as JSON", good, 200, []string{`"publish_on":"2026-05-08"`, `"occasion":"dia-das-maes"`}},
		{"unknown occasion", `{"brief":"bolo","occasion":"dia-do-saci"}`, 400,
			[]string{`"occasion":{"code":"validation_invalid_occasion","message":"Escolha uma data do calendário deste cliente."}`}},
		{"occasion of another segment", `{"brief":"bolo","occasion":"dia-do-forro"}`, 400, []string{`validation_invalid_occasion`}},
		{"occasion not a text", `{"brief":"bolo","occasion":7}`, 400, []string{`"occasion":{"code":"validation_invalid_type"`}},
		{"publish date not a date", `{"brief":"bolo","publish_on":"08/05/2026"}`, 400,
			[]string{`"publish_on":{"code":"validation_invalid_date","message":"Data de publicação inválida: use uma data no formato AAAA-MM-DD."}`}},
		{"publish date not a real day", `{"brief":"bolo","publish_on":"2026-02-30"}`, 400, []string{`"publish_on":{"code":"validation_invalid_date"`}},
	}
	for _, c := range cases {
		w := &scriptedWriter{}
		factory, before := occasionEnv(w)
		after := carriesTheIdea(w, 2)
		if c.status != 200 {
			after = writesNothing(w)
		}
		s := tests.ApiScenario{
			Name: c.name, Method: http.MethodPost, URL: genURL, Body: strings.NewReader(c.body),
			Headers: auth(fx.AliceToken), ExpectedStatus: c.status, ExpectedContent: c.want,
			TestAppFactory: factory, BeforeTestFunc: before, AfterTestFunc: after,
		}
		s.Test(t)
	}

	w := &scriptedWriter{}
	factory, before := occasionEnv(w)
	body, contentType := testutil.Multipart(t,
		map[string]string{"brief": ideaOfMothersDay.Brief, "count": "1", "occasion": "dia-das-maes", "publish_on": "2026-05-08"},
		jpegPart(phototest.JPEG(400, 300, phototest.Red, phototest.Blue, 0)))
	(&tests.ApiScenario{
		Name: "idea as multipart with a photo", Method: http.MethodPost, URL: genURL, Body: body,
		Headers:        map[string]string{"Authorization": fx.AliceToken, "Content-Type": contentType},
		ExpectedStatus: 200, ExpectedContent: []string{`"publish_on":"2026-05-08"`},
		TestAppFactory: factory, BeforeTestFunc: before, AfterTestFunc: carriesTheIdea(w, 1),
	}).Test(t)

	w = &scriptedWriter{}
	factory, before = occasionEnv(w)
	body, contentType = testutil.Multipart(t, map[string]string{"brief": "bolo", "occasion": "dia-do-saci"}, jpegPart(phototest.JPEG(400, 300, phototest.Red, phototest.Blue, 0)))
	(&tests.ApiScenario{
		Name: "bad occasion as multipart", Method: http.MethodPost, URL: genURL, Body: body,
		Headers:        map[string]string{"Authorization": fx.AliceToken, "Content-Type": contentType},
		ExpectedStatus: 400, ExpectedContent: []string{`validation_invalid_occasion`},
		TestAppFactory: factory, BeforeTestFunc: before,
		AfterTestFunc: writesNoFiles(writesNothing(w)),
	}).Test(t)
}

// A retry writes for its request's occasion again.
func TestRetryKeepsTheOccasion(t *testing.T) {
	w := &scriptedWriter{}
	_, before := occasionEnv(w)
	var postID string
	factory := func(t testing.TB) *tests.TestApp {
		app := fx.NewApp(t)
		id, err := testutil.NewPost(app, fx.AliceBusiness, "bolo de pote para o Dia das Mães", "produto", "Gancho")
		if err != nil {
			t.Fatal(err)
		}
		p := testutil.FindPost(t, app, id)
		req, err := app.FindRecordById("requests", p.GetString("request"))
		if err != nil {
			t.Fatal(err)
		}
		req.Set("occasion", "dia-das-maes")
		if err := app.Save(req); err != nil {
			t.Fatal(err)
		}
		postID = id
		return app
	}
	s := tests.ApiScenario{
		Name: "retry of a post for Dia das Mães", Method: http.MethodPost,
		Headers: auth(fx.AliceToken), ExpectedStatus: 200, ExpectedContent: []string{`"status":"ready"`},
		TestAppFactory: factory,
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			before(t, app, e)
		},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if w.Calls() != 1 || w.calls[0].Occasion == nil || w.calls[0].Occasion.Name != "Dia das Mães" || w.calls[0].Occasion.Date != "2026-05-10" {
				t.Errorf("writer calls %d, occasion %+v", w.Calls(), w.calls)
			}
		},
	}
	// The URL names the post the factory creates: build the app first.
	app := s.TestAppFactory(t)
	s.TestAppFactory = func(testing.TB) *tests.TestApp { return app }
	s.URL = "/api/rekan/posts/" + postID + ":retry"
	s.Test(t)
}
