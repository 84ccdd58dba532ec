package routes_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/testutil"
)

// datesEnv binds the routes with a fixed "today".
func datesEnv(today string, seed func(testing.TB, *tests.TestApp)) (func(testing.TB) *tests.TestApp, func(testing.TB, *tests.TestApp, *core.ServeEvent)) {
	factory := func(t testing.TB) *tests.TestApp {
		app := fx.NewApp(t)
		if seed != nil {
			seed(t, app)
		}
		return app
	}
	before := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		day, err := calendar.ParseDate(today)
		if err != nil {
			t.Fatal(err)
		}
		routes.Bind(e.Router, routes.Deps{
			Content: testutil.Content{Writer: &scriptedWriter{}, Configured: true},
			Today:   func() calendar.Date { return day },
		})
	}
	return factory, before
}

type datesBody struct {
	Today string   `json:"today"`
	Days  int      `json:"days"`
	Tags  []string `json:"tags"`
	Dates []struct {
		OccasionID string   `json:"occasion_id"`
		Name       string   `json:"name"`
		Date       string   `json:"date"`
		StartBy    string   `json:"start_by"`
		DaysUntil  int      `json:"days_until"`
		Angle      string   `json:"angle"`
		Planned    bool     `json:"planned"`
		Posts      []string `json:"posts"`
		Requests   []string `json:"requests"`
	} `json:"dates"`
	Plan struct {
		Month     string `json:"month"`
		Target    int    `json:"target"`
		Scheduled int    `json:"scheduled"`
	} `json:"plan"`
}

func decodeDates(t testing.TB, res *http.Response) datesBody {
	t.Helper()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body datesBody
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return body
}

func TestDatesRefusals(t *testing.T) {
	url := "/api/rekan/businesses/" + fx.AliceBusiness + "/dates"
	factory, before := datesEnv("2026-04-20", nil)
	notFound := []string{`"status":404`, `"message":"Negócio não encontrado."`}
	for _, s := range []tests.ApiScenario{
		{Name: "no auth", URL: url, ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}},
		{Name: "superuser", URL: url, Headers: auth(fx.SuperuserToken), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "foreign business", URL: url, Headers: auth(fx.BobToken), ExpectedStatus: 404, ExpectedContent: notFound},
		{Name: "unknown business", URL: "/api/rekan/businesses/nope/dates", Headers: auth(fx.AliceToken), ExpectedStatus: 404, ExpectedContent: notFound},
		{Name: "days not a number", URL: url + "?days=sessenta", Headers: auth(fx.AliceToken), ExpectedStatus: 400,
			ExpectedContent: []string{`"days":{"code":"validation_invalid_days","message":"O período deve ser um número inteiro de 1 a 366 dias."}`}},
		{Name: "days zero", URL: url + "?days=0", Headers: auth(fx.AliceToken), ExpectedStatus: 400, ExpectedContent: []string{`validation_invalid_days`}},
		{Name: "days above a year", URL: url + "?days=367", Headers: auth(fx.AliceToken), ExpectedStatus: 400, ExpectedContent: []string{`validation_invalid_days`}},
	} {
		s.Method = http.MethodGet
		s.TestAppFactory = factory
		s.BeforeTestFunc = before
		s.Test(t)
	}
}

// Alice's business is a confeitaria in SP: on 20/04/2026 the next 30 days
// hold Tiradentes, Dia do Trabalhador and Dia das Mães, which a
// confeitaria starts 30 days ahead.
func TestDatesForAClient(t *testing.T) {
	factory, before := datesEnv("2026-04-20", nil)
	s := tests.ApiScenario{
		Name: "confeitaria SP", Method: http.MethodGet,
		URL:            "/api/rekan/businesses/" + fx.AliceBusiness + "/dates?days=30",
		Headers:        auth(fx.AliceToken),
		ExpectedStatus: 200,
		ExpectedContent: []string{`"today":"2026-04-20"`, `"days":30`,
			`"occasion_id":"dia-das-maes"`, `"date":"2026-05-10"`, `"start_by":"2026-04-10"`, `"days_until":20`},
		NotExpectedContent: []string{`"occasion_id":"dia-do-forro"`, `"occasion_id":"sao-joao"`},
		TestAppFactory:     factory,
		BeforeTestFunc:     before,
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			body := decodeDates(t, res)
			var got []string
			for _, d := range body.Dates {
				got = append(got, d.OccasionID)
				if d.Planned || len(d.Posts) != 0 {
					t.Errorf("%s planned with nothing scheduled", d.OccasionID)
				}
			}
			if want := []string{"tiradentes", "dia-do-trabalhador", "dia-das-maes"}; !slices.Equal(got, want) {
				t.Errorf("dates %v, want %v", got, want)
			}
			if !slices.Equal(body.Tags, []string{"alimentacao", "confeitaria"}) {
				t.Errorf("tags %v", body.Tags)
			}
		},
	}
	s.Test(t)
}

