package routes_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/eval/content"
)

// The operator picks a type per post or leaves it on automático, which
// follows the brief; the writer is asked for those types and the posts keep
// them, whatever the model reports.
func TestGenerateWithTypes(t *testing.T) {
	genURL := "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate"
	cases := []struct {
		name, body string
		status     int
		content    string
		roles      []content.Role
	}{
		{"one chosen, one automático (price → oferta)", `{"brief":"bolo de pote por R$ 12 só hoje","count":2,"types":["dica",""]}`, 200,
			`"role":"dica"`, []content.Role{"dica", "oferta"}},
		{"all automático", `{"brief":"corte + barba por R$ 60 só nesta sexta","count":1}`, 200, `"role":"oferta"`, []content.Role{"oferta"}},
		{"an unknown type", `{"brief":"bolo","count":1,"types":["receita"]}`, 400, `"types":{"code":"validation_invalid_types"`, nil},
		{"the same type twice", `{"brief":"bolo","count":2,"types":["dica","dica"]}`, 400, "Cada post de um pedido precisa de um tipo diferente.", nil},
		{"three automático posts, one type fitting: no type twice", `{"brief":"corte por R$ 30","count":3}`, 200, `"role":"oferta"`, []content.Role{"oferta", "bastidores", "historia"}},
		{"fewer types than posts", `{"brief":"bolo","count":2,"types":["dica"]}`, 400, `"types":{"code":"validation_invalid_types"`, nil},
	}
	for _, c := range cases {
		w := &scriptedWriter{}
		v := env{writer: w, configured: true}
		s := tests.ApiScenario{
			Name:            c.name,
			Method:          http.MethodPost,
			URL:             genURL,
			Body:            strings.NewReader(c.body),
			Headers:         auth(fx.AliceToken),
			ExpectedStatus:  c.status,
			ExpectedContent: []string{c.content},
			TestAppFactory:  v.factory,
			BeforeTestFunc:  v.before,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if c.roles == nil {
					writesNothing(w)(t, app, nil)
					return
				}
				if w.Calls() != 1 || !slices.Equal(w.calls[0].Roles, c.roles) {
					t.Errorf("writer asked for %v, want %v", w.calls, c.roles)
				}
			},
		}
		s.Test(t)
	}
}

func TestSuggestTypesRoute(t *testing.T) {
	v := env{configured: true}
	for _, c := range []struct {
		name, body, token string
		status            int
		content           []string
	}{
		{"a price and a deadline", `{"brief":"corte + barba por R$ 60 só nesta sexta","count":1}`, fx.AliceToken, 200,
			[]string{`"types":["oferta"]`, `"fitting":["oferta"]`, `"reason":"O pedido fala de preço ou prazo: uma oferta, com motivo para agir agora."`}},
		{"photos of one product", `{"brief":"bolo de casamento","count":2,"photos":2}`, fx.AliceToken, 200,
			[]string{`"types":["produto","bastidores"]`}},
		{"another operator's business", `{"brief":"bolo","count":1}`, fx.BobToken, 404, []string{"Negócio não encontrado."}},
		{"a bad count", `{"brief":"bolo","count":9}`, fx.AliceToken, 400, []string{`"count":{"code":"validation_invalid_count"`}},
	} {
		s := tests.ApiScenario{
			Name:            c.name,
			Method:          http.MethodPost,
			URL:             "/api/rekan/businesses/" + fx.AliceBusiness + "/types:suggest",
			Body:            strings.NewReader(c.body),
			Headers:         auth(c.token),
			ExpectedStatus:  c.status,
			ExpectedContent: c.content,
			TestAppFactory:  v.factory,
			BeforeTestFunc:  v.before,
		}
		s.Test(t)
	}
}
