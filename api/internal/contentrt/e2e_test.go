package contentrt_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/contentrt"
	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/fakellm"
	rekanstack "github.com/rekan/rekan/eval/stack"
)

var fx *testutil.Fixture

func TestMain(m *testing.M) { testutil.Main(m, &fx) }

// apiKey is the fake provider key every stack uses (rekanstack.FakeEnv).
const apiKey = rekanstack.FakeKey

// stack is the server under test: a PocketBase test app serving Rekan's
// routes over real HTTP, the real BAML runtime, and fakellm as the provider.
type stack struct {
	app     *tests.TestApp
	runtime *contentrt.Runtime
	fake    *fakellm.Server
	url     string
}

func newStack(t *testing.T, key string, timeout time.Duration) *stack {
	t.Helper()
	fake := fakellm.New()
	fakeServer := httptest.NewServer(fake)
	t.Cleanup(fakeServer.Close)

	getenv := rekanstack.Getenv(append(rekanstack.FakeEnv(fakeServer.URL), "REKAN_LLM_API_KEY="+key,
		"REKAN_LLM_FALLBACK_BASE_URL=", "REKAN_LLM_FALLBACK_API_KEY=", "REKAN_WRITER_FALLBACK_MODEL="), os.Getenv)
	if _, err := bamlrt.FindCLI(getenv); err != nil {
		// A test that cannot run fails: `make test` installs baml-cli first.
		t.Fatalf("baml-cli is required (run make deps): %v", err)
	}

	runtime := contentrt.New(getenv)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.Default()
	}
	if err := runtime.Start(context.Background(), logger); err != nil {
		t.Fatalf("start content runtime: %v", err)
	}
	t.Cleanup(func() { _ = runtime.Close() })

	app := fx.NewApp(t)
	t.Cleanup(app.Cleanup)
	// The rate limits are tested on their own; here they would only get in
	// the way of the many calls.
	app.Settings().RateLimits.Enabled = false

	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	routes.Bind(r, routes.Deps{
		Content: runtime, Version: "e2e", Timeout: timeout,
	})
	mux, err := r.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)
	return &stack{app: app, runtime: runtime, fake: fake, url: server.URL}
}

type response struct {
	status int
	body   map[string]any
	raw    string
}

func (s *stack) do(t *testing.T, ctx context.Context, method, path, token, body string) response {
	t.Helper()
	status, _, raw := testutil.Call(t, ctx, method, s.url+path, token, body)
	out := response{status: status, raw: raw}
	_ = json.Unmarshal([]byte(raw), &out.body)
	return out
}

func (s *stack) generate(t *testing.T, body string) response {
	t.Helper()
	return s.do(t, context.Background(), http.MethodPost, "/api/rekan/businesses/"+fx.AliceBusiness+"/posts:generate", fx.AliceToken, body)
}

func (s *stack) health(t *testing.T) response {
	t.Helper()
	return s.do(t, context.Background(), http.MethodGet, "/api/rekan/health", "", "")
}

