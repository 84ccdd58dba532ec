package routes_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rekan/rekan/api/internal/budget"
	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/testutil"
)

// spendAt records a spend of operator created at the given age.
func spendAt(t testing.TB, app core.App, operator string, age time.Duration) {
	t.Helper()
	coll, err := app.FindCollectionByNameOrId(budget.Collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(coll)
	r.Set("operator", operator)
	r.Set("kind", budget.KindGenerate)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	at, _ := types.ParseDateTime(time.Now().Add(-age))
	if _, err := app.DB().Update(budget.Collection, dbx.Params{"created": at.String()}, dbx.HashExp{"id": r.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

func spends(t testing.TB, app core.App, operator string) int {
	t.Helper()
	n, err := app.CountRecords(budget.Collection, dbx.HashExp{"operator": operator})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestGenerationBudget: the per-operator budget counts every kind of
// generation, only the operator's own spends of the last hour, and refuses
// beyond it with 429, Retry-After and how long in Portuguese.
func TestGenerationBudget(t *testing.T) {
	generate := func(biz string) (string, string) {
		return "/api/rekan/businesses/" + biz + "/posts:generate", `{"brief":"bolo de pote de morango","count":1}`
	}
	genURL, genBody := generate(fx.AliceBusiness)
	cases := []struct {
		name, url, body string
		// before are the ages of Alice's and Bob's earlier spends.
		alice, bob []time.Duration
		status     int
		want       []string
		// retryAfter bounds the Retry-After header (seconds) of a 429.
		retryMin, retryMax int
		aliceSpends        int
	}{
		{name: "under the budget", url: genURL, body: genBody, alice: []time.Duration{time.Minute}, status: 200, want: []string{`"posts"`}, aliceSpends: 2},
		{name: "spent: generate refused", url: genURL, body: genBody, alice: []time.Duration{time.Minute, 2 * time.Minute}, status: 429,
			want: []string{`"code":"generation_budget"`, `limite de gerações por hora`, `Tente de novo em 58 minutos`}, retryMin: 3479, retryMax: 3481, aliceSpends: 2},
		{name: "oldest spend frees soon", url: genURL, body: genBody, alice: []time.Duration{59*time.Minute + 30*time.Second, time.Minute}, status: 429,
			want: []string{`Tente de novo em 30 segundos`}, retryMin: 29, retryMax: 31, aliceSpends: 2},
		{name: "spends older than an hour do not count", url: genURL, body: genBody, alice: []time.Duration{61 * time.Minute, 2 * time.Hour, time.Minute}, status: 200, want: []string{`"posts"`}, aliceSpends: 4},
		{name: "another operator's spends do not count", url: genURL, body: genBody, bob: []time.Duration{time.Minute, time.Minute}, status: 200, want: []string{`"posts"`}, aliceSpends: 1},
		{name: "retry counts", url: "/api/rekan/posts/" + fx.AlicePost + ":retry", alice: []time.Duration{time.Minute, time.Minute}, status: 429, want: []string{`"code":"generation_budget"`}, retryMin: 3539, retryMax: 3541, aliceSpends: 2},
		{name: "retry spends one", url: "/api/rekan/posts/" + fx.AlicePost + ":retry", status: 200, want: []string{`"posts"`}, aliceSpends: 1},
		{name: "ideas count", url: "/api/rekan/businesses/" + fx.AliceBusiness + "/ideas", body: `{"occasion_id":"dia-das-maes","date":"2026-05-10"}`, alice: []time.Duration{time.Minute, time.Minute}, status: 429, want: []string{`"code":"generation_budget"`}, retryMin: 3539, retryMax: 3541, aliceSpends: 2},
		{name: "invalid input spends nothing", url: genURL, body: `{"brief":"","count":1}`, status: 400, want: []string{`"brief"`}, aliceSpends: 0},
	}
	for _, c := range cases {
		writer := &scriptedWriter{}
		s := tests.ApiScenario{
			Name: c.name, Method: http.MethodPost, URL: c.url,
			Body: strings.NewReader(c.body), Headers: auth(fx.AliceToken),
			ExpectedStatus: c.status, ExpectedContent: c.want,
			TestAppFactory: func(t testing.TB) *tests.TestApp { return fx.NewApp(t) },
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				for _, age := range c.alice {
					spendAt(t, app, fx.AliceID, age)
				}
				for _, age := range c.bob {
					spendAt(t, app, fx.BobID, age)
				}
				today, _ := calendar.ParseDate("2026-04-20")
				routes.Bind(e.Router, routes.Deps{
					Content: testutil.Content{Writer: writer, Configured: true, Ideas: &scriptedIdeator{}},
					Budget:  &budget.Budget{PerHour: 2},
					Today:   func() calendar.Date { return today },
				})
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if got := spends(t, app, fx.AliceID); got != c.aliceSpends {
					t.Errorf("alice has %d spends, want %d", got, c.aliceSpends)
				}
				if c.status != http.StatusTooManyRequests {
					return
				}
				if len(writer.calls) != 0 {
					t.Errorf("a refused generation reached the writer")
				}
				secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
				if err != nil || secs < c.retryMin || secs > c.retryMax {
					t.Errorf("Retry-After %q, want %d-%d", res.Header.Get("Retry-After"), c.retryMin, c.retryMax)
				}
			},
		}
		s.Test(t)
	}
}
