package routes_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/content"
)

var fx *testutil.Fixture

func TestMain(m *testing.M) { testutil.Main(m, &fx) }

// scriptedWriter stands in for the content runtime in the validation and
// authorization tables, which must show that bad requests never reach it.
// The end-to-end tests (e2e_test.go) use the real BAML runtime instead.
type scriptedWriter struct {
	mu    sync.Mutex
	calls []content.Request
	err   error
	short bool
}

func (w *scriptedWriter) WritePosts(_ context.Context, req content.Request) (content.Result, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, req)
	// What every real Writer checks first (distinct known roles, …).
	if err := req.Validate(); err != nil {
		return content.Result{}, err
	}
	if w.err != nil {
		return content.Result{}, w.err
	}
	posts := make([]content.Post, 0, len(req.Roles))
	for i, role := range req.Roles {
		if w.short && i > 0 {
			break
		}
		posts = append(posts, content.Post{
			Role:           role,
			Hook:           fmt.Sprintf("Gancho %d", i+1),
			Caption:        fmt.Sprintf("Gancho %d: hoje tem novidade fresquinha aqui na confeitaria, feita com carinho para você e sua família aproveitarem.", i+1),
			Hashtags:       []string{"#bolo", "#confeitaria", "#saopaulo", "#docinhos"},
			ProductionNote: "Foto de cima, com luz natural.",
		})
	}
	return content.Result{Posts: posts, Model: "scripted-model"}, nil
}

func (w *scriptedWriter) Calls() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.calls)
}

// env wires one scenario: a cloned app, the routes with the given writer.
type env struct {
	writer     *scriptedWriter
	ping       error
	configured bool
}

func (v env) factory(t testing.TB) *tests.TestApp { return fx.NewApp(t) }

func (v env) before(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
	writer := v.writer
	if writer == nil {
		writer = &scriptedWriter{}
	}
	routes.Bind(e.Router, routes.Deps{
		Content:      testutil.Content{Writer: writer, PingErr: v.ping, Configured: v.configured},
		ContactPhone: "5511987654321",
		Version:      "test-version",
	})
}

func auth(token string) map[string]string { return map[string]string{"Authorization": token} }

// seededPosts is how many posts the fixture holds.
const seededPosts = 2

// writesNothing asserts that no post was created and that the writer was not
// called.
func writesNothing(w *scriptedWriter) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if n := testutil.CountPosts(t, app); n != seededPosts {
			t.Errorf("posts: got %d, want %d (nothing written)", n, seededPosts)
		}
		if w != nil && w.Calls() != 0 {
			t.Errorf("writer called %d times, want 0", w.Calls())
		}
	}
}

// refused is a POST scenario that must be answered with an error before
// anything is written or the writer is called.
func refused(name, url, body string, headers map[string]string, status int, content []string) tests.ApiScenario {
	w := &scriptedWriter{}
	v := env{writer: w, configured: true}
	return tests.ApiScenario{
		Name:            name,
		Method:          http.MethodPost,
		URL:             url,
		Body:            strings.NewReader(body),
		Headers:         headers,
		ExpectedStatus:  status,
		ExpectedContent: content,
		TestAppFactory:  v.factory,
		BeforeTestFunc:  v.before,
		AfterTestFunc:   writesNothing(w),
	}
}

