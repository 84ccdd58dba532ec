package contentrt_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/fakellm"
)

// "Refazer com o pedido do cliente" through the real BAML runtime: the
// client's note reaches the model with the post, what the note asks goes,
// the rest stays, and the post is a draft again, showing on the same link.
func TestEndToEndReviseFromNote(t *testing.T) {
	s := newStack(t, apiKey, 20*time.Second)
	ctx := context.Background()
	p := testutil.FindPost(t, s.app, fx.AlicePost)
	p.Set("caption", "Bolo de pote de ninho com morango, feito hoje cedo. Sai por R$ 12,50 a unidade. Encomende pelo WhatsApp!")
	if err := s.app.Save(p); err != nil {
		t.Fatal(err)
	}
	revise := "/api/rekan/posts/" + fx.AlicePost + ":revise"

	if r := s.do(t, ctx, http.MethodPost, revise, fx.AliceToken, ""); r.status != http.StatusBadRequest || data(r)["code"] != "no_change_request" {
		t.Fatalf("revise without a note: %d %s", r.status, r.raw)
	}

	created := s.do(t, ctx, http.MethodPost, "/api/rekan/approvals", fx.AliceToken, `{"business":"`+fx.AliceBusiness+`","posts":["`+fx.AlicePost+`"]}`)
	token, _ := created.body["token"].(string)
	if created.status != http.StatusCreated || token == "" {
		t.Fatalf("create approval: %d %s", created.status, created.raw)
	}
	decide := func(decision, note string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/api/rekan/approval/decisions",
			strings.NewReader(`{"post":"`+fx.AlicePost+`","decision":"`+decision+`","note":"`+note+`","name":"Lu"}`))
		req.Header.Set(routes.ApprovalHeader, token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", decision, res.StatusCode)
		}
	}
	decide("ajuste", "tira o preço")

	if r := s.do(t, ctx, http.MethodPost, revise, fx.BobToken, ""); r.status != http.StatusNotFound {
		t.Errorf("Bob revised Alice's post: %d", r.status)
	}
	s.fake.Reset()
	r := s.do(t, ctx, http.MethodPost, revise, fx.AliceToken, "")
	if r.status != http.StatusOK {
		t.Fatalf("revise: %d %s", r.status, r.raw)
	}
	revised := posts(t, r.body)[0]
	caption, _ := revised["caption"].(string)
	if strings.Contains(caption, "R$") || !strings.HasPrefix(caption, "Bolo de pote de ninho com morango") || !strings.Contains(caption, "Encomende pelo WhatsApp!") {
		t.Errorf("revised caption: %q", caption)
	}
	if revised["stage"] != "rascunho" || revised["status"] != "ready" {
		t.Errorf("revised post: stage %v status %v", revised["stage"], revised["status"])
	}
	requests := s.fake.Requests()
	if len(requests) != 1 || !strings.Contains(requests[0].Prompt(), "Pedido de ajuste do cliente:\ntira o preço") && !strings.Contains(requests[0].Prompt(), "tira o preço") {
		t.Errorf("the note did not reach the model: %d requests", len(requests))
	}
	// Once revised, the note is answered: no second revision from it.
	if r := s.do(t, ctx, http.MethodPost, revise, fx.AliceToken, ""); r.status != http.StatusBadRequest {
		t.Errorf("second revision from the same note: %d %s", r.status, r.raw)
	}
	// The same link shows the new version, and the client approves it.
	decide("aprovado", "")
	view := s.do(t, ctx, http.MethodGet, "/api/rekan/businesses/"+fx.AliceBusiness+"/approvals", fx.AliceToken, "")
	var overview struct {
		Posts []struct{ Post, State string } `json:"posts"`
	}
	if err := json.Unmarshal([]byte(view.raw), &overview); err != nil || len(overview.Posts) != 1 || overview.Posts[0].State != "aprovado" {
		t.Errorf("after approving the revision: %s", view.raw)
	}

	// An LLM failure answers like retry and keeps the note to try again.
	decide("ajuste", "troca a foto")
	s.fake.Enqueue(fakellm.Reply{Status: http.StatusInternalServerError, Body: `{"error":{"message":"down"}}`, Times: 20})
	if r := s.do(t, ctx, http.MethodPost, revise, fx.AliceToken, ""); r.status != http.StatusBadGateway || data(r)["code"] != "llm_failed" {
		t.Errorf("revise with the provider down: %d %s", r.status, r.raw)
	}
}
