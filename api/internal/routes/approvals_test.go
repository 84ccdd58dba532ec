package routes_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/approval"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/security"
	"github.com/rekan/rekan/api/internal/settings"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
)

// approvalServer is the real router (PocketBase's middlewares, the
// security headers, Rekan's rate limits) on a test app, with a log buffer.
type approvalServer struct {
	app *tests.TestApp
	url string
	log *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newApprovalServer(t *testing.T, rateLimits bool) *approvalServer {
	t.Helper()
	app := fx.NewApp(t)
	t.Cleanup(app.Cleanup)
	if err := settings.Apply(app, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	app.Settings().RateLimits.Enabled = rateLimits
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	security.Bind(r, false)
	log := &syncBuffer{}
	routes.Bind(r, routes.Deps{
		Content: testutil.Content{Writer: &scriptedWriter{}, Configured: true}, Version: "test",
		Logger: slog.New(slog.NewTextHandler(log, nil)),
	})
	mux, err := r.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)
	return &approvalServer{app: app, url: server.URL, log: log}
}

// call sends a request with optional operator token and approval token.
func (s *approvalServer) call(t *testing.T, method, path, operator, token, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if operator != "" {
		req.Header.Set("Authorization", operator)
	}
	if token != "" {
		req.Header.Set(routes.ApprovalHeader, token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, strings.TrimSpace(string(raw))
}

// send creates an approval of posts as Alice and returns its token and id.
func (s *approvalServer) send(t *testing.T, posts ...string) (token, id string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"business": fx.AliceBusiness, "posts": posts})
	status, _, raw := s.call(t, http.MethodPost, "/api/rekan/approvals", fx.AliceToken, "", string(body))
	if status != http.StatusCreated {
		t.Fatalf("create approval: %d %s", status, raw)
	}
	var created struct {
		Token    string `json:"token"`
		Path     string `json:"path"`
		Approval struct {
			ID string `json:"id"`
		} `json:"approval"`
	}
	if err := json.Unmarshal([]byte(raw), &created); err != nil {
		t.Fatal(err)
	}
	if len(created.Token) < 22 || created.Path != "/aprovar#"+created.Token {
		t.Fatalf("token %q path %q", created.Token, created.Path)
	}
	return created.Token, created.Approval.ID
}

func (s *approvalServer) view(t *testing.T, token string) approval.Public {
	t.Helper()
	status, _, raw := s.call(t, http.MethodGet, "/api/rekan/approval", "", token, "")
	if status != http.StatusOK {
		t.Fatalf("view: %d %s", status, raw)
	}
	var v approval.Public
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func (s *approvalServer) decide(t *testing.T, token, post, decision, note string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"post": post, "decision": decision, "note": note, "name": "Ana"})
	status, _, raw := s.call(t, http.MethodPost, "/api/rekan/approval/decisions", "", token, string(body))
	return status, raw
}

func (s *approvalServer) overview(t *testing.T) map[string]approval.PostState {
	t.Helper()
	status, _, raw := s.call(t, http.MethodGet, "/api/rekan/businesses/"+fx.AliceBusiness+"/approvals", fx.AliceToken, "", "")
	if status != http.StatusOK {
		t.Fatalf("overview: %d %s", status, raw)
	}
	var o approval.Overview
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		t.Fatal(err)
	}
	out := map[string]approval.PostState{}
	for _, p := range o.Posts {
		out[p.Post] = p
	}
	return out
}

func stageOf(t *testing.T, app core.App, id string) string {
	t.Helper()
	return testutil.FindPost(t, app, id).GetString("stage")
}

