package routes_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/batch"
	"github.com/rekan/rekan/api/internal/budget"
	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/content"
)

// failingFor fails the generations of one business (by name) as a provider
// error and writes the others.
type failingFor struct {
	scriptedWriter
	name string
}

func (w *failingFor) WritePosts(ctx context.Context, req content.Request) (content.Result, error) {
	if req.Business.Name == w.name {
		return content.Result{}, fmt.Errorf("scripted: %w", content.ErrProvider)
	}
	return w.scriptedWriter.WritePosts(ctx, req)
}

// setSegment rewrites a client's free-text segment (its tags follow it).
func setSegment(t testing.TB, app core.App, id, segment string) {
	t.Helper()
	biz, err := app.FindRecordById("businesses", id)
	if err != nil {
		t.Fatal(err)
	}
	biz.Set("segment", segment)
	if err := app.Save(biz); err != nil {
		t.Fatal(err)
	}
}

// batchItems reads the one batch stored, after the worker is idle.
func storedBatch(t testing.TB, app core.App) (*core.Record, []batch.Item) {
	t.Helper()
	all, err := app.FindAllRecords(batch.Collection)
	if err != nil || len(all) != 1 {
		t.Fatalf("%d batches stored (%v), want 1", len(all), err)
	}
	return all[0], batch.Items(all[0])
}

// retryBatch is the id of the batch seedBatch stores.
const retryBatch = "retrybatch00001"

// seedBatch stores Alice's batch retryBatch of a brief with items.
func seedBatch(t testing.TB, app core.App, status string, items []batch.Item) {
	t.Helper()
	coll, _ := app.FindCollectionByNameOrId(batch.Collection)
	b := core.NewRecord(coll)
	b.Id = retryBatch
	b.Set("operator", fx.AliceID)
	b.Set("brief", "promoção de sexta")
	b.Set("count", 1)
	b.Set("status", status)
	b.Set("items", items)
	if err := app.Save(b); err != nil {
		t.Fatal(err)
	}
}

