package routes_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/content"
)

// scriptedIdeator answers with three ideas, or err; it counts its calls.
type scriptedIdeator struct {
	calls atomic.Int32
	err   error
	last  atomic.Pointer[content.IdeasRequest]
}

func (s *scriptedIdeator) SuggestIdeas(_ context.Context, req content.IdeasRequest) (content.IdeasResult, error) {
	s.calls.Add(1)
	s.last.Store(&req)
	if s.err != nil {
		return content.IdeasResult{}, s.err
	}
	ideas := []content.Idea{
		{Title: "Bolo para a mãe", Brief: "bolo de pote para o Dia das Mães", Type: "foto", PublishOn: req.Today},
		{Title: "Bastidores", Brief: "a cozinha preparando as encomendas", Type: "reels", PublishOn: req.Occasion.StartBy},
		{Title: "Último dia", Brief: "último dia para encomendar", Type: "stories", PublishOn: req.Occasion.Date},
	}
	return content.IdeasResult{Ideas: ideas, Model: "scripted-model"}, nil
}

func ideasScenario(name, business, body string, headers map[string]string, ideator *scriptedIdeator, status int, want []string) tests.ApiScenario {
	return tests.ApiScenario{
		Name: name, Method: http.MethodPost,
		URL:     "/api/rekan/businesses/" + business + "/ideas",
		Body:    strings.NewReader(body),
		Headers: headers, ExpectedStatus: status, ExpectedContent: want,
		TestAppFactory: func(t testing.TB) *tests.TestApp { return fx.NewApp(t) },
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			today, _ := calendar.ParseDate("2026-04-20")
			routes.Bind(e.Router, routes.Deps{
				Content: testutil.Content{Writer: &scriptedWriter{}, Configured: true, Ideas: ideator},
				Today:   func() calendar.Date { return today },
			})
		},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			stored, _ := app.FindAllRecords("ideas")
			wantStored := 0
			if status == 200 {
				wantStored = 3
			}
			if len(stored) != wantStored {
				t.Errorf("%d ideas stored, want %d", len(stored), wantStored)
			}
			if status != 200 && status < 500 && ideator.calls.Load() != 0 {
				t.Errorf("refused request reached the LLM")
			}
		},
	}
}

func TestIdeas(t *testing.T) {
	good := `{"occasion_id":"dia-das-maes","date":"2026-05-10"}`
	cases := []struct {
		name, business, body string
		headers              map[string]string
		err                  error
		status               int
		want                 []string
	}{
		{"ideas stored", fx.AliceBusiness, good, auth(fx.AliceToken), nil, 200,
			[]string{`"title":"Bolo para a mãe"`, `"occasion":"dia-das-maes"`, `"date":"2026-05-10"`, `"publish_on":"2026-04-20"`, `"model":"scripted-model"`}},
		{"no auth", fx.AliceBusiness, good, nil, nil, 401, []string{`"status":401`}},
		{"foreign business", fx.AliceBusiness, good, auth(fx.BobToken), nil, 404, []string{`"message":"Negócio não encontrado."`}},
		{"malformed json", fx.AliceBusiness, `{"occasion_id":`, auth(fx.AliceToken), nil, 400, []string{`JSON inválido`}},
		{"unknown occasion", fx.AliceBusiness, `{"occasion_id":"dia-do-saci","date":"2026-10-31"}`, auth(fx.AliceToken), nil, 400,
			[]string{`"occasion_id":{"code":"validation_invalid_occasion","message":"Escolha uma data do calendário deste cliente."}`}},
		{"occasion of another segment", fx.AliceBusiness, `{"occasion_id":"dia-do-forro","date":"2026-12-13"}`, auth(fx.AliceToken), nil, 400,
			[]string{`validation_invalid_occasion`}},
		{"occasion of another state", fx.AliceBusiness, `{"occasion_id":"data-magna-pe","date":"2027-03-06"}`, auth(fx.AliceToken), nil, 400,
			[]string{`validation_invalid_occasion`}},
		{"not its date", fx.AliceBusiness, `{"occasion_id":"dia-das-maes","date":"2026-05-11"}`, auth(fx.AliceToken), nil, 400,
			[]string{`"date":{"code":"validation_invalid_date","message":"Essa data não é a de Dia das Mães neste ano."}`}},
		{"bad date", fx.AliceBusiness, `{"occasion_id":"dia-das-maes","date":"10/05/2026"}`, auth(fx.AliceToken), nil, 400,
			[]string{`"message":"Data inválida: use AAAA-MM-DD."`}},
		{"date passed", fx.AliceBusiness, `{"occasion_id":"dia-da-mulher","date":"2026-03-08"}`, auth(fx.AliceToken), nil, 400,
			[]string{`"message":"Essa data já passou."`}},
		{"LLM not configured", fx.AliceBusiness, good, auth(fx.AliceToken), content.ErrNotConfigured, 503,
			[]string{`"code":"llm_not_configured"`, `ainda não foi ativada`}},
		{"runtime down", fx.AliceBusiness, good, auth(fx.AliceToken), content.ErrRuntimeUnavailable, 503, []string{`"code":"llm_unavailable"`}},
		{"unparsable output", fx.AliceBusiness, good, auth(fx.AliceToken), content.ErrInvalidOutput, 502, []string{`"code":"llm_failed"`}},
	}
	for _, c := range cases {
		ideator := &scriptedIdeator{err: c.err}
		s := ideasScenario(c.name, c.business, c.body, c.headers, ideator, c.status, c.want)
		s.Test(t)
		if c.status == 200 {
			req := ideator.last.Load()
			if req == nil || req.Occasion.StartBy != "2026-04-10" || req.Today != "2026-04-20" || req.Occasion.Angle == "" {
				t.Errorf("request sent: %+v", req)
			}
		}
	}
}
