package routes_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/checks"
)

// flagDelivery gives Alice's post a caption with a delivery claim her
// profile does not back, checked as the server checks it.
func flagDelivery(t testing.TB, app *tests.TestApp) {
	p := testutil.FindPost(t, app, fx.AlicePost)
	p.Set("caption", "Olha esse bolo de casamento rosa e dourado! Entregamos na sua casa, é só chamar no WhatsApp.")
	in, err := post.CheckInput(app, p)
	if err != nil {
		t.Fatal(err)
	}
	p.Set("checks", checks.Run(in))
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
}

func storedClaims(t testing.TB, app core.App) checks.Result {
	var rs []checks.Result
	p := testutil.FindPost(t, app, fx.AlicePost)
	if err := json.Unmarshal([]byte(p.GetString("checks")), &rs); err != nil {
		t.Fatal(err)
	}
	r, _ := checks.Find(rs, checks.IDClaimsBacked)
	return r
}

func TestConfirmClaim(t *testing.T) {
	url := func(id string) string { return "/api/rekan/posts/" + id + "/confirmed-claims" }
	unchanged := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if r := storedClaims(t, app); r.Passed || !slices.Contains(r.Claims, "entregamos") {
			t.Errorf("the stored check changed: %+v", r)
		}
		if p := testutil.FindPost(t, app, fx.AlicePost); len(post.ConfirmedClaims(p)) != 0 {
			t.Errorf("confirmed on a refused request: %v", post.ConfirmedClaims(p))
		}
	}
	v := env{configured: true}
	before := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		flagDelivery(t, app)
		v.before(t, app, e)
	}
	scenarios := []tests.ApiScenario{
		{Name: "no auth", Body: strings.NewReader(`{"claim":"entregamos"}`), URL: url(fx.AlicePost), ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}},
		{Name: "foreign post", Body: strings.NewReader(`{"claim":"entregamos"}`), URL: url(fx.AlicePost), Headers: auth(fx.BobToken), ExpectedStatus: 404, ExpectedContent: []string{`"message":"Post não encontrado."`}},
		{Name: "bad JSON", Body: strings.NewReader(`{"claim":`), URL: url(fx.AlicePost), Headers: auth(fx.AliceToken), ExpectedStatus: 400, ExpectedContent: []string{`JSON inválido`}},
		{Name: "blank claim", Body: strings.NewReader(`{"claim":"  \u200b "}`), URL: url(fx.AlicePost), Headers: auth(fx.AliceToken), ExpectedStatus: 400, ExpectedContent: []string{`"validation_invalid_claim"`}},
		{Name: "a claim the check did not flag", Body: strings.NewReader(`{"claim":"sem glúten"}`), URL: url(fx.AlicePost), Headers: auth(fx.AliceToken), ExpectedStatus: 400, ExpectedContent: []string{`"validation_claim_not_flagged"`, `não está entre as apontadas`}},
	}
	for _, s := range scenarios {
		s.Method = http.MethodPost
		s.TestAppFactory = v.factory
		s.BeforeTestFunc = before
		s.AfterTestFunc = unchanged
		s.Test(t)
	}

	ok := tests.ApiScenario{
		Name:            "confirmed and added to the facts: the check passes",
		Method:          http.MethodPost,
		URL:             url(fx.AlicePost),
		Body:            strings.NewReader(`{"claim":"entregamos","add_to_facts":true}`),
		Headers:         auth(fx.AliceToken),
		ExpectedStatus:  200,
		ExpectedContent: []string{`"post":{`, `"confirmed_claims":["entregamos"]`},
		TestAppFactory:  v.factory,
		BeforeTestFunc:  before,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if r := storedClaims(t, app); !r.Passed {
				t.Errorf("claims check after confirming: %+v", r)
			}
			biz, err := app.FindRecordById(business.Collection, fx.AliceBusiness)
			if err != nil {
				t.Fatal(err)
			}
			if facts := business.Profile(biz).Facts; !slices.Contains(facts, "entregamos") {
				t.Errorf("facts: %v", facts)
			}
		},
	}
	ok.Test(t)
}