// withPlanningFields adds, in this test only, the fields issue 18 brings
// (posts.publish_on, requests.occasion) when the schema lacks them, and
// schedules: a post on 01/05 (inside Dia das Mães's lead window), a post
// on 25/05 (outside every window), a request for "Dia das Mães" and one of
// Bob's posts on 09/05.
func withPlanningFields(t testing.TB, app *tests.TestApp) {
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		t.Fatal(err)
	}
	if posts.Fields.GetByName("publish_on") == nil {
		posts.Fields.Add(&core.TextField{Name: "publish_on"})
		if err := app.Save(posts); err != nil {
			t.Fatal(err)
		}
	}
	requests, err := app.FindCollectionByNameOrId("requests")
	if err != nil {
		businesses, _ := app.FindCollectionByNameOrId("businesses")
		requests = core.NewBaseCollection("requests")
		requests.Fields.Add(
			&core.RelationField{Name: "business", CollectionId: businesses.Id, MaxSelect: 1},
			&core.TextField{Name: "occasion"},
		)
		if err := app.Save(requests); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []struct{ business, publishOn string }{
		{fx.AliceBusiness, "2026-05-01"}, {fx.AliceBusiness, "2026-05-25"}, {fx.BobBusiness, "2026-05-09"},
	} {
		id, err := testutil.NewPost(app, p.business, "post agendado", "produto", "Gancho")
		if err != nil {
			t.Fatal(err)
		}
		post, _ := app.FindRecordById("posts", id)
		post.Set("publish_on", p.publishOn)
		if err := app.SaveNoValidate(post); err != nil {
			t.Fatal(err)
		}
	}
	request := core.NewRecord(requests)
	request.Set("business", fx.AliceBusiness)
	request.Set("occasion", "Dia das Maes")
	if err := app.SaveNoValidate(request); err != nil {
		t.Fatal(err)
	}
	biz, _ := app.FindRecordById("businesses", fx.AliceBusiness)
	biz.Set("posts_per_month", 12)
	if err := app.Save(biz); err != nil {
		t.Fatal(err)
	}
}

func TestDatesShowWhatIsPlanned(t *testing.T) {
	factory, before := datesEnv("2026-04-20", withPlanningFields)
	s := tests.ApiScenario{
		Name: "planned", Method: http.MethodGet,
		URL:             "/api/rekan/businesses/" + fx.AliceBusiness + "/dates?days=30",
		Headers:         auth(fx.AliceToken),
		ExpectedStatus:  200,
		ExpectedContent: []string{`"planned":true`},
		TestAppFactory:  factory,
		BeforeTestFunc:  before,
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			body := decodeDates(t, res)
			for _, d := range body.Dates {
				switch d.OccasionID {
				case "dia-das-maes":
					if !d.Planned || len(d.Posts) != 1 || len(d.Requests) != 1 {
						t.Errorf("Dia das Mães: planned %v, posts %v, requests %v; want the 01/05 post and the request", d.Planned, d.Posts, d.Requests)
					}
				case "dia-do-trabalhador":
					// Its window is 26/04-01/05: the 01/05 post is in it.
					if !d.Planned || len(d.Requests) != 0 {
						t.Errorf("Dia do Trabalhador: planned %v, requests %v", d.Planned, d.Requests)
					}
				case "tiradentes":
					if d.Planned {
						t.Errorf("Tiradentes planned: %v", d.Posts)
					}
				}
			}
			if body.Plan.Month != "2026-04" || body.Plan.Target != 12 || body.Plan.Scheduled != 0 {
				t.Errorf("plan %+v", body.Plan)
			}
		},
	}
	s.Test(t)

	// In May the plan counts Alice's two May posts, not Bob's.
	factory, before = datesEnv("2026-05-02", withPlanningFields)
	may := tests.ApiScenario{
		Name: "plan in May", Method: http.MethodGet,
		URL:     "/api/rekan/businesses/" + fx.AliceBusiness + "/dates",
		Headers: auth(fx.AliceToken), ExpectedStatus: 200,
		ExpectedContent: []string{`"plan":{"month":"2026-05","target":12,"scheduled":2}`},
		TestAppFactory:  factory, BeforeTestFunc: before,
	}
	may.Test(t)
}

