package migrations_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// ideasApp is the fixture with one stored idea for each operator's business.
func ideasApp(t testing.TB) *tests.TestApp {
	app := fx.NewApp(t)
	c, err := app.FindCollectionByNameOrId("ideas")
	if err != nil {
		t.Fatal(err)
	}
	for i, biz := range []string{fx.AliceBusiness, fx.BobBusiness} {
		r := core.NewRecord(c)
		r.Set("id", []string{"aliceidea00001x", "bobidea0000001x"}[i])
		r.Load(map[string]any{"business": biz, "occasion": "dia-das-maes", "date": "2026-05-10", "title": "Ideia", "brief": "bolo de pote", "type": "foto"})
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

// Operators read (and delete) the ideas of their own clients; only the
// server creates or changes them; segment tags on a business go through
// the server's validation.
func TestIdeasAndSegmentTagsRules(t *testing.T) {
	url := "/api/collections/ideas/records"
	ideaBody := `{"business":"` + fx.AliceBusiness + `","occasion":"dia-das-maes","date":"2026-05-10","title":"x","brief":"y","type":"foto"}`
	for _, s := range []tests.ApiScenario{
		{Name: "alice lists only her ideas", Method: http.MethodGet, URL: url, Headers: auth(fx.AliceToken),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, `"id":"aliceidea00001x"`}, NotExpectedContent: []string{`bobidea0000001x`}},
		{Name: "no auth lists nothing", Method: http.MethodGet, URL: url, ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}},
		{Name: "bob cannot view alice's idea", Method: http.MethodGet, URL: url + "/aliceidea00001x", Headers: auth(fx.BobToken),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "an operator cannot create ideas", Method: http.MethodPost, URL: url, Headers: auth(fx.AliceToken), Body: strings.NewReader(ideaBody),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "an operator cannot edit ideas", Method: http.MethodPatch, URL: url + "/aliceidea00001x", Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"title":"outra"}`), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "alice deletes her idea", Method: http.MethodDelete, URL: url + "/aliceidea00001x", Headers: auth(fx.AliceToken),
			ExpectedStatus: 204, ExpectedEvents: map[string]int{"OnRecordDelete": 1}},
		{Name: "bob cannot delete alice's idea", Method: http.MethodDelete, URL: url + "/aliceidea00001x", Headers: auth(fx.BobToken),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "alice corrects her client's tags", Method: http.MethodPatch, URL: "/api/collections/businesses/records/" + fx.AliceBusiness,
			Headers: auth(fx.AliceToken), Body: strings.NewReader(`{"segment_tags":["confeitaria","chocolateria"],"posts_per_month":8}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"segment_tags":["chocolateria","confeitaria"]`, `"posts_per_month":8`}},
		{Name: "an unknown tag is a Portuguese 400", Method: http.MethodPatch, URL: "/api/collections/businesses/records/" + fx.AliceBusiness,
			Headers: auth(fx.AliceToken), Body: strings.NewReader(`{"segment_tags":["padeiro"]}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"segment_tags":{"code":"validation_invalid_segment_tag","message":"Etiqueta de segmento desconhecida: padeiro.`}},
	} {
		s.TestAppFactory = ideasApp
		s.Test(t)
	}
}
