package migrations_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/testutil"
)

var fx *testutil.Fixture

func TestMain(m *testing.M) { testutil.Main(m, &fx) }

func auth(token string) map[string]string { return map[string]string{"Authorization": token} }

// unchanged asserts the seeded data is as it was: two businesses, two posts,
// alice's business and post untouched.
func unchanged(t testing.TB, app *tests.TestApp, _ *http.Response) {
	if n := testutil.CountBusinesses(t, app); n != 2 {
		t.Errorf("businesses: %d, want 2", n)
	}
	if n := testutil.CountPosts(t, app); n != 2 {
		t.Errorf("posts: %d, want 2", n)
	}
	biz, err := app.FindRecordById("businesses", fx.AliceBusiness)
	if err != nil {
		t.Fatalf("alice's business: %v", err)
	}
	if biz.GetString("owner") != fx.AliceID || biz.GetString("name") != "Confeitaria da Lu" {
		t.Errorf("alice's business changed: owner %s name %s", biz.GetString("owner"), biz.GetString("name"))
	}
	p := testutil.FindPost(t, app, fx.AlicePost)
	req, err := app.FindRecordById("requests", p.GetString("request"))
	if err != nil || req.GetString("brief") != "bolo de casamento" || p.GetString("stage") != "rascunho" {
		t.Errorf("alice's request or stage changed: %v %v", err, p.PublicExport())
	}
	if p.GetString("status") != "ready" || p.GetBool("edited") || !strings.HasPrefix(p.GetString("caption"), "Olha esse bolo!") {
		t.Errorf("alice's post changed: %v", p.PublicExport())
	}
}