func TestGenerateRejectsBadInput(t *testing.T) {
	genURL := "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate"
	long := strings.Repeat("á", 2001)
	cases := []struct {
		name, body string
		status     int
		content    []string
	}{
		{"malformed json", `{"brief":`, 400, []string{`"message":"JSON inválido no corpo da requisição."`}},
		{"not an object", `["bolo"]`, 400, []string{`JSON inválido`}},
		{"invalid UTF-8", "{\"brief\":\"\xff\xfe\"}", 400, []string{`JSON inválido`}},
		{"empty body", ``, 400, []string{`JSON inválido`}},
		{"missing brief", `{"count":1}`, 400, []string{`"brief":{"code":"validation_required","message":"Escreva o pedido do post."}`}},
		{"null brief", `{"brief":null}`, 400, []string{`"brief":{"code":"validation_required"`}},
		{"empty brief", `{"brief":""}`, 400, []string{`"brief":{"code":"validation_required"`}},
		{"whitespace brief", `{"brief":"  \n\t "}`, 400, []string{`"brief":{"code":"validation_required"`}},
		{"zero-width space brief", `{"brief":"\u200b"}`, 400, []string{`"brief":{"code":"validation_required"`}},
		{"BOM and joiners brief", `{"brief":"\ufeff\u200c\u200d\u2060"}`, 400, []string{`"brief":{"code":"validation_required"`}},
		{"other Unicode spaces brief", `{"brief":"\u00a0\u2003\u3000\u2028\u202f"}`, 400, []string{`"brief":{"code":"validation_required"`}},
		{"format characters brief", `{"brief":"\u00ad\u180e\u202e\u2066\u061c"}`, 400, []string{`"brief":{"code":"validation_required"`}},
		{"filler letters brief", `{"brief":"\u3164\u2800\u115f"}`, 400, []string{`"brief":{"code":"validation_required"`}},
		{"control characters brief", `{"brief":"\u0000\u0001\u007f"}`, 400, []string{`"brief":{"code":"validation_required"`}},
		{"brief over 2000 characters", `{"brief":"` + long + `"}`, 400, []string{`"message":"O pedido pode ter no máximo 2000 caracteres."`}},
		{"brief as number", `{"brief":42}`, 400, []string{`"message":"O pedido deve ser um texto."`}},
		{"brief as list", `{"brief":["bolo"]}`, 400, []string{`"brief":{"code":"validation_invalid_type"`}},
		{"count 0", `{"brief":"bolo","count":0}`, 400, []string{`"count":{"code":"validation_invalid_count","message":"A quantidade deve ser um número inteiro de 1 a 3."}`}},
		{"count 4", `{"brief":"bolo","count":4}`, 400, []string{`"count":{"code":"validation_invalid_count"`}},
		{"count negative", `{"brief":"bolo","count":-1}`, 400, []string{`"count":{"code":"validation_invalid_count"`}},
		{"count as string", `{"brief":"bolo","count":"2"}`, 400, []string{`"count":{"code":"validation_invalid_count"`}},
		{"count fractional", `{"brief":"bolo","count":2.5}`, 400, []string{`"count":{"code":"validation_invalid_count"`}},
		{"count as bool", `{"brief":"bolo","count":true}`, 400, []string{`"count":{"code":"validation_invalid_count"`}},
	}
	for _, c := range cases {
		s := refused(c.name, genURL, c.body, auth(fx.AliceToken), c.status, append([]string{`"status":400`}, c.content...))
		s.Test(t)
	}
}

func TestGenerateAuthorization(t *testing.T) {
	notFound := []string{`"status":404`, `"message":"Negócio não encontrado."`, `"data":{}`}
	cases := []struct {
		name     string
		business string
		headers  map[string]string
		status   int
		content  []string
	}{
		// PocketBase's apis.RequireAuth answers, as for its own records API;
		// the web app shows its Portuguese "session" message for any 401.
		{"no auth", fx.AliceBusiness, nil, 401, []string{`"status":401`, `"message":"The request requires valid record authorization token."`}},
		{"invalid token", fx.AliceBusiness, auth("not-a-token"), 401, []string{`"status":401`}},
		{"superuser is not an operator", fx.AliceBusiness, auth(fx.SuperuserToken), 403, []string{`"status":403`}},
		{"unknown business", "doesnotexist123", auth(fx.AliceToken), 404, notFound},
		{"foreign business answers like a missing one", fx.AliceBusiness, auth(fx.BobToken), 404, notFound},
	}
	for _, c := range cases {
		s := refused(c.name, "/api/rekan/businesses/"+c.business+"/posts:generate",
			`{"brief":"bolo de casamento rosa","count":2}`, c.headers, c.status, c.content)
		s.Test(t)
	}
}

func decodePosts(t testing.TB, res *http.Response, key string) []map[string]any {
	t.Helper()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var parsed map[string]any
	if err := json.Unmarshal(body, &parsed); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	holder := parsed
	if key != "" {
		holder, _ = parsed[key].(map[string]any)
	}
	raw, _ := holder["posts"].([]any)
	posts := make([]map[string]any, 0, len(raw))
	for _, p := range raw {
		posts = append(posts, p.(map[string]any))
	}
	return posts
}