func TestBatches(t *testing.T) {
	const carol, dora = "carolbusiness01", "dorabusiness001"
	type env struct {
		app         *tests.TestApp
		carol, dora string
		worker      *batch.Worker
		writer      *failingFor
	}
	cases := []struct {
		name   string
		url    string
		body   string
		seed   func(t testing.TB, v *env)
		perHr  int
		status int
		want   []string
		check  func(t testing.TB, v *env)
	}{
		{
			name: "one request per client, one failing", perHr: 10, status: 201,
			url:  "/api/rekan/batches",
			body: fmt.Sprintf(`{"clients":[%q,%q,%q],"occasion_id":"dia-das-maes","date":"2026-05-10"}`, fx.AliceBusiness, carol, dora),
			want: []string{`"status":"running"`, `"status":"pending"`},
			check: func(t testing.TB, v *env) {
				b, items := storedBatch(t, v.app)
				if b.GetString("status") != batch.StatusDone {
					t.Errorf("batch status %q, want done", b.GetString("status"))
				}
				var done, failed int
				for _, it := range items {
					switch it.Status {
					case batch.StatusDone:
						done++
					case batch.StatusFailed:
						failed++
						if it.Business != v.dora || !strings.Contains(it.Error, "provedor de IA falhou") {
							t.Errorf("failed item %+v, want Dora's with the provider message", it)
						}
					}
					if it.Request == "" {
						t.Errorf("item %+v has no request", it)
						continue
					}
					req, err := v.app.FindRecordById("requests", it.Request)
					if err != nil || req.GetString("business") != it.Business || req.GetString("occasion") != "dia-das-maes" || !strings.Contains(req.GetString("brief"), "Dia das Mães") {
						t.Errorf("request of %+v: %v %v", it, req, err)
					}
				}
				if done != 2 || failed != 1 {
					t.Errorf("%d done, %d failed; want 2, 1", done, failed)
				}
				// Each client's own voice: the writer saw each profile once.
				names := map[string]int{}
				for _, c := range v.writer.calls {
					names[c.Business.Name]++
				}
				if len(v.writer.calls) != 2 || names["Carol Doces"] != 1 || names["Dora Bolos"] != 0 {
					t.Errorf("writer calls by business: %v", names)
				}
				if got := spends(t, v.app, fx.AliceID); got != 3 {
					t.Errorf("%d spends, want 3 (one per client)", got)
				}
			},
		},
		{
			name: "another operator's client refused", perHr: 10, status: 400,
			url:  "/api/rekan/batches",
			body: fmt.Sprintf(`{"clients":[%q,%q],"brief":"promoção de sexta"}`, fx.AliceBusiness, fx.BobBusiness),
			want: []string{`"clients"`, `Escolha de 1 a 50 clientes seus`},
			check: func(t testing.TB, v *env) {
				if n, _ := v.app.CountRecords(batch.Collection); n != 0 || spends(t, v.app, fx.AliceID) != 0 {
					t.Errorf("a refused batch left %d batches or spends", n)
				}
			},
		},
		{
			name: "neither brief nor date", perHr: 10, status: 400,
			url:  "/api/rekan/batches",
			body: fmt.Sprintf(`{"clients":[%q]}`, fx.AliceBusiness),
			want: []string{`"brief"`},
		},
		{
			name: "a date that is not the occasion's", perHr: 10, status: 400,
			url:  "/api/rekan/batches",
			body: fmt.Sprintf(`{"clients":[%q],"occasion_id":"dia-das-maes","date":"2026-05-11"}`, fx.AliceBusiness),
			want: []string{`"date"`},
		},
		{
			name: "a date that does not fit a client: refused, naming it", perHr: 10, status: 400,
			url:  "/api/rekan/batches",
			body: fmt.Sprintf(`{"clients":[%q],"occasion_id":"dia-da-pizza","date":"2026-07-10"}`, carol),
			want: []string{`"clients":{"code":"validation_occasion_unfit","message":"Dia da Pizza não é uma data para Carol Doces: desmarque o cliente ou corrija os segmentos dele no perfil."}`},
			check: func(t testing.TB, v *env) {
				if n, _ := v.app.CountRecords(batch.Collection); n != 0 || spends(t, v.app, fx.AliceID) != 0 || len(v.writer.calls) != 0 {
					t.Errorf("a refused batch left %d batches or spends or calls", n)
				}
			},
		},
		{
			name: "a date that fits only some clients: the others named", perHr: 10, status: 400,
			seed: func(t testing.TB, v *env) {
				setSegment(t, v.app, v.dora, "pizzaria")
			},
			url:  "/api/rekan/batches",
			body: fmt.Sprintf(`{"clients":[%q,%q,%q],"occasion_id":"dia-da-pizza","date":"2026-07-10"}`, carol, dora, fx.AliceBusiness),
			want: []string{`"validation_occasion_unfit","message":"Dia da Pizza não é uma data para Carol Doces e Confeitaria da Lu: desmarque esses clientes`},
			check: func(t testing.TB, v *env) {
				if n, _ := v.app.CountRecords(batch.Collection); n != 0 || spends(t, v.app, fx.AliceID) != 0 {
					t.Errorf("a refused batch left %d batches or spends", n)
				}
			},
		},
		{
			name: "a date that fits every client chosen", perHr: 10, status: 201,
			seed: func(t testing.TB, v *env) {
				setSegment(t, v.app, v.dora, "Pizzaria do bairro")
				v.writer.name = ""
			},
			url:  "/api/rekan/batches",
			body: fmt.Sprintf(`{"clients":[%q],"occasion_id":"dia-da-pizza","date":"2026-07-10"}`, dora),
			want: []string{`"occasion":"dia-da-pizza"`},
			check: func(t testing.TB, v *env) {
				if b, items := storedBatch(t, v.app); b.GetString("status") != batch.StatusDone || items[0].Status != batch.StatusDone {
					t.Errorf("batch %s %+v", b.GetString("status"), items)
				}
			},
		},
		{
			name: "over the budget: nothing written", perHr: 2, status: 429,
			url:  "/api/rekan/batches",
			body: fmt.Sprintf(`{"clients":[%q,%q,%q],"brief":"promoção de sexta"}`, fx.AliceBusiness, carol, dora),
			want: []string{`"code":"generation_budget"`},
			check: func(t testing.TB, v *env) {
				if n, _ := v.app.CountRecords(batch.Collection); n != 0 || spends(t, v.app, fx.AliceID) != 0 || len(v.writer.calls) != 0 {
					t.Errorf("a refused batch left %d batches or spends or calls", n)
				}
			},
		},
		{
			name: "retry runs the failed items again", perHr: 10, status: 200,
			seed: func(t testing.TB, v *env) {
				seedBatch(t, v.app, batch.StatusDone, []batch.Item{
					{Business: fx.AliceBusiness, Name: "a", Status: batch.StatusDone, Request: "x"},
					{Business: v.carol, Name: "Carol Doces", Status: batch.StatusFailed, Error: "falhou"},
				})
			},
			url:  "/api/rekan/batches/" + retryBatch + ":retry",
			want: []string{`"status":"running"`},
			check: func(t testing.TB, v *env) {
				b, items := storedBatch(t, v.app)
				if b.GetString("status") != batch.StatusDone || items[1].Status != batch.StatusDone || items[1].Request == "" || items[0].Request != "x" {
					t.Errorf("after retry: %s %+v", b.GetString("status"), items)
				}
				if len(v.writer.calls) != 1 || spends(t, v.app, fx.AliceID) != 1 {
					t.Errorf("%d writer calls, %d spends; want 1, 1", len(v.writer.calls), spends(t, v.app, fx.AliceID))
				}
			},
		},
		{
			name: "retry writes an interrupted item's own request again", perHr: 10, status: 200,
			seed: func(t testing.TB, v *env) {
				// A restart cut Carol's item off mid-LLM: its request and
				// post are stored, the post failed as interrupted.
				reqID, err := testutil.NewRequest(v.app, v.carol, "Post para Dia das Mães (10/05): encomendas")
				if err != nil {
					t.Fatal(err)
				}
				req, _ := v.app.FindRecordById("requests", reqID)
				req.Set("occasion", "dia-das-maes")
				if err := v.app.Save(req); err != nil {
					t.Fatal(err)
				}
				postID, err := testutil.NewPostOf(v.app, v.carol, reqID, "", "")
				if err != nil {
					t.Fatal(err)
				}
				p, _ := v.app.FindRecordById("posts", postID)
				p.Set("status", "failed")
				p.Set("error", batch.MsgInterrupted)
				if err := v.app.Save(p); err != nil {
					t.Fatal(err)
				}
				seedBatch(t, v.app, batch.StatusDone, []batch.Item{
					{Business: fx.AliceBusiness, Name: "Confeitaria da Lu", Status: batch.StatusDone, Request: "x"},
					{Business: v.carol, Name: "Carol Doces", Status: batch.StatusFailed, Error: batch.MsgInterrupted, Request: reqID},
				})
			},
			url:  "/api/rekan/batches/" + retryBatch + ":retry",
			want: []string{`"status":"running"`},
			check: func(t testing.TB, v *env) {
				b, items := storedBatch(t, v.app)
				if b.GetString("status") != batch.StatusDone || items[1].Status != batch.StatusDone {
					t.Fatalf("after retry: %s %+v", b.GetString("status"), items)
				}
				requests, _ := v.app.FindAllRecords("requests", dbx.HashExp{"business": v.carol})
				if len(requests) != 1 || items[1].Request != requests[0].Id {
					t.Fatalf("Carol has %d requests, item names %q: want the one stored before the restart", len(requests), items[1].Request)
				}
				posts, _ := v.app.FindAllRecords("posts", dbx.HashExp{"request": requests[0].Id})
				if len(posts) != 1 || posts[0].GetString("status") != "ready" || posts[0].GetString("hook") == "" {
					t.Errorf("the request's posts after retry: %v", posts)
				}
				if len(v.writer.calls) != 1 {
					t.Fatalf("%d writer calls, want 1", len(v.writer.calls))
				}
				call := v.writer.calls[0]
				if call.Brief != "Post para Dia das Mães (10/05): encomendas" || call.Occasion == nil || call.Occasion.Name != "Dia das Mães" || call.Business.Name != "Carol Doces" {
					t.Errorf("the writer was asked %+v, want the stored request's brief and occasion", call)
				}
			},
		},
	}
	for _, c := range cases {
		v := &env{writer: &failingFor{name: "Dora Bolos"}}
		s := tests.ApiScenario{
			Name: c.name, Method: http.MethodPost,
			Headers: auth(fx.AliceToken), ExpectedStatus: c.status, ExpectedContent: c.want,
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				v.app = fx.NewApp(t)
				var err error
				if v.carol, err = testutil.NewBusinessID(v.app, carol, fx.AliceID, "Carol Doces"); err != nil {
					t.Fatal(err)
				}
				if v.dora, err = testutil.NewBusinessID(v.app, dora, fx.AliceID, "Dora Bolos"); err != nil {
					t.Fatal(err)
				}
				if c.seed != nil {
					c.seed(t, v)
				}
				return v.app
			},
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				today, _ := calendar.ParseDate("2026-04-20")
				v.worker = batch.NewWorker(app, nil, 2, nil)
				routes.Bind(e.Router, routes.Deps{
					Content: testutil.Content{Writer: v.writer, Configured: true},
					Budget:  &budget.Budget{PerHour: c.perHr},
					Batches: v.worker,
					Today:   func() calendar.Date { return today },
				})
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				v.worker.Wait()
				if c.check != nil {
					c.check(t, v)
				}
			},
		}
		s.URL, s.Body = c.url, strings.NewReader(c.body)
		s.Test(t)
	}
}