func TestCollectionRules(t *testing.T) {
	bizURL := "/api/collections/businesses/records"
	postURL := "/api/collections/posts/records"
	validBiz := func(owner string) string {
		return fmt.Sprintf(`{"owner":%q,"name":"Ateliê Cida","segment":"costura","city":"Recife","state":"PE"}`, owner)
	}
	scenarios := []tests.ApiScenario{
		// Sign-up is closed.
		{Name: "no self sign-up", Method: http.MethodPost, URL: "/api/collections/users/records",
			Body:           strings.NewReader(`{"email":"eve@example.com","password":"a-long-password","passwordConfirm":"a-long-password"}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "operators log in with a password", Method: http.MethodPost, URL: "/api/collections/users/auth-with-password",
			Body:           strings.NewReader(`{"identity":"alice@example.com","password":"` + testutil.Password + `"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"token":`, `"email":"alice@example.com"`}},

		// Businesses: each operator sees only their own.
		{Name: "list businesses without auth", Method: http.MethodGet, URL: bizURL,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}},
		{Name: "bob lists only his businesses", Method: http.MethodGet, URL: bizURL, Headers: auth(fx.BobToken),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, fx.BobBusiness}, NotExpectedContent: []string{fx.AliceBusiness}},
		{Name: "bob cannot view alice's business", Method: http.MethodGet, URL: bizURL + "/" + fx.AliceBusiness, Headers: auth(fx.BobToken),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "bob cannot edit alice's business", Method: http.MethodPatch, URL: bizURL + "/" + fx.AliceBusiness, Headers: auth(fx.BobToken),
			Body: strings.NewReader(`{"name":"Hacked"}`), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "bob cannot delete alice's business", Method: http.MethodDelete, URL: bizURL + "/" + fx.AliceBusiness, Headers: auth(fx.BobToken),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "owner cannot be reassigned", Method: http.MethodPatch, URL: bizURL + "/" + fx.AliceBusiness, Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"owner":"` + fx.BobID + `"}`), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "business cannot be created for someone else", Method: http.MethodPost, URL: bizURL, Headers: auth(fx.AliceToken),
			Body: strings.NewReader(validBiz(fx.BobID)), ExpectedStatus: 400, ExpectedContent: []string{`"status":400`}},
		{Name: "business needs an owner", Method: http.MethodPost, URL: bizURL, Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"name":"Ateliê Cida","segment":"costura","city":"Recife","state":"PE"}`), ExpectedStatus: 400, ExpectedContent: []string{`"status":400`}},
		{Name: "business needs auth", Method: http.MethodPost, URL: bizURL,
			Body: strings.NewReader(validBiz(fx.AliceID)), ExpectedStatus: 400, ExpectedContent: []string{`"status":400`}},
		{Name: "invalid phone", Method: http.MethodPost, URL: bizURL, Headers: auth(fx.AliceToken),
			Body:           strings.NewReader(`{"owner":"` + fx.AliceID + `","name":"X","segment":"y","city":"Recife","state":"PE","phone":"12345"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"phone":{"code":"validation_invalid_phone","message":"Telefone inválido`}},
		{Name: "invalid state", Method: http.MethodPost, URL: bizURL, Headers: auth(fx.AliceToken),
			Body:           strings.NewReader(`{"owner":"` + fx.AliceID + `","name":"X","segment":"y","city":"Recife","state":"XX"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"state":{"code":"validation_invalid_state","message":"Estado inválido`}},
		{Name: "invalid services", Method: http.MethodPost, URL: bizURL, Headers: auth(fx.AliceToken),
			Body:           strings.NewReader(`{"owner":"` + fx.AliceID + `","name":"X","segment":"y","city":"Recife","state":"PE","services":[{"name":"","price_brl":10}]}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"services":{"code":"validation_invalid_services","message":"O serviço 1 precisa de um nome."`}},
		{Name: "negative price", Method: http.MethodPost, URL: bizURL, Headers: auth(fx.AliceToken),
			Body:           strings.NewReader(`{"owner":"` + fx.AliceID + `","name":"X","segment":"y","city":"Recife","state":"PE","services":[{"name":"Bainha","price_brl":-1}]}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"services":{"code":"validation_invalid_services"`}},
		{Name: "facts must be strings", Method: http.MethodPost, URL: bizURL, Headers: auth(fx.AliceToken),
			Body:           strings.NewReader(`{"owner":"` + fx.AliceID + `","name":"X","segment":"y","city":"Recife","state":"PE","facts":[1,2]}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"facts":{"code":"validation_invalid_facts"`}},

		// Posts: visible to the owner of their business, never created through the API.
		{Name: "bob lists only his posts", Method: http.MethodGet, URL: postURL, Headers: auth(fx.BobToken),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, fx.BobPost}, NotExpectedContent: []string{fx.AlicePost}},
		{Name: "bob cannot view alice's post", Method: http.MethodGet, URL: postURL + "/" + fx.AlicePost, Headers: auth(fx.BobToken),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "bob cannot edit alice's post", Method: http.MethodPatch, URL: postURL + "/" + fx.AlicePost, Headers: auth(fx.BobToken),
			Body: strings.NewReader(`{"caption":"hacked"}`), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "bob cannot delete alice's post", Method: http.MethodDelete, URL: postURL + "/" + fx.AlicePost, Headers: auth(fx.BobToken),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "operators cannot create posts", Method: http.MethodPost, URL: postURL, Headers: auth(fx.AliceToken),
			Body:           strings.NewReader(`{"business":"` + fx.AliceBusiness + `","brief":"x","status":"ready"}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "brief cannot be edited", Method: http.MethodPatch, URL: postURL + "/" + fx.AlicePost, Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"brief":"outro"}`), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "status cannot be edited", Method: http.MethodPatch, URL: postURL + "/" + fx.AlicePost, Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"caption":"nova","status":"generating"}`), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "checks cannot be edited", Method: http.MethodPatch, URL: postURL + "/" + fx.AlicePost, Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"checks":[]}`), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "business of a post cannot be moved", Method: http.MethodPatch, URL: postURL + "/" + fx.AlicePost, Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"business":"` + fx.BobBusiness + `"}`), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "request of a post cannot be moved", Method: http.MethodPatch, URL: postURL + "/" + fx.AlicePost, Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"request":"` + fx.BobPost + `"}`), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "stage cannot be set through the records API", Method: http.MethodPatch, URL: postURL + "/" + fx.AlicePost, Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"stage":"publicado"}`), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},

		// Requests: the owner's to list, view and delete; only the server creates or changes them.
		{Name: "bob lists only his requests", Method: http.MethodGet, URL: "/api/collections/requests/records", Headers: auth(fx.BobToken),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`, `"brief":"corte degradê"`}, NotExpectedContent: []string{"bolo de casamento"}},
		{Name: "requests need auth", Method: http.MethodGet, URL: "/api/collections/requests/records",
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}},
		{Name: "operators cannot create requests", Method: http.MethodPost, URL: "/api/collections/requests/records", Headers: auth(fx.AliceToken),
			Body:           strings.NewReader(`{"business":"` + fx.AliceBusiness + `","brief":"x","count":1}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "bob cannot see alice's stage history", Method: http.MethodGet, URL: "/api/collections/post_events/records?filter=post='" + fx.AlicePost + "'", Headers: auth(fx.BobToken),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}},
		{Name: "operators cannot write stage history", Method: http.MethodPost, URL: "/api/collections/post_events/records", Headers: auth(fx.AliceToken),
			Body:           strings.NewReader(`{"post":"` + fx.AlicePost + `","from":"rascunho","to":"publicado","actor":"operator"}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "operators cannot write versions", Method: http.MethodPost, URL: "/api/collections/post_versions/records", Headers: auth(fx.AliceToken),
			Body:           strings.NewReader(`{"post":"` + fx.AlicePost + `","reason":"edit"}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "hashtags must be words", Method: http.MethodPatch, URL: postURL + "/" + fx.AlicePost, Headers: auth(fx.AliceToken),
			Body: strings.NewReader(`{"hashtags":["#bolo de pote"]}`), ExpectedStatus: 400, ExpectedContent: []string{`"hashtags":{"code":"validation_invalid_hashtags"`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = fx.NewApp
		s.AfterTestFunc = unchanged
		s.Test(t)
	}
}

func TestOperatorCreatesAndEditsOwnData(t *testing.T) {
	create := tests.ApiScenario{
		Name: "alice creates a business; phone and UF are normalised", Method: http.MethodPost,
		URL: "/api/collections/businesses/records", Headers: auth(fx.AliceToken),
		Body: strings.NewReader(`{"owner":"` + fx.AliceID + `","name":"Ateliê Cida","segment":"costura","city":"Recife","state":" pe ",
			"phone":"+55 81 98765-4321","services":[{"name":" Bainha ","price_brl":15},{"name":"Ajuste","price_brl":null}],"facts":["  atende aos sábados ",""]}`),
		ExpectedStatus: 200,
		ExpectedContent: []string{`"phone":"5581987654321"`, `"state":"PE"`, `"owner":"` + fx.AliceID + `"`,
			`"services":[{"name":"Bainha","price_brl":15},{"name":"Ajuste"}]`, `"facts":["atende aos sábados"]`},
		TestAppFactory: fx.NewApp,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if n := testutil.CountBusinesses(t, app); n != 3 {
				t.Errorf("businesses: %d", n)
			}
		},
	}
	create.Test(t)

	edit := tests.ApiScenario{
		Name: "editing the caption marks the post edited and re-runs the checks", Method: http.MethodPatch,
		URL: "/api/collections/posts/records/" + fx.AlicePost, Headers: auth(fx.AliceToken),
		Body:           strings.NewReader(`{"caption":"Bolo novo! Veja em https://example.com","hashtags":["bolo","#festa"]}`),
		ExpectedStatus: 200,
		ExpectedContent: []string{`"edited":true`, `"hashtags":["#bolo","#festa"]`,
			`"id":"no_links","label":"Sem links","passed":false`},
		TestAppFactory: fx.NewApp,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			p := testutil.FindPost(t, app, fx.AlicePost)
			if !p.GetBool("edited") || !strings.Contains(p.GetString("checks"), `"no_links"`) {
				t.Errorf("stored post: edited %v checks %s", p.GetBool("edited"), p.GetString("checks"))
			}
		},
	}
	edit.Test(t)

	del := tests.ApiScenario{
		Name: "deleting a business deletes its requests and posts", Method: http.MethodDelete,
		URL: "/api/collections/businesses/records/" + fx.AliceBusiness, Headers: auth(fx.AliceToken),
		ExpectedStatus: 204, TestAppFactory: fx.NewApp,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if n := testutil.CountPosts(t, app); n != 1 {
				t.Errorf("posts after cascade: %d, want 1", n)
			}
			var n int
			if err := app.DB().NewQuery("SELECT COUNT(*) FROM requests").Row(&n); err != nil || n != 1 {
				t.Errorf("requests after cascade: %d %v, want 1", n, err)
			}
		},
	}
	del.Test(t)
}
