package routes_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/agenda"
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
	Undated struct {
		Total int `json:"total"`
		Posts []struct {
			ID        string `json:"id"`
			Stage     string `json:"stage"`
			PublishOn string `json:"publish_on"`
		} `json:"posts"`
	} `json:"undated"`
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

// undatedPosts have no publish date, created on the day given (long
// before the fixture's own undated drafts, AlicePost and BobPost); "sem
// data" lists the ones on their way out of Alice's, newest first (want:
// their place after AlicePost, 0 = absent).
var undatedPosts = []struct {
	key, client, created, stage string
	want                        int
}{
	{"undated-draft", "alice", "2020-05-01", "rascunho", 4},
	{"undated-changes", "alice2", "2020-05-04", "ajuste", 2},
	{"undated-sent", "alice", "2020-05-03", "enviado", 3},
	{"undated-approved", "alice2", "2020-05-06", "aprovado", 1},
	{"undated-published", "alice", "2020-05-07", "publicado", 0},
	{"undated-archived", "alice", "2020-05-08", "arquivado", 0},
	{"undated-bob", "bob", "2020-05-09", "rascunho", 0},
}

// seedAgenda stores agendaPosts and undatedPosts and returns their ids by key and the id of
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
	// seed stores one post of client with its stage and publish date.
	seed := func(key, client, publishOn, stage string) string {
		id, err := testutil.NewPost(app, owners[client], "pedido "+key, "produto", "Post "+key)
		if err != nil {
			t.Fatal(err)
		}
		rec, _ := app.FindRecordById("posts", id)
		rec.Set("publish_on", publishOn)
		rec.Set("stage", stage)
		if err := app.Save(rec); err != nil {
			t.Fatal(err)
		}
		ids[key] = id
		return id
	}
	for _, p := range agendaPosts {
		seed(p.key, p.client, p.publishOn, p.stage)
	}
	for _, p := range undatedPosts {
		id := seed(p.key, p.client, "", p.stage)
		// created is the server's to set: backdate it under the record.
		_, err := app.DB().NewQuery("UPDATE posts SET created = {:c} WHERE id = {:id}").
			Bind(dbx.Params{"c": p.created + " 12:00:00.000Z", "id": id}).Execute()
		if err != nil {
			t.Fatal(err)
		}
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
				// Sem data: Alice's undated posts on their way out, newest
				// first; published, archived and Bob's ones left out.
				wantUndated := make([]string, 5)
				wantUndated[0] = fx.AlicePost
				for _, p := range undatedPosts {
					if p.want > 0 {
						wantUndated[p.want] = ids[p.key]
					}
				}
				var gotUndated []string
				for _, p := range body.Undated.Posts {
					gotUndated = append(gotUndated, p.ID)
					if p.PublishOn != "" {
						t.Errorf("undated post %s has publish_on %q", p.ID, p.PublishOn)
					}
				}
				if body.Undated.Total != 5 || !slices.Equal(gotUndated, wantUndated) {
					t.Errorf("sem data: total %d %v, want 5 %v", body.Undated.Total, gotUndated, wantUndated)
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
				if got := body.Undated.Posts; body.Undated.Total != 2 || len(got) != 2 || got[0].ID != fx.BobPost || got[1].ID != ids["undated-bob"] {
					t.Errorf("Bob's sem data %+v", body.Undated)
				}
			},
		},
		{
			Name: "sem data lists the newest undated posts and counts them all", Method: http.MethodGet, URL: "/api/rekan/agenda",
			Headers: auth(fx.BobToken), ExpectedStatus: 200,
			ExpectedContent: []string{fmt.Sprintf(`"undated":{"total":%d,`, agenda.MaxUndated+6)},
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := fx.NewApp(t)
				for i := range agenda.MaxUndated + 5 {
					if _, err := testutil.NewPost(app, fx.BobBusiness, "pedido", "produto", fmt.Sprintf("Post %02d", i)); err != nil {
						t.Fatal(err)
					}
				}
				return app
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				body := decodeAgenda(t, res)
				// The fixture's BobPost and the 25 above.
				if body.Undated.Total != agenda.MaxUndated+6 || len(body.Undated.Posts) != agenda.MaxUndated {
					t.Fatalf("sem data: %d posts of %d", len(body.Undated.Posts), body.Undated.Total)
				}
				var last string
				if err := app.DB().NewQuery("SELECT id FROM posts WHERE business = {:b} ORDER BY created DESC, id DESC LIMIT 1").
					Bind(dbx.Params{"b": fx.BobBusiness}).Row(&last); err != nil {
					t.Fatal(err)
				}
				if body.Undated.Posts[0].ID != last {
					t.Errorf("sem data starts with %s, want the newest %s", body.Undated.Posts[0].ID, last)
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
		if s.TestAppFactory == nil {
			s.TestAppFactory = factory
		}
		s.BeforeTestFunc = before
		s.Test(t)
	}
}