func countDecisions(t *testing.T, app core.App) int {
	t.Helper()
	n, err := app.CountRecords(approval.DecisionsCollection)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestApprovalJourney(t *testing.T) {
	s := newApprovalServer(t, false)
	second, err := testutil.NewPost(s.app, fx.AliceBusiness, "brigadeiro", "oferta", "Brigadeiro em dobro!")
	if err != nil {
		t.Fatal(err)
	}
	token, _ := s.send(t, fx.AlicePost, second)
	if st := stageOf(t, s.app, second); st != "enviado" {
		t.Errorf("stage after sending: %q, want enviado", st)
	}

	status, headers, raw := s.call(t, http.MethodGet, "/api/rekan/approval", "", token, "")
	if status != http.StatusOK {
		t.Fatalf("view: %d %s", status, raw)
	}
	for name, want := range map[string]string{"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow", "Cache-Control": "no-store"} {
		if got := headers.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if csp := headers.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "http") {
		t.Errorf("CSP %q", csp)
	}
	// Nothing but what the client needs: no e-mail, no token, no hash.
	for _, leak := range []string{"alice@example.com", token, approval.HashToken(token), fx.AliceBusiness, "brief", "production_note"} {
		if strings.Contains(raw, leak) {
			t.Errorf("public view leaks %q: %s", leak, raw)
		}
	}
	v := s.view(t, token)
	if v.Business != "Confeitaria da Lu" || len(v.Posts) != 2 || v.Posts[0].ID != fx.AlicePost || v.Posts[0].Decision != nil {
		t.Fatalf("view: %+v", v)
	}

	if status, raw := s.decide(t, token, fx.AlicePost, "aprovado", ""); status != http.StatusOK {
		t.Fatalf("approve: %d %s", status, raw)
	}
	// A double tap stores nothing new.
	if status, raw := s.decide(t, token, fx.AlicePost, "aprovado", ""); status != http.StatusOK {
		t.Fatalf("approve again: %d %s", status, raw)
	}
	if n := countDecisions(t, s.app); n != 1 {
		t.Errorf("decisions after a double tap: %d, want 1", n)
	}
	status, raw = s.decide(t, token, second, "ajuste", " \u200b ")
	if status != http.StatusBadRequest || !strings.Contains(raw, "Conte o que precisa mudar") {
		t.Errorf("ajuste without a note: %d %s", status, raw)
	}
	long := strings.Repeat("a", 1001)
	if status, raw := s.decide(t, token, second, "ajuste", long); status != http.StatusBadRequest || !strings.Contains(raw, "1000") {
		t.Errorf("ajuste with a long note: %d %s", status, raw)
	}
	if status, raw := s.decide(t, token, second, "ajuste", "  tira o preço  "); status != http.StatusOK {
		t.Fatalf("ajuste: %d %s", status, raw)
	}
	v = s.view(t, token)
	if v.Posts[0].Decision == nil || v.Posts[0].Decision.Decision != "aprovado" || v.Posts[1].Decision == nil || v.Posts[1].Decision.Note != "tira o preço" {
		t.Errorf("decisions not shown: %+v", v.Posts)
	}
	if a, b := stageOf(t, s.app, fx.AlicePost), stageOf(t, s.app, second); a != "aprovado" || b != "ajuste" {
		t.Errorf("stages after the decisions: %q %q", a, b)
	}
	states := s.overview(t)
	if states[fx.AlicePost].State != "aprovado" || states[second].State != "ajuste" || states[second].Decision.Name != "Ana" {
		t.Errorf("operator's view: %+v", states)
	}
	// The client changes their mind: the last decision wins, all are kept.
	if status, raw := s.decide(t, token, second, "aprovado", ""); status != http.StatusOK {
		t.Fatalf("change of mind: %d %s", status, raw)
	}
	if states := s.overview(t); states[second].State != "aprovado" {
		t.Errorf("last decision did not win: %+v", states[second])
	}
	if n := countDecisions(t, s.app); n != 3 {
		t.Errorf("decisions kept: %d, want 3", n)
	}
	if st := stageOf(t, s.app, second); st != "aprovado" {
		t.Errorf("stage after the change of mind: %q", st)
	}
	// Once the operator publishes, the decision is final.
	if err := post.MoveStage(s.app, second, post.StagePublished, post.Operator("alice@example.com"), ""); err != nil {
		t.Fatal(err)
	}
	status, raw = s.decide(t, token, second, "ajuste", "mudei de ideia")
	if status != http.StatusConflict || !strings.Contains(raw, "já foi publicado") {
		t.Errorf("decision on a published post: %d %s", status, raw)
	}
	if v := s.view(t, token); v.Posts[1].Open {
		t.Errorf("a published post is still open: %+v", v.Posts[1])
	}
}

// Every token that opens nothing gets the same 404, byte for byte, and is
// logged with the address, never the token.
func TestApprovalTokensThatOpenNothing(t *testing.T) {
	s := newApprovalServer(t, false)
	revokedToken, revokedID := s.send(t, fx.AlicePost)
	if status, _, raw := s.call(t, http.MethodPost, "/api/rekan/approvals/"+revokedID+":revoke", fx.AliceToken, "", ""); status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", status, raw)
	}
	expiredToken, expiredID := s.send(t, fx.AlicePost)
	expired, err := s.app.FindRecordById(approval.Collection, expiredID)
	if err != nil {
		t.Fatal(err)
	}
	expired.Set("expires", time.Now().Add(-time.Minute).UTC())
	if err := s.app.Save(expired); err != nil {
		t.Fatal(err)
	}
	// Bob's approval is live, but not Alice's revoking; nor can Alice revoke it.
	if status, _, _ := s.call(t, http.MethodPost, "/api/rekan/approvals/"+revokedID+":revoke", fx.BobToken, "", ""); status != http.StatusNotFound {
		t.Errorf("Bob revoked Alice's approval: %d", status)
	}

	cases := map[string]string{
		"unknown": "pX3v0bQm9W2o5s1yN7e4r8t6u0i2o4p6a8s0d2f4g6h",
		"revoked": revokedToken,
		"expired": expiredToken,
		"empty":   "",
		"hash":    approval.HashToken(revokedToken),
	}
	var first string
	for name, token := range cases {
		for _, req := range []struct{ method, path, body string }{
			{http.MethodGet, "/api/rekan/approval", ""},
			{http.MethodPost, "/api/rekan/approval/decisions", `{"post":"` + fx.AlicePost + `","decision":"aprovado"}`},
		} {
			status, _, raw := s.call(t, req.method, req.path, "", token, req.body)
			if status != http.StatusNotFound {
				t.Errorf("%s %s %s: %d %s", name, req.method, req.path, status, raw)
			}
			if first == "" {
				first = raw
			} else if raw != first {
				t.Errorf("%s %s: body %s differs from %s", name, req.method, raw, first)
			}
		}
	}
	if n := countDecisions(t, s.app); n != 0 {
		t.Errorf("decisions stored through dead tokens: %d", n)
	}
	logs := s.log.String()
	if !strings.Contains(logs, "approval token matched no live approval") || !strings.Contains(logs, "ip=127.0.0.1") {
		t.Errorf("failed lookups not logged: %s", logs)
	}
	for _, token := range []string{revokedToken, expiredToken, cases["unknown"]} {
		if strings.Contains(logs, token) {
			t.Errorf("a token reached the log")
		}
	}
}

