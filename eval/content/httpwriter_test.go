package content_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/bamlrt/bamlrttest"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/fakellm"
)

const apiKey = "sk-test-7d1f0c2a9b"

// attemptsPerCall is 1 + max_retries of WriterRetry in clients.baml.
const attemptsPerCall = 4

type fixture struct {
	fake     *fakellm.Server
	rt       *bamlrt.Runtime
	provider content.Provider
	writer   *content.HTTPWriter
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	fake := fakellm.New()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p := content.Provider{
		BaseURL:     srv.URL + "/v1",
		APIKey:      apiKey,
		WriterModel: "writer-model",
		JudgeModels: []string{"judge-a", "judge-b"},
	}
	rt := bamlrttest.Start(t, p.RuntimeEnv())
	return &fixture{fake: fake, rt: rt, provider: p, writer: content.NewHTTPWriter(rt, p)}
}

func sampleRequest(roles ...content.Role) content.Request {
	price, small := 180.0, 2.5
	return content.Request{
		Business: content.Business{
			Name:          "Doces da Lu",
			Segment:       "confeitaria artesanal",
			City:          "Belo Horizonte",
			State:         "MG",
			Neighbourhood: "Santa Tereza",
			Services:      []content.Offering{{Name: "Bolo de casamento (kg)", PriceBRL: &price}, {Name: "Brigadeiro"}, {Name: "Docinho", PriceBRL: &small}},
			Voice:         "carinhosa",
			Facts:         []string{"usa chocolate belga"},
		},
		Brief:         "fiz um bolo de casamento rosa e dourado",
		Roles:         roles,
		PreviousHooks: []string{"Gente, olha isso!"},
	}
}

func TestWritePostsSuccess(t *testing.T) {
	f := newFixture(t)
	req := sampleRequest(content.RoleProduct, content.RoleBackstage)

	res, err := f.writer.WritePosts(context.Background(), req)
	if err != nil {
		t.Fatalf("WritePosts: %v", err)
	}
	if res.Model != "writer-model" {
		t.Errorf("Model = %q", res.Model)
	}
	if len(res.Posts) != 2 {
		t.Fatalf("%d posts, want 2", len(res.Posts))
	}
	for i, p := range res.Posts {
		if p.Role != req.Roles[i] {
			t.Errorf("post %d role %q, want %q", i, p.Role, req.Roles[i])
		}
		if p.Caption == "" || p.Hook == "" || p.ProductionNote == "" {
			t.Errorf("post %d incomplete: %+v", i, p)
		}
		if len(p.Hashtags) == 0 {
			t.Errorf("post %d has no hashtags", i)
		}
		for _, tag := range p.Hashtags {
			if !strings.HasPrefix(tag, "#") || strings.HasPrefix(tag, "##") || strings.ContainsAny(tag, " \t") {
				t.Errorf("post %d hashtag %q is not normalised", i, tag)
			}
		}
	}

	calls := f.fake.Requests()
	if len(calls) != 1 {
		t.Fatalf("provider saw %d requests, want 1", len(calls))
	}
	call := calls[0]
	if call.Model != "writer-model" || call.Authorization != "Bearer "+apiKey {
		t.Errorf("provider saw model %q auth %q", call.Model, call.Authorization)
	}
	prompt := call.Prompt()
	for _, want := range []string{"Negócio: Doces da Lu", `Post 1: papel "produto"`, `Post 2: papel "bastidores"`,
		req.Brief, "Bairro: Santa Tereza", "- usa chocolate belga", "- Gente, olha isso!",
		"- Bolo de casamento (kg) (R$ 180,00)\n- Brigadeiro\n- Docinho (R$ 2,50)\n"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("prompt lacks %q", want)
		}
	}
}

func TestWritePostsProviderFailsEveryAttempt(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Status: http.StatusInternalServerError, Times: attemptsPerCall + 5})

	_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleTip))
	if !errors.Is(err, content.ErrProvider) {
		t.Fatalf("err = %v, want ErrProvider", err)
	}
	if got := len(f.fake.Requests()); got != attemptsPerCall {
		t.Errorf("provider saw %d attempts, want %d (first try + WriterRetry's retries, no fallback chain)", got, attemptsPerCall)
	}
	if strings.Contains(err.Error(), apiKey) || strings.Contains(err.Error(), "bolo de casamento") {
		t.Errorf("error leaks the key or the prompt: %v", err)
	}
}