func TestGenerateSuccess(t *testing.T) {
	w := &scriptedWriter{}
	v := env{writer: w, configured: true}
	brief := strings.Repeat("b", 1998) + " á"
	s := tests.ApiScenario{
		Name:            "two posts from a 2000-character brief",
		Method:          http.MethodPost,
		URL:             "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate",
		Body:            strings.NewReader(`{"brief":"  ` + brief + `  ","count":2,"unknown":"ignored"}`),
		Headers:         auth(fx.AliceToken),
		ExpectedStatus:  200,
		ExpectedContent: []string{`"posts":[`, `"status":"ready"`, `"model":"scripted-model"`, `"id":"caption_length"`},
		TestAppFactory:  v.factory,
		BeforeTestFunc:  v.before,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			posts := decodePosts(t, res, "")
			if len(posts) != 2 {
				t.Fatalf("got %d posts, want 2", len(posts))
			}
			if n := testutil.CountPosts(t, app); n != seededPosts+2 {
				t.Errorf("posts in db: got %d, want %d", n, seededPosts+2)
			}
			if w.Calls() != 1 {
				t.Fatalf("writer calls: %d", w.Calls())
			}
			req := w.calls[0]
			if req.Brief != brief {
				t.Errorf("brief not trimmed: %q", req.Brief[:10])
			}
			// The seeded post is "produto": the rotation continues after it.
			if len(req.Roles) != 2 || req.Roles[0] != content.RoleBackstage || req.Roles[1] != content.RoleStory {
				t.Errorf("roles: %v", req.Roles)
			}
			if len(req.PreviousHooks) != 1 || req.PreviousHooks[0] != "Olha esse bolo!" {
				t.Errorf("previous hooks: %v", req.PreviousHooks)
			}
			if req.Business.Name != "Confeitaria da Lu" || req.Business.Phone != "5511987654321" || len(req.Business.Services) != 1 {
				t.Errorf("business profile: %+v", req.Business)
			}
			for _, p := range posts {
				stored := testutil.FindPost(t, app, p["id"].(string))
				if stored.GetString("status") != "ready" || testutil.RequestBrief(t, app, stored) != brief {
					t.Errorf("stored post %s: status %q", stored.Id, stored.GetString("status"))
				}
				var checks []map[string]any
				if err := json.Unmarshal([]byte(stored.GetString("checks")), &checks); err != nil || len(checks) == 0 {
					t.Errorf("checks not stored: %q", stored.GetString("checks"))
				}
				if stored.GetBool("edited") {
					t.Error("generated post marked edited")
				}
			}
		},
	}
	s.Test(t)
}

func TestGenerateDefaultsToOnePost(t *testing.T) {
	w := &scriptedWriter{}
	v := env{writer: w, configured: true}
	s := tests.ApiScenario{
		Method:          http.MethodPost,
		URL:             "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate",
		Body:            strings.NewReader(`{"brief":"bolo de pote","count":null}`),
		Headers:         auth(fx.AliceToken),
		ExpectedStatus:  200,
		ExpectedContent: []string{`"posts":[`},
		TestAppFactory:  v.factory,
		BeforeTestFunc:  v.before,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if n := len(decodePosts(t, res, "")); n != 1 {
				t.Errorf("got %d posts, want 1", n)
			}
		},
	}
	s.Test(t)
}

func TestGenerateWriterFailures(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		short  bool
		status int
		code   string
		msg    string
	}{
		{"not configured", fmt.Errorf("x: %w", content.ErrNotConfigured), false, 503, "llm_not_configured", "LLM não configurado"},
		{"runtime down", fmt.Errorf("x: %w", content.ErrRuntimeUnavailable), false, 503, "llm_unavailable", "indisponível"},
		{"provider failed", fmt.Errorf("x: %w", content.ErrProvider), false, 502, "llm_failed", "O provedor de IA falhou"},
		{"unparsable output", fmt.Errorf("x: %w", content.ErrInvalidOutput), false, 502, "llm_failed", "formato inesperado"},
		{"timeout", fmt.Errorf("x: %w", context.DeadlineExceeded), false, 502, "llm_failed", "demorou demais"},
		{"unknown error", errors.New("boom"), false, 502, "llm_failed", "O provedor de IA falhou"},
		{"fewer posts than asked", nil, true, 502, "llm_failed", "formato inesperado"},
	}
	for _, c := range cases {
		w := &scriptedWriter{err: c.err, short: c.short}
		v := env{writer: w, configured: true}
		s := tests.ApiScenario{
			Name:           c.name,
			Method:         http.MethodPost,
			URL:            "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate",
			Body:           strings.NewReader(`{"brief":"bolo de casamento","count":2}`),
			Headers:        auth(fx.AliceToken),
			ExpectedStatus: c.status,
			ExpectedContent: []string{
				fmt.Sprintf(`"status":%d`, c.status), c.msg, `"code":"` + c.code + `"`,
				`"status":"failed"`, `"brief":"bolo de casamento"`,
			},
			TestAppFactory: v.factory,
			BeforeTestFunc: v.before,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				posts := decodePosts(t, res, "data")
				if len(posts) != 2 {
					t.Fatalf("failed posts in response: %d", len(posts))
				}
				for _, p := range posts {
					stored := testutil.FindPost(t, app, p["id"].(string))
					if stored.GetString("status") != "failed" || testutil.RequestBrief(t, app, stored) != "bolo de casamento" || !strings.Contains(stored.GetString("error"), c.msg) {
						t.Errorf("stored failed post: status %q brief %q error %q", stored.GetString("status"), testutil.RequestBrief(t, app, stored), stored.GetString("error"))
					}
				}
			},
		}
		s.Test(t)
	}
}