func posts(t *testing.T, holder map[string]any) []map[string]any {
	t.Helper()
	raw, _ := holder["posts"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, p := range raw {
		out = append(out, p.(map[string]any))
	}
	return out
}

func data(r response) map[string]any {
	d, _ := r.body["data"].(map[string]any)
	return d
}

func TestEndToEndGeneration(t *testing.T) {
	s := newStack(t, apiKey, 20*time.Second)

	t.Run("health ok with the runtime up", func(t *testing.T) {
		r := s.health(t)
		if r.status != 200 || r.body["baml_runtime"] != "ok" || r.body["llm_configured"] != true {
			t.Fatalf("health: %d %s", r.status, r.raw)
		}
	})

	t.Run("success stores posts with checks", func(t *testing.T) {
		s.fake.Reset()
		r := s.generate(t, `{"brief":"fiz um bolo de casamento rosa e dourado","count":2}`)
		if r.status != 200 {
			t.Fatalf("generate: %d %s", r.status, r.raw)
		}
		got := posts(t, r.body)
		if len(got) != 2 {
			t.Fatalf("posts: %d", len(got))
		}
		for _, p := range got {
			stored := testutil.FindPost(t, s.app, p["id"].(string))
			if stored.GetString("status") != "ready" || stored.GetString("caption") == "" || stored.GetString("production_note") == "" ||
				stored.GetString("hook") == "" || stored.GetString("model") != rekanstack.FakeWriter {
				t.Errorf("stored post: %v", stored.PublicExport())
			}
			var tags []string
			_ = json.Unmarshal([]byte(stored.GetString("hashtags")), &tags)
			if len(tags) == 0 {
				t.Errorf("no hashtags stored: %s", stored.GetString("hashtags"))
			}
			var checks []map[string]any
			_ = json.Unmarshal([]byte(stored.GetString("checks")), &checks)
			if len(checks) == 0 || checks[0]["id"] == nil || checks[0]["label"] == nil {
				t.Errorf("checks not stored: %s", stored.GetString("checks"))
			}
		}
		if got[0]["role"] == got[1]["role"] {
			t.Errorf("both posts have role %v", got[0]["role"])
		}
		reqs := s.fake.Requests()
		if len(reqs) != 1 {
			t.Fatalf("provider saw %d requests, want 1", len(reqs))
		}
		if reqs[0].Authorization != "Bearer "+apiKey {
			t.Errorf("provider got authorization %q", reqs[0].Authorization)
		}
		prompt := reqs[0].Prompt()
		for _, want := range []string{"Confeitaria da Lu", "bolo de casamento rosa e dourado", "Olha esse bolo!"} {
			if !strings.Contains(prompt, want) {
				t.Errorf("prompt lacks %q", want)
			}
		}
	})

	t.Run("provider 500 on every attempt: 502 and the failed post keeps its brief", func(t *testing.T) {
		s.fake.Reset()
		s.fake.Enqueue(fakellm.Reply{Status: 500, Times: 20})
		before := testutil.CountPosts(t, s.app)
		r := s.generate(t, `{"brief":"promoção de brigadeiro"}`)
		if r.status != 502 || data(r)["code"] != "llm_failed" {
			t.Fatalf("generate: %d %s", r.status, r.raw)
		}
		failed := posts(t, data(r))
		if len(failed) != 1 {
			t.Fatalf("failed posts: %s", r.raw)
		}
		stored := testutil.FindPost(t, s.app, failed[0]["id"].(string))
		if stored.GetString("status") != "failed" || testutil.RequestBrief(t, s.app, stored) != "promoção de brigadeiro" || stored.GetString("error") == "" {
			t.Errorf("failed post: %v", stored.PublicExport())
		}
		if n := testutil.CountPosts(t, s.app); n != before+1 {
			t.Errorf("posts: %d, want %d", n, before+1)
		}
		if n := len(s.fake.Requests()); n < 2 {
			t.Errorf("provider saw %d requests: BAML did not retry", n)
		}
		if strings.Contains(r.raw, apiKey) {
			t.Error("response leaks the API key")
		}

		// Retrying the failed post, now that the provider is back, works.
		s.fake.Reset()
		retry := s.do(t, context.Background(), http.MethodPost, "/api/rekan/posts/"+stored.Id+":retry", fx.AliceToken, "")
		if retry.status != 200 {
			t.Fatalf("retry: %d %s", retry.status, retry.raw)
		}
		stored = testutil.FindPost(t, s.app, stored.Id)
		if stored.GetString("status") != "ready" || stored.GetString("error") != "" || testutil.RequestBrief(t, s.app, stored) != "promoção de brigadeiro" {
			t.Errorf("retried post: %v", stored.PublicExport())
		}
	})

	t.Run("unparsable model output: 502", func(t *testing.T) {
		s.fake.Reset()
		s.fake.Enqueue(fakellm.Reply{Content: "Desculpe, não consigo ajudar com isso.", Times: 10})
		r := s.generate(t, `{"brief":"bolo de pote"}`)
		if r.status != 502 || data(r)["code"] != "llm_failed" || !strings.Contains(r.body["message"].(string), "formato inesperado") {
			t.Fatalf("generate: %d %s", r.status, r.raw)
		}
	})

	t.Run("client gone mid-generation: the posts are still stored", func(t *testing.T) {
		s.fake.Reset()
		s.fake.Enqueue(fakellm.Reply{Delay: 800 * time.Millisecond})
		before := testutil.PostsOf(t, s.app, fx.AliceBusiness)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/api/rekan/businesses/"+fx.AliceBusiness+"/posts:generate",
			strings.NewReader(`{"brief":"cliente impaciente"}`))
		req.Header.Set("Authorization", fx.AliceToken)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			t.Fatalf("request finished before the client gave up: %d", res.StatusCode)
		}
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			after := testutil.PostsOf(t, s.app, fx.AliceBusiness)
			if len(after) == len(before)+1 && after[0].GetString("status") == "ready" {
				if testutil.RequestBrief(t, s.app, after[0]) != "cliente impaciente" {
					t.Errorf("newest post: %v", after[0].PublicExport())
				}
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("the post was not stored as ready after the client disconnected")
	})

	t.Run("runtime killed mid-flight: 503, degraded, back within seconds", func(t *testing.T) {
		s.fake.Reset()
		s.fake.Enqueue(fakellm.Reply{Delay: 5 * time.Second})
		pid := s.runtime.PID()
		if pid == 0 {
			t.Fatal("no runtime pid")
		}
		go func() {
			// Kill once the provider has the request, i.e. mid-flight.
			for len(s.fake.Requests()) == 0 {
				time.Sleep(10 * time.Millisecond)
			}
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}()
		r := s.generate(t, `{"brief":"bolo interrompido"}`)
		if r.status != 503 || data(r)["code"] != "llm_unavailable" {
			t.Fatalf("generate during the kill: %d %s", r.status, r.raw)
		}
		failed := posts(t, data(r))
		if len(failed) != 1 || failed[0]["status"] != "failed" || testutil.ExpandedBrief(failed[0]) != "bolo interrompido" {
			t.Errorf("failed posts: %s", r.raw)
		}

		killed := time.Now()
		sawDegraded := false
		for time.Since(killed) < 15*time.Second {
			h := s.health(t)
			if h.status == 503 && h.body["status"] == "degraded" && h.body["baml_runtime"] == "error" {
				sawDegraded = true
			}
			if h.status == 200 && sawDegraded {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !sawDegraded {
			t.Fatal("health never reported the dead runtime")
		}
		if h := s.health(t); h.status != 200 {
			t.Fatalf("runtime not back after %s: %s", time.Since(killed), h.raw)
		}
		t.Logf("runtime back %s after the kill (pid %d -> %d)", time.Since(killed).Round(time.Millisecond), pid, s.runtime.PID())
		if s.runtime.PID() == pid {
			t.Error("same pid after the kill")
		}

		s.fake.Reset()
		if r := s.generate(t, `{"brief":"depois da queda"}`); r.status != 200 {
			t.Fatalf("generate after restart: %d %s", r.status, r.raw)
		}
	})
}

func TestEndToEndTimeout(t *testing.T) {
	s := newStack(t, apiKey, 1500*time.Millisecond)
	s.fake.Enqueue(fakellm.Reply{Delay: 10 * time.Second, Times: 5})
	r := s.generate(t, `{"brief":"bolo lento"}`)
	if r.status != 502 || data(r)["code"] != "llm_failed" || !strings.Contains(r.body["message"].(string), "demorou demais") {
		t.Fatalf("generate: %d %s", r.status, r.raw)
	}
	failed := posts(t, data(r))
	if len(failed) != 1 {
		t.Fatalf("failed posts: %s", r.raw)
	}
	if p := testutil.FindPost(t, s.app, failed[0]["id"].(string)); p.GetString("status") != "failed" || testutil.RequestBrief(t, s.app, p) != "bolo lento" {
		t.Errorf("stored: %v", p.PublicExport())
	}
}

func TestEndToEndWithoutLLMKey(t *testing.T) {
	s := newStack(t, "", 10*time.Second)
	h := s.health(t)
	if h.status != 200 || h.body["status"] != "ok" || h.body["llm_configured"] != false {
		t.Fatalf("health: %d %s", h.status, h.raw)
	}
	r := s.generate(t, `{"brief":"bolo sem chave"}`)
	if r.status != 503 || data(r)["code"] != "llm_not_configured" || !strings.Contains(r.body["message"].(string), "ainda não foi ativada") {
		t.Fatalf("generate: %d %s", r.status, r.raw)
	}
	failed := posts(t, data(r))
	if len(failed) != 1 || testutil.ExpandedBrief(failed[0]) != "bolo sem chave" {
		t.Errorf("failed posts: %s", r.raw)
	}
	if n := len(s.fake.Requests()); n != 0 {
		t.Errorf("provider called %d times without a key", n)
	}
	cfg := s.do(t, context.Background(), http.MethodGet, "/api/rekan/config", "", "")
	if cfg.status != 200 || cfg.body["llm_configured"] != false {
		t.Errorf("config: %s", cfg.raw)
	}
}

func TestEndToEndGenerationIsRateLimited(t *testing.T) {
	s := newStack(t, apiKey, 10*time.Second)
	s.app.Settings().RateLimits.Enabled = true
	var statuses []int
	for i := 0; i < 11; i++ {
		r := s.do(t, context.Background(), http.MethodPost, "/api/rekan/posts/doesnotexist123:retry", fx.AliceToken, "")
		statuses = append(statuses, r.status)
	}
	for i, status := range statuses[:10] {
		if status != 404 {
			t.Errorf("request %d: %d", i+1, status)
		}
	}
	if statuses[10] != 429 {
		t.Errorf("11th request within a minute: %d, want 429", statuses[10])
	}
	// Reads are not throttled by the generation limit.
	if h := s.health(t); h.status != 200 {
		t.Errorf("health after the limit: %d", h.status)
	}
}
