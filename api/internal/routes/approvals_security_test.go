package routes_test

import (
	"encoding/base64"
	"encoding/json"
	"image/color"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/api/internal/approval"
	"github.com/rekan/rekan/api/internal/clock"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
	"github.com/rekan/rekan/eval/content"
)

// The public answer, field by field: exactly the fields the page uses, and
// no string in it (nor inside a photo ticket, decoded) names the operator,
// the business, the request, the approval or a stored file. The one id it
// carries, the post's, opens nothing to anyone but its owner.
func TestApprovalViewFields(t *testing.T) {
	s := newApprovalServer(t, false)
	jpeg := phototest.JPEG(64, 48, color.RGBA{200, 30, 30, 255}, color.RGBA{30, 30, 200, 255}, 1)
	p := testutil.AddPhotos(t, s.app, fx.AlicePost, jpeg)
	token, approvalID := s.send(t, fx.AlicePost)
	if status, raw := s.decide(t, token, fx.AlicePost, "ajuste", "tira o preço"); status != http.StatusOK {
		t.Fatalf("decide: %d %s", status, raw)
	}
	status, _, raw := s.call(t, http.MethodGet, "/api/rekan/approval", "", token, "")
	if status != http.StatusOK {
		t.Fatalf("view: %d %s", status, raw)
	}
	var view map[string]any
	if err := json.Unmarshal([]byte(raw), &view); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"":         {"business", "expires", "operator", "posts"},
		"post":     {"caption", "decision", "hashtags", "id", "open", "photos", "publish_on"},
		"decision": {"created", "decision", "name", "note"},
	}
	checkKeys := func(where string, m map[string]any) {
		t.Helper()
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want[where]) {
			t.Errorf("fields of %q: %v, want %v", where, keys, want[where])
		}
	}
	checkKeys("", view)
	posts := view["posts"].([]any)
	if len(posts) != 1 {
		t.Fatalf("posts: %v", posts)
	}
	onePost := posts[0].(map[string]any)
	checkKeys("post", onePost)
	checkKeys("decision", onePost["decision"].(map[string]any))

	// Every string of the answer, and what each photo ticket decodes to.
	var texts []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			texts = append(texts, v)
			if ticket, ok := strings.CutPrefix(v, approval.PhotoPath); ok {
				for _, part := range strings.Split(ticket, ".") {
					if b, err := base64.RawURLEncoding.DecodeString(part); err == nil {
						texts = append(texts, string(b))
					}
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(view)
	if len(onePost["photos"].([]any)) != 1 {
		t.Fatalf("photos: %v", onePost["photos"])
	}
	secrets := map[string]string{
		"operator e-mail": "alice@example.com",
		"operator id":     fx.AliceID,
		"business id":     fx.AliceBusiness,
		"request id":      p.GetString("request"),
		"approval id":     approvalID,
		"stored file":     p.GetStringSlice("photos")[0],
		"token":           token,
		"token hash":      approval.HashToken(token),
	}
	for what, secret := range secrets {
		for _, text := range texts {
			if secret != "" && strings.Contains(text, secret) {
				t.Errorf("the public answer carries the %s (%q) in %q", what, secret, text)
			}
		}
	}

	// The post's id opens nothing without its owner's session.
	for who, auth := range map[string]string{"anonymous": "", "another operator": fx.BobToken} {
		if status, _, raw := s.call(t, http.MethodGet, "/api/collections/posts/records/"+fx.AlicePost, auth, "", ""); status == http.StatusOK {
			t.Errorf("%s opened the post by its id: %s", who, raw)
		}
		status, _, raw := s.call(t, http.MethodGet, "/api/collections/approval_decisions/records?filter=post%3D%27"+fx.AlicePost+"%27", auth, "", "")
		if status == http.StatusOK && !strings.Contains(raw, `"totalItems":0`) {
			t.Errorf("%s listed the post's decisions: %s", who, raw)
		}
	}
}

// Photo tickets: one photo of one post while the link and the ticket live.
// Not after the link is revoked or expires, not after the ticket's hour,
// not forged with another key for a post next to it, never another
// post's bytes.
func TestApprovalPhotoTickets(t *testing.T) {
	s := newApprovalServer(t, false)
	other, err := testutil.NewPost(s.app, fx.AliceBusiness, "pão de mel", "produto", "Pão de mel!")
	if err != nil {
		t.Fatal(err)
	}
	red := phototest.JPEG(64, 48, color.RGBA{200, 30, 30, 255}, color.RGBA{30, 30, 200, 255}, 1)
	green := phototest.JPEG(64, 48, color.RGBA{30, 200, 30, 255}, color.RGBA{200, 200, 30, 255}, 2)
	testutil.AddPhotos(t, s.app, fx.AlicePost, red)
	b := testutil.AddPhotos(t, s.app, other, green)
	// A link with post A only; post B is sent in a link of its own.
	token, approvalID := s.send(t, fx.AlicePost)
	s.send(t, other)
	photo := s.view(t, token).Posts[0].Photos[0]
	get := func(url string) (int, string) {
		t.Helper()
		status, _, body := s.call(t, http.MethodGet, url, "", "", "")
		return status, body
	}
	if status, body := get(photo); status != http.StatusOK || body != strings.TrimSpace(string(red)) {
		t.Fatalf("post A's photo: %d, %d bytes", status, len(body))
	}

	// A ticket for post B (of this approval's business) made with any key
	// but the server's opens nothing.
	forger, err := approval.NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	forged := approval.PhotoPath + forger.Ticket(approvalID, other, b.GetStringSlice("photos")[0], time.Now())
	if status, body := get(forged); status != http.StatusNotFound || strings.Contains(body, strings.TrimSpace(string(green))) {
		t.Errorf("forged ticket for post B: %d", status)
	}
	// A ticket in the query string, or a token instead of a ticket.
	for _, url := range []string{approval.PhotoPath + "?ticket=" + strings.TrimPrefix(photo, approval.PhotoPath), approval.PhotoPath + token} {
		if status, _ := get(url); status != http.StatusNotFound {
			t.Errorf("%s: %d", url, status)
		}
	}

	// The ticket's hour passes: it stops; the page gets fresh ones.
	restore := clock.Set(time.Now().Add(approval.PhotoTTL + time.Minute))
	if status, _ := get(photo); status != http.StatusNotFound {
		t.Errorf("photo after the ticket's hour: %d", status)
	}
	fresh := s.view(t, token).Posts[0].Photos[0]
	if status, _ := get(fresh); status != http.StatusOK {
		t.Errorf("fresh ticket: %d", status)
	}
	restore()

	// The link expires: its tickets, fresh ones included, stop with it.
	a, err := s.app.FindRecordById(approval.Collection, approvalID)
	if err != nil {
		t.Fatal(err)
	}
	a.Set("expires", time.Now().Add(-time.Minute).UTC())
	if err := s.app.Save(a); err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{photo, fresh} {
		if status, _ := get(url); status != http.StatusNotFound {
			t.Errorf("photo of an expired link: %d", status)
		}
	}
}

// The token travels in the header only: in the query string it opens
// nothing, with the very answer of an unknown token.
func TestApprovalTokenNotInTheURL(t *testing.T) {
	s := newApprovalServer(t, false)
	token, _ := s.send(t, fx.AlicePost)
	_, _, unknown := s.call(t, http.MethodGet, "/api/rekan/approval", "", "not-a-token-aaaaaaaaaaaaaaaaaaaaaaaaa", "")
	for _, query := range []string{"?token=", "?X-Rekan-Approval=", "?t="} {
		status, _, raw := s.call(t, http.MethodGet, "/api/rekan/approval"+query+token, "", "", "")
		if status != http.StatusNotFound || raw != unknown {
			t.Errorf("GET %s<token>: %d %s", query, status, raw)
		}
		body := `{"post":"` + fx.AlicePost + `","decision":"aprovado"}`
		if status, _, raw := s.call(t, http.MethodPost, "/api/rekan/approval/decisions"+query+token, "", "", body); status != http.StatusNotFound {
			t.Errorf("POST %s<token>: %d %s", query, status, raw)
		}
	}
	if n := countDecisions(t, s.app); n != 0 {
		t.Errorf("decisions stored with the token in the URL: %d", n)
	}
}

// Every public answer (the page's data, a decision refused, a dead token,
// a photo and a refused ticket) carries no-referrer, noindex and the CSP.
func TestApprovalAnswerHeaders(t *testing.T) {
	s := newApprovalServer(t, false)
	jpeg := phototest.JPEG(64, 48, color.RGBA{200, 30, 30, 255}, color.RGBA{30, 30, 200, 255}, 1)
	testutil.AddPhotos(t, s.app, fx.AlicePost, jpeg)
	token, _ := s.send(t, fx.AlicePost)
	photo := s.view(t, token).Posts[0].Photos[0]
	for _, c := range []struct {
		name, method, path, token, body string
		status                          int
	}{
		{"view", http.MethodGet, "/api/rekan/approval", token, "", 200},
		{"dead token", http.MethodGet, "/api/rekan/approval", "dead-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", 404},
		{"bad decision", http.MethodPost, "/api/rekan/approval/decisions", token, `{"post":"` + fx.AlicePost + `","decision":"talvez"}`, 400},
		{"photo", http.MethodGet, photo, "", "", 200},
		{"bad ticket", http.MethodGet, approval.PhotoPath + "nada", "", "", 404},
	} {
		status, h, raw := s.call(t, c.method, c.path, "", c.token, c.body)
		if status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, status, raw, c.status)
		}
		if got := h.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", c.name, got)
		}
		if got := h.Get("X-Robots-Tag"); !strings.Contains(got, "noindex") {
			t.Errorf("%s: X-Robots-Tag %q", c.name, got)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "http") {
			t.Errorf("%s: CSP %q", c.name, csp)
		}
	}
}