func TestWritePostsRedactsKeyQuotedByProvider(t *testing.T) {
	fake := fakellm.New()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p := content.Provider{BaseURL: srv.URL + "/v1", APIKey: apiKey, WriterModel: "writer-model"}
	rt, logs := bamlrttest.StartLogged(t, p.RuntimeEnv())
	f := &fixture{fake: fake, rt: rt, provider: p, writer: content.NewHTTPWriter(rt, p)}
	f.fake.Enqueue(fakellm.Reply{
		Status: http.StatusUnauthorized,
		Body:   `{"error":{"message":"Incorrect API key provided: ` + apiKey + `","type":"invalid_request_error","code":"invalid_api_key"}}`,
		Times:  attemptsPerCall,
	})
	_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleTip))
	if !errors.Is(err, content.ErrProvider) {
		t.Fatalf("err = %v, want ErrProvider", err)
	}
	if strings.Contains(err.Error(), apiKey) {
		t.Fatalf("error leaks the API key: %v", err)
	}
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("error should still carry the provider's (redacted) reason: %v", err)
	}
	// The runtime logs the failure around the time it answers.
	bamlrttest.WaitFor(t, 10*time.Second, func() bool { return strings.Contains(logs.String(), "Incorrect API key provided") })
	if strings.Contains(logs.String(), apiKey) {
		t.Errorf("runtime log leaks the API key:\n%s", logs)
	}
	for _, prompt := range []string{"Você escreve posts", "Santa Tereza", "Doces da Lu"} {
		if strings.Contains(logs.String(), prompt) {
			t.Errorf("runtime log leaks the prompt (%q):\n%s", prompt, logs)
		}
	}
}

func TestWritePostsProviderTooSlow(t *testing.T) {
	f := newFixture(t)
	f.fake.SetLatency(time.Minute)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := f.writer.WritePosts(ctx, sampleRequest(content.RoleProduct))
	if !errors.Is(err, content.ErrProvider) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrProvider wrapping DeadlineExceeded", err)
	}
	if waited := time.Since(start); waited > 10*time.Second {
		t.Errorf("returned after %s, long after the deadline", waited)
	}
}

func TestWritePostsUnparsableOutput(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Content: "Desculpe, não consigo ajudar com isso.", Times: attemptsPerCall})

	_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleProduct, content.RoleStory))
	if !errors.Is(err, content.ErrInvalidOutput) {
		t.Fatalf("err = %v, want ErrInvalidOutput", err)
	}
	if strings.Contains(err.Error(), "Desculpe") {
		t.Errorf("error quotes the model's output: %v", err)
	}
}

func TestWritePostsNormalisesOutput(t *testing.T) {
	f := newFixture(t)
	// Three posts for two roles, a made-up role, messy hashtags, no hook.
	f.fake.Enqueue(fakellm.Reply{Content: `[
	  {"role": "vitrine", "hook": "", "caption": "  Primeira linha.\nResto. ", "hashtags": ["##bolo", "bolo", " #doce de leite ", "", "#BH"], "production_note": " luz da janela "},
	  {"role": "produto", "hook": "Gancho 2", "caption": "Legenda 2", "hashtags": ["a"], "production_note": "nota"},
	  {"role": "dica", "hook": "Gancho 3", "caption": "Legenda 3", "hashtags": ["b"], "production_note": "nota"}
	]`})

	res, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleProduct, content.RoleBackstage))
	if err != nil {
		t.Fatalf("WritePosts: %v", err)
	}
	if len(res.Posts) != 2 {
		t.Fatalf("%d posts, want 2 (extra posts truncated)", len(res.Posts))
	}
	first, second := res.Posts[0], res.Posts[1]
	if first.Role != content.RoleBackstage || second.Role != content.RoleProduct {
		t.Errorf("roles %q, %q; want the unknown one to get the role the model left free", first.Role, second.Role)
	}
	if first.Hook != "Primeira linha." || first.Caption != "Primeira linha.\nResto." || first.ProductionNote != "luz da janela" {
		t.Errorf("first post not trimmed / hook not derived: %+v", first)
	}
	want := []string{"#bolo", "#docedeleite", "#BH"}
	if strings.Join(first.Hashtags, ",") != strings.Join(want, ",") {
		t.Errorf("hashtags %q, want %q", first.Hashtags, want)
	}
}