// A link opens its own posts only: not another approval's post, not
// another operator's, and not a post deleted since.
func TestApprovalScope(t *testing.T) {
	s := newApprovalServer(t, false)
	other, err := testutil.NewPost(s.app, fx.AliceBusiness, "pão de mel", "produto", "Pão de mel!")
	if err != nil {
		t.Fatal(err)
	}
	token, _ := s.send(t, fx.AlicePost)
	s.send(t, other)
	for _, post := range []string{other, fx.BobPost, "nonexistent1234"} {
		if status, raw := s.decide(t, token, post, "aprovado", ""); status != http.StatusBadRequest || !strings.Contains(raw, "não faz parte deste link") {
			t.Errorf("decision on %s: %d %s", post, status, raw)
		}
	}
	if v := s.view(t, token); len(v.Posts) != 1 || v.Posts[0].ID != fx.AlicePost {
		t.Errorf("view shows other posts: %+v", v.Posts)
	}

	// Operators: only their own ready posts, through their own business.
	for name, c := range map[string]struct {
		token, body string
		status      int
	}{
		"Bob sends Alice's post":     {fx.BobToken, `{"business":"` + fx.BobBusiness + `","posts":["` + fx.AlicePost + `"]}`, 404},
		"Bob sends Alice's business": {fx.BobToken, `{"business":"` + fx.AliceBusiness + `","posts":["` + fx.AlicePost + `"]}`, 404},
		"Alice sends Bob's post":     {fx.AliceToken, `{"business":"` + fx.AliceBusiness + `","posts":["` + fx.BobPost + `"]}`, 404},
		"no posts":                   {fx.AliceToken, `{"business":"` + fx.AliceBusiness + `","posts":[]}`, 400},
		"not JSON":                   {fx.AliceToken, `posts`, 400},
		"no session":                 {"", `{"business":"` + fx.AliceBusiness + `","posts":["` + fx.AlicePost + `"]}`, 401},
		"superuser, not an operator": {fx.SuperuserToken, `{"business":"` + fx.AliceBusiness + `","posts":["` + fx.AlicePost + `"]}`, 403},
	} {
		if status, _, raw := s.call(t, http.MethodPost, "/api/rekan/approvals", c.token, "", c.body); status != c.status {
			t.Errorf("%s: %d %s, want %d", name, status, raw, c.status)
		}
	}
	failed := testutil.FindPost(t, s.app, other)
	failed.Set("status", "failed")
	if err := s.app.Save(failed); err != nil {
		t.Fatal(err)
	}
	if status, _, raw := s.call(t, http.MethodPost, "/api/rekan/approvals", fx.AliceToken, "", `{"business":"`+fx.AliceBusiness+`","posts":["`+other+`"]}`); status != http.StatusBadRequest {
		t.Errorf("a failed post was sent: %d %s", status, raw)
	}

	// A post deleted after it was sent disappears from the link.
	if err := s.app.Delete(testutil.FindPost(t, s.app, fx.AlicePost)); err != nil {
		t.Fatal(err)
	}
	if v := s.view(t, token); len(v.Posts) != 0 {
		t.Errorf("a deleted post is still shown: %+v", v.Posts)
	}
	if status, raw := s.decide(t, token, fx.AlicePost, "aprovado", ""); status != http.StatusBadRequest {
		t.Errorf("decision on a deleted post: %d %s", status, raw)
	}
}