func TestSegmentTags(t *testing.T) {
	factory, before := datesEnv("2026-04-20", nil)
	for _, s := range []tests.ApiScenario{
		{Name: "no auth", URL: "/api/rekan/segment-tags", ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}},
		{Name: "tags and a suggestion", URL: "/api/rekan/segment-tags?segment=Banda%20de%20Forr%C3%B3", Headers: auth(fx.AliceToken), ExpectedStatus: 200,
			ExpectedContent: []string{`{"id":"confeitaria","label":"Confeitaria, bolos e doces"}`, `"suggested":["forro","musica"]`}},
		{Name: "no segment", URL: "/api/rekan/segment-tags", Headers: auth(fx.AliceToken), ExpectedStatus: 200,
			ExpectedContent: []string{`"suggested":[]`}},
	} {
		s.Method = http.MethodGet
		s.TestAppFactory = factory
		s.BeforeTestFunc = before
		s.Test(t)
	}
}

// The dates across an operator's clients: only their own clients, each
// date with the clients it fits and how many have nothing planned.
func TestComingDatesAcrossClients(t *testing.T) {
	seed := func(t testing.TB, app *tests.TestApp) {
		withPlanningFields(t, app)
		id, err := testutil.NewBusiness(app, fx.AliceID, "Barbearia do Zé")
		if err != nil {
			t.Fatal(err)
		}
		biz, _ := app.FindRecordById("businesses", id)
		biz.Set("segment", "barbearia")
		biz.Set("segment_tags", []string{})
		biz.Set("state", "PE")
		if err := app.Save(biz); err != nil {
			t.Fatal(err)
		}
	}
	factory, before := datesEnv("2026-04-20", seed)
	for _, s := range []tests.ApiScenario{
		{Name: "no auth", URL: "/api/rekan/dates", ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}},
		{Name: "bad window", URL: "/api/rekan/dates?days=0", Headers: auth(fx.AliceToken), ExpectedStatus: 400, ExpectedContent: []string{`validation_invalid_days`}},
		{Name: "alice's clients", URL: "/api/rekan/dates?days=30", Headers: auth(fx.AliceToken), ExpectedStatus: 200,
			ExpectedContent:    []string{`"today":"2026-04-20"`, `"days":30`, `"name":"Barbearia do Zé"`, `"name":"Confeitaria da Lu"`},
			NotExpectedContent: []string{`Barbearia Navalha`},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				var body struct {
					Dates []struct {
						OccasionID string `json:"occasion_id"`
						Unplanned  int    `json:"unplanned"`
						Clients    []struct {
							Name    string `json:"name"`
							StartBy string `json:"start_by"`
							Planned bool   `json:"planned"`
						} `json:"clients"`
					} `json:"dates"`
				}
				raw, _ := io.ReadAll(res.Body)
				if err := json.Unmarshal(raw, &body); err != nil {
					t.Fatal(err)
				}
				found := false
				for _, d := range body.Dates {
					if d.OccasionID != "dia-das-maes" {
						continue
					}
					found = true
					if len(d.Clients) != 2 || d.Unplanned != 1 {
						t.Errorf("Dia das Mães: %+v", d)
					}
					for _, c := range d.Clients {
						wantStart, wantPlanned := "2026-04-10", true
						if c.Name == "Barbearia do Zé" {
							wantStart, wantPlanned = "2026-04-26", false
						}
						if c.StartBy != wantStart || c.Planned != wantPlanned {
							t.Errorf("%s: start %s planned %v", c.Name, c.StartBy, c.Planned)
						}
					}
				}
				if !found {
					t.Errorf("no Dia das Mães in %s", raw)
				}
			}},
	} {
		s.Method = http.MethodGet
		s.TestAppFactory = factory
		s.BeforeTestFunc = before
		s.Test(t)
	}
}