// The client's texts: bounded, and only text. A lone surrogate or an
// oversized name is a 400 and stores nothing.
func TestApprovalDecisionText(t *testing.T) {
	s := newApprovalServer(t, false)
	token, _ := s.send(t, fx.AlicePost)
	for name, body := range map[string]string{
		"lone high surrogate in the note": `{"post":"` + fx.AlicePost + `","decision":"ajuste","note":"tira \ud800 o preço"}`,
		"lone low surrogate in the name":  `{"post":"` + fx.AlicePost + `","decision":"aprovado","name":"Ana \udc00"}`,
		"invalid UTF-8 in the note":       "{\"post\":\"" + fx.AlicePost + "\",\"decision\":\"ajuste\",\"note\":\"tira \xff\"}",
		"oversized name":                  `{"post":"` + fx.AlicePost + `","decision":"aprovado","name":"` + strings.Repeat("é", content.MaxApproverNameRunes+1) + `"}`,
		"oversized note":                  `{"post":"` + fx.AlicePost + `","decision":"ajuste","note":"` + strings.Repeat("é", content.MaxApprovalNoteRunes+1) + `"}`,
	} {
		if status, _, raw := s.call(t, http.MethodPost, "/api/rekan/approval/decisions", "", token, body); status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, status, raw)
		}
	}
	if n := countDecisions(t, s.app); n != 0 {
		t.Errorf("decisions stored from bad texts: %d", n)
	}
}

// A link of a deleted client gets the unknown token's answer, byte for byte.
func TestApprovalOfADeletedBusiness(t *testing.T) {
	s := newApprovalServer(t, false)
	token, _ := s.send(t, fx.AlicePost)
	if status, _, raw := s.call(t, http.MethodDelete, "/api/collections/businesses/records/"+fx.AliceBusiness, fx.AliceToken, "", ""); status != http.StatusNoContent {
		t.Fatalf("delete business: %d %s", status, raw)
	}
	_, unknownHeaders, unknown := s.call(t, http.MethodGet, "/api/rekan/approval", "", "never-issued-aaaaaaaaaaaaaaaaaaaaaaaa", "")
	status, headers, raw := s.call(t, http.MethodGet, "/api/rekan/approval", "", token, "")
	if status != http.StatusNotFound || raw != unknown {
		t.Errorf("deleted business: %d %s, unknown token: %s", status, raw, unknown)
	}
	for _, name := range []string{"Content-Type", "Content-Length", "Referrer-Policy", "Cache-Control"} {
		if headers.Get(name) != unknownHeaders.Get(name) {
			t.Errorf("%s differs: %q vs %q", name, headers.Get(name), unknownHeaders.Get(name))
		}
	}
}