// Editing an approved post takes the approval away: the client approved
// what they saw.
func TestEditAfterApproval(t *testing.T) {
	s := newApprovalServer(t, false)
	token, approvalID := s.send(t, fx.AlicePost)
	if status, raw := s.decide(t, token, fx.AlicePost, "aprovado", ""); status != http.StatusOK {
		t.Fatalf("approve: %d %s", status, raw)
	}
	status, _, raw := s.call(t, http.MethodPatch, "/api/collections/posts/records/"+fx.AlicePost, fx.AliceToken, "", `{"caption":"Outro texto, depois da aprovação."}`)
	if status != http.StatusOK {
		t.Fatalf("edit: %d %s", status, raw)
	}
	if st := s.overview(t)[fx.AlicePost]; st.State != approval.StateEdited || st.Decision == nil || st.Decision.Decision != "aprovado" {
		t.Errorf("after the edit: %+v, want alterado", st)
	}
	if st := stageOf(t, s.app, fx.AlicePost); st != "rascunho" {
		t.Errorf("stage after an edit of an approved post: %q, want rascunho", st)
	}
	if v := s.view(t, token); v.Posts[0].Decision != nil || v.Posts[0].Caption != "Outro texto, depois da aprovação." {
		t.Errorf("the client still sees the old approval: %+v", v.Posts[0])
	}
	// "Lembrar": a fresh link for what waits; the old one keeps working.
	status, _, raw = s.call(t, http.MethodPost, "/api/rekan/approvals/"+approvalID+":remind", fx.AliceToken, "", "")
	if status != http.StatusCreated || strings.Contains(raw, token) {
		t.Fatalf("remind: %d %s", status, raw)
	}
	s.view(t, token)
	if status, raw := s.decide(t, token, fx.AlicePost, "aprovado", ""); status != http.StatusOK {
		t.Fatalf("approve again: %d %s", status, raw)
	}
	if st := s.overview(t)[fx.AlicePost]; st.State != approval.StateApproved || stageOf(t, s.app, fx.AlicePost) != "aprovado" {
		t.Errorf("after approving the new version: %+v", st)
	}
	status, _, raw = s.call(t, http.MethodPost, "/api/rekan/approvals/"+approvalID+":remind", fx.AliceToken, "", "")
	if status != http.StatusBadRequest {
		t.Errorf("remind with nothing waiting: %d %s", status, raw)
	}
}

// Two clients (two phones, two links) decide at once: every decision is
// kept, and what the operator and the page show is the last one stored.
func TestConcurrentDecisions(t *testing.T) {
	s := newApprovalServer(t, false)
	first, _ := s.send(t, fx.AlicePost)
	second, _ := s.send(t, fx.AlicePost)
	var wg sync.WaitGroup
	for i := range 10 {
		for _, token := range []string{first, second} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				decision, note := "aprovado", ""
				if i%2 == 1 {
					decision, note = "ajuste", fmt.Sprintf("muda %d", i)
				}
				if status, raw := s.decide(t, token, fx.AlicePost, decision, note); status != http.StatusOK {
					t.Errorf("decision: %d %s", status, raw)
				}
			}()
		}
	}
	wg.Wait()
	var last struct {
		Decision, Note string
	}
	err := s.app.DB().NewQuery("SELECT decision, note FROM approval_decisions ORDER BY rowid DESC LIMIT 1").Row(&last.Decision, &last.Note)
	if err != nil {
		t.Fatal(err)
	}
	st := s.overview(t)[fx.AlicePost]
	if st.State != last.Decision || st.Decision.Note != last.Note || stageOf(t, s.app, fx.AlicePost) != last.Decision {
		t.Errorf("operator sees %+v, last stored %+v", st, last)
	}
	for _, token := range []string{first, second} {
		if d := s.view(t, token).Posts[0].Decision; d == nil || d.Decision != last.Decision || d.Note != last.Note {
			t.Errorf("page shows %+v, last stored %+v", d, last)
		}
	}
	if n := countDecisions(t, s.app); n < 2 || n > 20 {
		t.Errorf("decisions kept: %d", n)
	}
}