func TestRetry(t *testing.T) {
	retryURL := func(id string) string { return "/api/rekan/posts/" + id + ":retry" }
	notFound := []string{`"status":404`, `"message":"Post não encontrado."`}
	cases := []struct {
		name    string
		url     string
		headers map[string]string
		status  int
		content []string
	}{
		{"no auth", retryURL(fx.AlicePost), nil, 401, []string{`"status":401`}},
		{"missing post", retryURL("doesnotexist123"), auth(fx.AliceToken), 404, notFound},
		{"foreign post", retryURL(fx.AlicePost), auth(fx.BobToken), 404, notFound},
		{"unknown action", "/api/rekan/posts/" + fx.AlicePost + ":publish", auth(fx.AliceToken), 404, []string{`"status":404`}},
		{"no action", "/api/rekan/posts/" + fx.AlicePost, auth(fx.AliceToken), 404, []string{`"status":404`}},
	}
	for _, c := range cases {
		s := refused(c.name, c.url, "", c.headers, c.status, c.content)
		nothingWritten := s.AfterTestFunc
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
			nothingWritten(t, app, res)
			if p := testutil.FindPost(t, app, fx.AlicePost); p.GetString("status") != "ready" || !strings.HasPrefix(p.GetString("caption"), "Olha esse bolo!") {
				t.Errorf("post changed: %q %q", p.GetString("status"), p.GetString("caption"))
			}
		}
		s.Test(t)
	}

	w := &scriptedWriter{}
	v := env{writer: w, configured: true}
	ok := tests.ApiScenario{
		Name:            "retry regenerates from the stored brief and keeps the role",
		Method:          http.MethodPost,
		URL:             retryURL(fx.AlicePost),
		Headers:         auth(fx.AliceToken),
		ExpectedStatus:  200,
		ExpectedContent: []string{`"posts":[`, `"id":"` + fx.AlicePost + `"`, `"role":"produto"`, `"status":"ready"`, `"caption":"Gancho 1`},
		TestAppFactory:  v.factory,
		BeforeTestFunc:  v.before,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if n := testutil.CountPosts(t, app); n != seededPosts {
				t.Errorf("retry created posts: %d", n)
			}
			if w.Calls() != 1 || w.calls[0].Brief != "bolo de casamento" || len(w.calls[0].Roles) != 1 || w.calls[0].Roles[0] != content.RoleProduct {
				t.Errorf("writer request: %+v", w.calls)
			}
			if len(w.calls[0].PreviousHooks) != 0 {
				t.Errorf("the retried post's own hook was passed as previous: %v", w.calls[0].PreviousHooks)
			}
		},
	}
	ok.Test(t)

	failing := &scriptedWriter{err: fmt.Errorf("x: %w", content.ErrProvider)}
	fv := env{writer: failing, configured: true}
	fail := tests.ApiScenario{
		Name:            "failed retry keeps the brief and marks the post failed",
		Method:          http.MethodPost,
		URL:             retryURL(fx.AlicePost),
		Headers:         auth(fx.AliceToken),
		ExpectedStatus:  502,
		ExpectedContent: []string{`"code":"llm_failed"`, `"status":"failed"`, `"brief":"bolo de casamento"`},
		TestAppFactory:  fv.factory,
		BeforeTestFunc:  fv.before,
	}
	fail.Test(t)
}

func TestHealthAndConfig(t *testing.T) {
	scenarios := []struct {
		v env
		s tests.ApiScenario
	}{
		{env{configured: true}, tests.ApiScenario{
			Name: "health ok", Method: http.MethodGet, URL: "/api/rekan/health", ExpectedStatus: 200,
			ExpectedContent: []string{`{"status":"ok","database":"ok","baml_runtime":"ok","llm_configured":true}`},
		}},
		{env{configured: false}, tests.ApiScenario{
			Name: "health ok without an LLM key", Method: http.MethodGet, URL: "/api/rekan/health", ExpectedStatus: 200,
			ExpectedContent: []string{`"status":"ok"`, `"llm_configured":false`},
		}},
		{env{configured: true, ping: errors.New("connection refused")}, tests.ApiScenario{
			Name: "health degraded when the runtime is down", Method: http.MethodGet, URL: "/api/rekan/health", ExpectedStatus: 503,
			ExpectedContent: []string{`"status":"degraded"`, `"baml_runtime":"error"`, `"database":"ok"`, `"reason":"baml runtime not answering"`},
		}},
		{env{configured: false}, tests.ApiScenario{
			Name: "config", Method: http.MethodGet, URL: "/api/rekan/config", ExpectedStatus: 200,
			ExpectedContent: []string{`{"app_name":"Acme","llm_configured":false,"contact_phone":"5511987654321","version":"test-version","timezone":"America/Sao_Paulo","today":"`},
		}},
	}
	for _, sc := range scenarios {
		s := sc.s
		s.TestAppFactory = sc.v.factory
		s.BeforeTestFunc = sc.v.before
		s.Test(t)
	}
}
