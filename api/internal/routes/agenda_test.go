package routes_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/clock"
	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/testutil"
)

type agendaBody struct {
	Today   string `json:"today"`
	Month   string `json:"month"`
	Clients int    `json:"clients"`
	Buckets []struct {
		Key   string `json:"key"`
		Total int    `json:"total"`
		Posts []struct {
			ID     string `json:"id"`
			Client struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"client"`
			FirstLine string `json:"first_line"`
			Stage     string `json:"stage"`
			PublishOn string `json:"publish_on"`
		} `json:"posts"`
	} `json:"buckets"`
	Days []struct {
		Date  string `json:"date"`
		Posts []struct {
			ID string `json:"id"`
		} `json:"posts"`
	} `json:"days"`
	Plans []struct {
		Client struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"client"`
		Target    int `json:"target"`
		Scheduled int `json:"scheduled"`
	} `json:"plans"`
}

// agendaPosts are Alice's dated posts (two clients) and one of Bob's; the
// clock says Monday 2026-05-11 in São Paulo.
var agendaPosts = []struct{ key, client, publishOn, stage, wantBucket string }{
	{"late", "alice", "2026-05-08", "rascunho", "atrasados"},
	{"late-sent", "alice", "2026-05-10", "enviado", "atrasados"},
	{"published", "alice", "2026-05-09", "publicado", ""},
	{"archived", "alice", "2026-04-30", "arquivado", ""},
	{"today", "alice", "2026-05-11", "aprovado", "hoje"},
	{"published-today", "alice2", "2026-05-11", "publicado", "hoje"},
	{"week-end", "alice2", "2026-05-18", "rascunho", "proximos"},
	{"next", "alice2", "2026-05-12", "rascunho", "proximos"},
	{"after", "alice2", "2026-05-19", "rascunho", "depois"},
	{"june", "alice", "2026-06-02", "aprovado", "depois"},
	{"bob", "bob", "2026-05-11", "rascunho", ""},
}

// seedAgenda stores agendaPosts and returns their ids by key and the id of
// Alice's second client.
func seedAgenda(t testing.TB, app *tests.TestApp) (map[string]string, string) {
	alice2, err := testutil.NewBusiness(app, fx.AliceID, "Barbearia do Zé")
	if err != nil {
		t.Fatal(err)
	}
	biz, err := app.FindRecordById("businesses", fx.AliceBusiness)
	if err != nil {
		t.Fatal(err)
	}
	biz.Set("posts_per_month", 12)
	if err := app.Save(biz); err != nil {
		t.Fatal(err)
	}
	owners := map[string]string{"alice": fx.AliceBusiness, "alice2": alice2, "bob": fx.BobBusiness}
	ids := map[string]string{}
	for _, p := range agendaPosts {
		id, err := testutil.NewPost(app, owners[p.client], "pedido "+p.key, "produto", "Post "+p.key)
		if err != nil {
			t.Fatal(err)
		}
		rec, _ := app.FindRecordById("posts", id)
		rec.Set("publish_on", p.publishOn)
		rec.Set("stage", p.stage)
		if err := app.Save(rec); err != nil {
			t.Fatal(err)
		}
		ids[p.key] = id
	}
	return ids, alice2
}

func decodeAgenda(t testing.TB, res *http.Response) agendaBody {
	t.Helper()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var body agendaBody
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return body
}

// The agenda buckets the operator's own posts by the server's clock
// (clock.Set, read through the routes' default today: UTC is already
// Tuesday, São Paulo still Monday), lists the month day by day and each
// client's plan; another operator's client never shows.
func TestAgenda(t *testing.T) {
	// 2026-05-12 00:30 UTC is Monday 2026-05-11 21:30 in São Paulo.
	defer clock.Set(time.Date(2026, 5, 12, 0, 30, 0, 0, time.UTC))()
	var ids map[string]string
	var alice2 string
	factory := func(t testing.TB) *tests.TestApp {
		app := fx.NewApp(t)
		ids, alice2 = seedAgenda(t, app)
		return app
	}
	before := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		routes.Bind(e.Router, routes.Deps{Content: testutil.Content{Writer: &scriptedWriter{}, Configured: true}})
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "buckets and month of Alice's clients", Method: http.MethodGet, URL: "/api/rekan/agenda",
			Headers: auth(fx.AliceToken), ExpectedStatus: 200,
			ExpectedContent: []string{`"today":"2026-05-11"`, `"month":"2026-05"`, `"first_line":"Post late Feito com carinho aqui no bairro."`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				body := decodeAgenda(t, res)
				got := map[string][]string{}
				for _, b := range body.Buckets {
					if len(b.Posts) != b.Total {
						t.Errorf("bucket %s: %d posts of %d", b.Key, len(b.Posts), b.Total)
					}
					for _, p := range b.Posts {
						got[b.Key] = append(got[b.Key], p.ID)
						if p.Client.ID == fx.BobBusiness {
							t.Errorf("Bob's post %s on Alice's agenda", p.ID)
						}
					}
				}
				if keys := []string{body.Buckets[0].Key, body.Buckets[1].Key, body.Buckets[2].Key, body.Buckets[3].Key}; !slices.Equal(keys, []string{"atrasados", "hoje", "proximos", "depois"}) {
					t.Errorf("bucket order %v", keys)
				}
				want := map[string][]string{}
				for _, p := range agendaPosts {
					if p.wantBucket != "" {
						want[p.wantBucket] = append(want[p.wantBucket], ids[p.key])
					}
				}
				for key, w := range want {
					g := got[key]
					slices.Sort(g)
					slices.Sort(w)
					if !slices.Equal(g, w) {
						t.Errorf("bucket %s: got %v, want %v", key, g, w)
					}
				}
				if body.Clients != 2 || len(body.Days) != 31 {
					t.Fatalf("clients %d, days %d", body.Clients, len(body.Days))
				}
				// The month view: every May post of Alice's, archived and
				// published ones too, on its day.
				var inMay []string
				for _, d := range body.Days {
					for _, p := range d.Posts {
						inMay = append(inMay, d.Date+" "+p.ID)
					}
				}
				wantMay := []string{"2026-05-08 " + ids["late"], "2026-05-09 " + ids["published"], "2026-05-10 " + ids["late-sent"],
					"2026-05-11 " + ids["today"], "2026-05-11 " + ids["published-today"], "2026-05-12 " + ids["next"],
					"2026-05-18 " + ids["week-end"], "2026-05-19 " + ids["after"]}
				slices.Sort(inMay)
				slices.Sort(wantMay)
				if !slices.Equal(inMay, wantMay) {
					t.Errorf("month view %v, want %v", inMay, wantMay)
				}
				plans := map[string][2]int{}
				for _, p := range body.Plans {
					plans[p.Client.ID] = [2]int{p.Scheduled, p.Target}
				}
				if len(plans) != 2 || plans[fx.AliceBusiness] != [2]int{4, 12} || plans[alice2] != [2]int{4, 0} {
					t.Errorf("plans %+v", body.Plans)
				}
			},
		},
		{
			Name: "another month's view and plan", Method: http.MethodGet, URL: "/api/rekan/agenda?month=2026-06",
			Headers: auth(fx.AliceToken), ExpectedStatus: 200, ExpectedContent: []string{`"month":"2026-06"`, `"today":"2026-05-11"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				body := decodeAgenda(t, res)
				if len(body.Days) != 30 || len(body.Days[1].Posts) != 1 || body.Days[1].Posts[0].ID != ids["june"] {
					t.Errorf("june days %+v", body.Days)
				}
				for _, p := range body.Plans {
					if p.Client.ID == fx.AliceBusiness && p.Scheduled != 1 {
						t.Errorf("june plan %+v", p)
					}
				}
			},
		},
		{
			Name: "Bob sees only his client", Method: http.MethodGet, URL: "/api/rekan/agenda",
			Headers: auth(fx.BobToken), ExpectedStatus: 200, NotExpectedContent: []string{fx.AliceBusiness, "Barbearia do Zé"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				body := decodeAgenda(t, res)
				if body.Clients != 1 || body.Buckets[1].Total != 1 || body.Buckets[1].Posts[0].ID != ids["bob"] {
					t.Errorf("Bob's agenda %+v", body)
				}
			},
		},
		{
			Name: "bad month", Method: http.MethodGet, URL: "/api/rekan/agenda?month=2026-13",
			Headers: auth(fx.AliceToken), ExpectedStatus: 400,
			ExpectedContent: []string{`"month":{"code":"validation_invalid_month","message":"Mês inválido: use AAAA-MM."}`},
		},
		{
			Name: "no auth", Method: http.MethodGet, URL: "/api/rekan/agenda",
			ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "superuser", Method: http.MethodGet, URL: "/api/rekan/agenda",
			Headers: auth(fx.SuperuserToken), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.BeforeTestFunc = before
		s.Test(t)
	}
}