// Guessing tokens hits the public endpoints' own rate limit, and leaves
// the operator's generation limit alone.
func TestGuessedTokensHitTheRateLimit(t *testing.T) {
	s := newApprovalServer(t, true)
	limited := 0
	for i := range 40 {
		status, _, _ := s.call(t, http.MethodGet, "/api/rekan/approval", "", fmt.Sprintf("guess-%02d-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", i), "")
		if status == http.StatusTooManyRequests {
			limited = i
			break
		}
		if status != http.StatusNotFound {
			t.Fatalf("guess %d: %d", i, status)
		}
	}
	if limited == 0 {
		t.Fatal("40 guesses were never rate limited")
	}
	if n := strings.Count(s.log.String(), "approval token matched no live approval"); n != limited {
		t.Errorf("%d failed lookups logged, want %d", n, limited)
	}
	// The operator's own routes have their own budgets.
	if status, _, raw := s.call(t, http.MethodPost, "/api/rekan/approvals", fx.AliceToken, "", `{"business":"`+fx.AliceBusiness+`","posts":["`+fx.AlicePost+`"]}`); status != http.StatusCreated {
		t.Errorf("create approval after the guesses: %d %s", status, raw)
	}
	if status, _, raw := s.call(t, http.MethodPost, "/api/rekan/businesses/"+fx.AliceBusiness+"/posts:generate", fx.AliceToken, "", `{"brief":"bolo","count":1}`); status != http.StatusOK {
		t.Errorf("generate after the guesses: %d %s", status, raw)
	}
}

// Photos reach the client through tickets scoped to the approval: a
// ticket opens its one photo while the link lives, nothing once revoked,
// and a PocketBase file URL without a file token stays closed.
func TestApprovalPhotos(t *testing.T) {
	s := newApprovalServer(t, false)
	jpeg := phototest.JPEG(64, 48, color.RGBA{200, 30, 30, 255}, color.RGBA{30, 30, 200, 255}, 1)
	p := testutil.AddPhotos(t, s.app, fx.AlicePost, jpeg)
	token, id := s.send(t, fx.AlicePost)
	v := s.view(t, token)
	if len(v.Posts[0].Photos) != 1 || !strings.HasPrefix(v.Posts[0].Photos[0], approval.PhotoPath) {
		t.Fatalf("photos: %+v", v.Posts[0].Photos)
	}
	url := v.Posts[0].Photos[0]
	if strings.Contains(url, "token=") || strings.Contains(url, p.GetStringSlice("photos")[0]) {
		t.Errorf("photo URL shows a file token or name: %s", url)
	}
	status, headers, body := s.call(t, http.MethodGet, url, "", "", "")
	if status != http.StatusOK || body != strings.TrimSpace(string(jpeg)) || headers.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("photo: %d %s, %d bytes", status, headers.Get("Content-Type"), len(body))
	}
	if status, _, _ := s.call(t, http.MethodGet, url[:len(url)-3]+"AAA", "", "", ""); status != http.StatusNotFound {
		t.Errorf("tampered ticket: %d", status)
	}
	s.call(t, http.MethodPost, "/api/rekan/approvals/"+id+":revoke", fx.AliceToken, "", "")
	if status, _, _ := s.call(t, http.MethodGet, url, "", "", ""); status != http.StatusNotFound {
		t.Errorf("photo after revoke: %d", status)
	}
}

// LGPD: deleting the client deletes the owner's name and WhatsApp (on the
// business) and every approval and decision, names and notes included.
func TestDeletingTheClientDeletesApprovals(t *testing.T) {
	s := newApprovalServer(t, false)
	token, _ := s.send(t, fx.AlicePost)
	if status, raw := s.decide(t, token, fx.AlicePost, "ajuste", "tira o preço"); status != http.StatusOK {
		t.Fatalf("decide: %d %s", status, raw)
	}
	status, _, raw := s.call(t, http.MethodDelete, "/api/collections/businesses/records/"+fx.AliceBusiness, fx.AliceToken, "", "")
	if status != http.StatusNoContent {
		t.Fatalf("delete business: %d %s", status, raw)
	}
	for _, c := range []string{approval.Collection, approval.DecisionsCollection} {
		if n, err := s.app.CountRecords(c); err != nil || n != 0 {
			t.Errorf("%s left: %d, %v", c, n, err)
		}
	}
	if status, _, _ := s.call(t, http.MethodGet, "/api/rekan/approval", "", token, ""); status != http.StatusNotFound {
		t.Errorf("link after the client was deleted: %d", status)
	}
}
