package migrations_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// batchesApp is the fixture with one batch and one budget spend for each
// operator.
func batchesApp(t testing.TB) *tests.TestApp {
	app := fx.NewApp(t)
	batches, err := app.FindCollectionByNameOrId("batches")
	if err != nil {
		t.Fatal(err)
	}
	spends, err := app.FindCollectionByNameOrId("generation_spends")
	if err != nil {
		t.Fatal(err)
	}
	for i, op := range []string{fx.AliceID, fx.BobID} {
		b := core.NewRecord(batches)
		b.Set("id", []string{"alicebatch0001x", "bobbatch000001x"}[i])
		b.Load(map[string]any{"operator": op, "brief": "promoção", "count": 1, "status": "running",
			"items": []map[string]any{{"business": fx.AliceBusiness, "name": "Confeitaria da Lu", "status": "pending"}}})
		if err := app.Save(b); err != nil {
			t.Fatal(err)
		}
		s := core.NewRecord(spends)
		s.Load(map[string]any{"operator": op, "kind": "generate"})
		if err := app.Save(s); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

// Operators read (realtime included: the view rule) and delete their own
// batches; only the server creates or changes them. Budget spends are the
// server's alone.
func TestBatchesAndSpendsRules(t *testing.T) {
	url := "/api/collections/batches/records"
	for _, s := range []tests.ApiScenario{
		{Name: "alice lists only her batches", Method: http.MethodGet, URL: url, Headers: auth(fx.AliceToken),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, `"id":"alicebatch0001x"`}, NotExpectedContent: []string{`bobbatch000001x`}},
		{Name: "bob cannot view alice's batch", Method: http.MethodGet, URL: url + "/alicebatch0001x", Headers: auth(fx.BobToken),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "an operator cannot create a batch", Method: http.MethodPost, URL: url, Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"operator":"` + fx.AliceID + `","brief":"x","status":"running","items":[]}`), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "an operator cannot mark items done", Method: http.MethodPatch, URL: url + "/alicebatch0001x", Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"status":"done"}`), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "alice deletes her batch", Method: http.MethodDelete, URL: url + "/alicebatch0001x", Headers: auth(fx.AliceToken),
			ExpectedStatus: 204, ExpectedEvents: map[string]int{"OnRecordDelete": 1}},
		{Name: "spends are not listed to operators", Method: http.MethodGet, URL: "/api/collections/generation_spends/records", Headers: auth(fx.AliceToken),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "operators cannot write spends", Method: http.MethodPost, URL: "/api/collections/generation_spends/records", Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"operator":"` + fx.AliceID + `","kind":"generate"}`), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
	} {
		s.TestAppFactory = batchesApp
		s.Test(t)
	}
}