func TestWritePostsTooFewPosts(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Content: `[{"role": "produto", "hook": "h", "caption": "c", "hashtags": [], "production_note": "n"}]`})
	_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleProduct, content.RoleTip))
	if !errors.Is(err, content.ErrInvalidOutput) {
		t.Fatalf("err = %v, want ErrInvalidOutput", err)
	}
}

func TestWritePostsRejectsBadRequests(t *testing.T) {
	f := newFixture(t)
	bad := map[string]content.Request{
		"no roles":      sampleRequest(),
		"four roles":    sampleRequest(content.RoleProduct, content.RoleTip, content.RoleStory, content.RoleOffer),
		"unknown role":  sampleRequest("vitrine"),
		"repeated role": sampleRequest(content.RoleTip, content.RoleTip),
		"blank brief":   func() content.Request { r := sampleRequest(content.RoleTip); r.Brief = "  "; return r }(),
		"no business":   func() content.Request { r := sampleRequest(content.RoleTip); r.Business.Name = ""; return r }(),
	}
	for name, req := range bad {
		if _, err := f.writer.WritePosts(context.Background(), req); !errors.Is(err, content.ErrInvalidRequest) {
			t.Errorf("%s: err = %v, want ErrInvalidRequest", name, err)
		}
	}
	if n := len(f.fake.Requests()); n != 0 {
		t.Errorf("provider saw %d requests", n)
	}
}

func TestWritePostsRuntimeKilledMidFlight(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Delay: 30 * time.Second})

	errc := make(chan error, 1)
	go func() {
		_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleProduct))
		errc <- err
	}()
	bamlrttest.WaitFor(t, 10*time.Second, func() bool { return len(f.fake.Requests()) == 1 })
	if err := syscall.Kill(f.rt.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, content.ErrRuntimeUnavailable) {
			t.Fatalf("err = %v, want ErrRuntimeUnavailable", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WritePosts still blocked after the runtime died")
	}

	// While the supervisor restarts the child, calls fail fast as
	// unavailable; soon after, they succeed again.
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleProduct))
		if err == nil {
			break
		}
		if !errors.Is(err, content.ErrRuntimeUnavailable) {
			t.Fatalf("during restart: err = %v, want ErrRuntimeUnavailable", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no success within 20s of the kill: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestWritePostsFallsBackToSecondProvider(t *testing.T) {
	primary, secondary := fakellm.New(), fakellm.New()
	primarySrv, secondarySrv := httptest.NewServer(primary), httptest.NewServer(secondary)
	t.Cleanup(primarySrv.Close)
	t.Cleanup(secondarySrv.Close)
	primary.Enqueue(fakellm.Reply{Status: http.StatusServiceUnavailable, Times: 100})
	p := content.Provider{
		BaseURL: primarySrv.URL + "/v1", APIKey: apiKey, WriterModel: "writer-model",
		FallbackBaseURL: secondarySrv.URL + "/v1", FallbackAPIKey: "sk-second", FallbackModel: "backup-model",
	}
	w := content.NewHTTPWriter(bamlrttest.Start(t, p.RuntimeEnv()), p)

	res, err := w.WritePosts(context.Background(), sampleRequest(content.RoleOffer))
	if err != nil {
		t.Fatalf("WritePosts: %v", err)
	}
	if len(res.Posts) != 1 || res.Posts[0].Role != content.RoleOffer {
		t.Fatalf("posts %+v", res.Posts)
	}
	if got := len(primary.Requests()); got != attemptsPerCall {
		t.Errorf("primary saw %d attempts, want %d", got, attemptsPerCall)
	}
	calls := secondary.Requests()
	if len(calls) != 1 || calls[0].Model != "backup-model" || calls[0].Authorization != "Bearer sk-second" {
		t.Errorf("secondary saw %+v", calls)
	}
}
