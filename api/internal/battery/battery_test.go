// Package battery is an adversarial test battery over every Rekan route and
// the records API: bad input, foreign ids, forged headers and tokens, and
// concurrent requests on one post. Every refused request must leave the
// database exactly as it was; every scenario states the status it expects.
package battery

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/security"
	"github.com/rekan/rekan/api/internal/settings"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/content"
)

var fx *testutil.Fixture

func TestMain(m *testing.M) { testutil.Main(m, &fx) }

// counts is scenarios per category, printed by TestZSummary.
var (
	countsMu sync.Mutex
	counts   = map[string]int{}
)

func count(category string, n int) {
	countsMu.Lock()
	defer countsMu.Unlock()
	counts[category] += n
}

// writer is a content.Writer that answers instantly and counts its calls.
type writer struct{ calls atomic.Int64 }

func (w *writer) WritePosts(_ context.Context, req content.Request) (content.Result, error) {
	w.calls.Add(1)
	posts := make([]content.Post, 0, len(req.Roles))
	for i, role := range req.Roles {
		posts = append(posts, content.Post{
			Role: role, Hook: fmt.Sprintf("Gancho %d", i+1),
			Caption:        fmt.Sprintf("Gancho %d: hoje tem novidade fresquinha aqui na confeitaria, feita com carinho.", i+1),
			Hashtags:       []string{"#bolo", "#confeitaria", "#saopaulo"},
			ProductionNote: "Foto de cima, com luz natural.",
		})
	}
	return content.Result{Posts: posts, Model: "battery"}, nil
}

// newApp is the server as main wires it: settings from a default
// environment, the security boundaries, the routes.
func newApp(t testing.TB) *tests.TestApp {
	app := fx.NewApp(t)
	if err := settings.Apply(app, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	app.Settings().RateLimits.Enabled = false
	return app
}

func wire(w content.Writer) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		e.Router.Bind(apis.CORS(apis.CORSConfig{}))
		security.Bind(e.Router, false)
		routes.Bind(e.Router, routes.Deps{Content: testutil.Content{Writer: w, Configured: true}, Version: "battery"})
	}
}

// snapshot is every row the operators' data consists of.
func snapshot(t testing.TB, app core.App) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT id || owner || name || segment || city || state || phone || services || facts || notes AS r FROM businesses ORDER BY id",
		"SELECT id || business || request || caption || hashtags || production_note || role || hook || status || error || edited AS r FROM posts ORDER BY id",
		"SELECT id || email || tokenKey || password AS r FROM users ORDER BY id",
	} {
		var rows []struct {
			R string `db:"r"`
		}
		if err := app.DB().NewQuery(q).All(&rows); err != nil {
			t.Fatalf("snapshot: %v", err)
		}
		for _, r := range rows {
			b.WriteString(r.R)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

var (
	baselineOnce sync.Once
	baseline     string
)

func seeded(t testing.TB) string {
	baselineOnce.Do(func() {
		app := newApp(t)
		defer app.Cleanup()
		baseline = snapshot(t, app)
	})
	return baseline
}

// probe is one adversarial request. status is what it must answer;
// a status >= 400 also means: nothing in the database changed and the
// writer was not called.
type probe struct {
	name, method, url, body string
	headers                 map[string]string
	status                  int
	contains, lacks         []string
}

func run(t *testing.T, category string, probes []probe) {
	count(category, len(probes))
	for _, p := range probes {
		w := &writer{}
		refused := p.status >= 400
		s := tests.ApiScenario{
			Name:               category + ": " + p.name,
			Method:             p.method,
			URL:                p.url,
			Body:               strings.NewReader(p.body),
			Headers:            p.headers,
			ExpectedStatus:     p.status,
			ExpectedContent:    p.contains,
			NotExpectedContent: p.lacks,
			TestAppFactory:     newApp,
			BeforeTestFunc:     wire(w),
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if !refused {
					return
				}
				if got := snapshot(t, app); got != seeded(t) {
					t.Errorf("a refused request changed the data:\n%s\nwant\n%s", got, seeded(t))
				}
				if n := w.calls.Load(); n != 0 {
					t.Errorf("a refused request called the writer %d times", n)
				}
			},
		}
		if len(s.ExpectedContent) == 0 {
			s.ExpectedContent = []string{fmt.Sprintf(`"status":%d`, p.status)}
			if !refused {
				s.ExpectedContent = []string{"{"}
			}
		}
		s.Test(t)
	}
}

func auth(token string) map[string]string { return map[string]string{"Authorization": token} }

func with(h map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for key, value := range h {
		out[key] = value
	}
	return out
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// forged tokens naming alice: unsigned, and signed with a guessed secret.
func forgedTokens(t *testing.T) map[string]string {
	app := newApp(t)
	defer app.Cleanup()
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	claims := b64(fmt.Sprintf(`{"id":%q,"type":"auth","collectionId":%q,"refreshable":true,"exp":%d}`, fx.AliceID, users.Id, time.Now().Add(time.Hour).Unix()))
	none := b64(`{"alg":"none","typ":"JWT"}`) + "." + claims + "."
	header := b64(`{"alg":"HS256","typ":"JWT"}`)
	mac := hmac.New(sha256.New, []byte("secret"))
	mac.Write([]byte(header + "." + claims))
	guessed := header + "." + claims + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	// alice's real token with its signature cut off.
	parts := strings.Split(fx.AliceToken, ".")
	return map[string]string{
		"alg none":          none,
		"guessed secret":    guessed,
		"signature removed": parts[0] + "." + parts[1] + ".",
		"bob's signature":   parts[0] + "." + parts[1] + "." + strings.Split(fx.BobToken, ".")[2],
		"garbage":           "x.y.z",
		"bearer prefix":     "Bearer " + strings.Repeat("A", 500),
	}
}

func genURL(business string) string {
	return "/api/rekan/businesses/" + business + "/posts:generate"
}

func TestGenerateBadInput(t *testing.T) {
	alice := auth(fx.AliceToken)
	url := genURL(fx.AliceBusiness)
	bad := func(name, body string) probe {
		return probe{name: name, method: "POST", url: url, body: body, headers: alice, status: 400}
	}
	probes := []probe{
		bad("truncated JSON", `{"brief":"bolo"`),
		bad("trailing garbage", `{"brief":"bolo"} x`),
		bad("JSON string", `"bolo"`),
		bad("JSON number", `42`),
		bad("JSON null", `null`),
		bad("array of objects", `[{"brief":"bolo"}]`),
		bad("brief object", `{"brief":{"text":"bolo"}}`),
		bad("brief bool", `{"brief":true}`),
		bad("brief only zero-width spaces", `{"brief":"\u200b\u200b\u200b"}`),
		bad("brief only BOMs", `{"brief":"\ufeff\ufeff"}`),
		bad("brief only ideographic spaces", `{"brief":"\u3000\u3000"}`),
		bad("brief only bidi controls", `{"brief":"\u202e\u202d\u2066\u2069"}`),
		bad("brief only Hangul fillers", `{"brief":"\u3164\u3164"}`),
		bad("brief only braille blanks", `{"brief":"\u2800\u2800"}`),
		bad("brief only NULs", `{"brief":"\u0000\u0000"}`),
		bad("brief only line/paragraph separators", `{"brief":"\u2028\u2029"}`),
		bad("brief 2001 characters", `{"brief":"`+strings.Repeat("b", 2001)+`"}`),
		bad("brief 2001 emoji", `{"brief":"`+strings.Repeat("🎂", 2001)+`"}`),
		bad("count 1e9", `{"brief":"bolo","count":1000000000}`),
		bad("count 2^63", `{"brief":"bolo","count":9223372036854775808}`),
		bad("count exponent", `{"brief":"bolo","count":1e1}`),
		bad("count null-ish string", `{"brief":"bolo","count":"null"}`),
		bad("count array", `{"brief":"bolo","count":[1]}`),
		bad("count 3.0000001", `{"brief":"bolo","count":3.0000001}`),
		bad("invalid UTF-8 in JSON", "{\"brief\":\"\xff\xfe\"}"),
		{name: "body over 64 KiB", method: "POST", url: url, body: `{"brief":"` + strings.Repeat("a", 70<<10) + `"}`, headers: alice, status: 413},
		{name: "GET on the generate route", method: "GET", url: url, headers: alice, status: 404},
		{name: "PUT on the generate route", method: "PUT", url: url, body: `{"brief":"bolo"}`, headers: alice, status: 404},
		{name: "brief with invisible edges is accepted, trimmed", method: "POST", url: url, body: `{"brief":"\u200b bolo de pote \ufeff"}`, headers: alice, status: 200,
			contains: []string{`"brief":"bolo de pote"`}},
		{name: "duplicate keys: the last wins like encoding/json", method: "POST", url: url, body: `{"brief":"","brief":"bolo"}`, headers: alice, status: 200,
			contains: []string{`"brief":"bolo"`}},
	}
	run(t, "bad input", probes)
}

func TestRouteIDsAndAuthorization(t *testing.T) {
	alice, bob := auth(fx.AliceToken), auth(fx.BobToken)
	retry := func(id string) string { return "/api/rekan/posts/" + id + ":retry" }
	body := `{"brief":"bolo"}`
	var probes []probe
	for _, id := range []string{
		fx.BobBusiness, "doesnotexist123", "%27%20OR%201%3D1--", "..%2f..%2fposts", strings.Repeat("a", 5000),
		"%00", "*", fx.AlicePost, // a post id is not a business id
	} {
		probes = append(probes, probe{name: "generate for business " + short(id), method: "POST", url: genURL(id), body: body, headers: alice, status: 404})
	}
	for _, id := range []string{fx.BobPost, "doesnotexist123", fx.AliceBusiness, "%27%20OR%201%3D1--", strings.Repeat("a", 5000)} {
		probes = append(probes, probe{name: "retry post " + short(id), method: "POST", url: retry(id), headers: alice, status: 404})
	}
	probes = append(probes,
		probe{name: "bob generates for alice", method: "POST", url: genURL(fx.AliceBusiness), body: body, headers: bob, status: 404, lacks: []string{"Confeitaria"}},
		probe{name: "bob retries alice's post", method: "POST", url: retry(fx.AlicePost), headers: bob, status: 404, lacks: []string{"bolo de casamento"}},
		probe{name: "retry with an empty id", method: "POST", url: "/api/rekan/posts/:retry", headers: alice, status: 404},
		probe{name: "retry RETRY", method: "POST", url: "/api/rekan/posts/" + fx.AlicePost + ":RETRY", headers: alice, status: 404},
		probe{name: "retry with a trailing action", method: "POST", url: retry(fx.AlicePost) + ":x", headers: alice, status: 404},
		probe{name: "retry via GET", method: "GET", url: retry(fx.AlicePost), headers: alice, status: 404},
		probe{name: "superuser cannot generate (and not from outside)", method: "POST", url: genURL(fx.AliceBusiness), body: body, headers: auth(fx.SuperuserToken), status: 403},
		probe{name: "no token", method: "POST", url: genURL(fx.AliceBusiness), body: body, status: 401},
		probe{name: "no token, retry", method: "POST", url: retry(fx.AlicePost), status: 401},
	)
	for name, token := range forgedTokens(t) {
		probes = append(probes,
			probe{name: "forged token (" + name + "): generate", method: "POST", url: genURL(fx.AliceBusiness), body: body, headers: auth(token), status: 401},
			probe{name: "forged token (" + name + "): retry", method: "POST", url: retry(fx.AlicePost), headers: auth(token), status: 401},
			probe{name: "forged token (" + name + "): list posts", method: "GET", url: "/api/collections/posts/records", headers: auth(token), status: 200,
				contains: []string{`"totalItems":0`}},
		)
	}
	run(t, "foreign ids and tokens", probes)
}

func short(id string) string {
	if len(id) > 24 {
		return id[:24] + "…"
	}
	return id
}

func TestRecordsAPI(t *testing.T) {
	alice, bob := auth(fx.AliceToken), auth(fx.BobToken)
	posts := "/api/collections/posts/records"
	bizs := "/api/collections/businesses/records"
	users := "/api/collections/users/records"
	probes := []probe{
		// Reads across operators.
		{name: "bob lists posts: only his", method: "GET", url: posts, headers: bob, status: 200, contains: []string{`"totalItems":1`, fx.BobPost}, lacks: []string{fx.AlicePost}},
		{name: "bob views alice's post", method: "GET", url: posts + "/" + fx.AlicePost, headers: bob, status: 404},
		{name: "bob views alice's business", method: "GET", url: bizs + "/" + fx.AliceBusiness, headers: bob, status: 404},
		{name: "filter cannot widen the rule", method: "GET", url: posts + "?filter=" + escape("business.owner != ''"), headers: bob, status: 200, contains: []string{`"totalItems":1`}, lacks: []string{fx.AlicePost}},
		{name: "filter on another owner's id", method: "GET", url: bizs + "?filter=" + escape("owner = '"+fx.AliceID+"'"), headers: bob, status: 200, contains: []string{`"totalItems":0`}},
		{name: "expand does not leak the other operator", method: "GET", url: posts + "?expand=business.owner", headers: bob, status: 200, lacks: []string{"alice@example.com", fx.AlicePost}},
		{name: "back-relation filter", method: "GET", url: bizs + "?filter=" + escape("requests_via_business.brief ~ 'casamento'"), headers: bob, status: 200, contains: []string{`"totalItems":0`}},
		{name: "sort by a hidden field", method: "GET", url: users + "?sort=password", headers: bob, status: 400},
		{name: "bob lists users: only himself", method: "GET", url: users, headers: bob, status: 200, lacks: []string{"alice@example.com"}},
		{name: "anonymous lists posts", method: "GET", url: posts, status: 200, contains: []string{`"totalItems":0`}},
		// Writes across operators.
		{name: "bob edits alice's post", method: "PATCH", url: posts + "/" + fx.AlicePost, body: `{"caption":"hacked"}`, headers: bob, status: 404},
		{name: "bob deletes alice's post", method: "DELETE", url: posts + "/" + fx.AlicePost, headers: bob, status: 404},
		{name: "bob edits alice's business", method: "PATCH", url: bizs + "/" + fx.AliceBusiness, body: `{"name":"hacked"}`, headers: bob, status: 404},
		{name: "bob deletes alice's business", method: "DELETE", url: bizs + "/" + fx.AliceBusiness, headers: bob, status: 404},
		{name: "bob creates a business for alice", method: "POST", url: bizs, body: `{"owner":"` + fx.AliceID + `","name":"X","segment":"x","city":"x","state":"SP"}`, headers: bob, status: 400},
		{name: "bob moves his business to alice", method: "PATCH", url: bizs + "/" + fx.BobBusiness, body: `{"owner":"` + fx.AliceID + `"}`, headers: bob, status: 404},
		{name: "bob moves his post to alice's business", method: "PATCH", url: posts + "/" + fx.BobPost, body: `{"business":"` + fx.AliceBusiness + `"}`, headers: bob, status: 404},
		{name: "bob edits alice's account", method: "PATCH", url: users + "/" + fx.AliceID, body: `{"email":"bob2@example.com"}`, headers: bob, status: 404},
		{name: "sign-up", method: "POST", url: users, body: `{"email":"eve@example.com","password":"a-long-password","passwordConfirm":"a-long-password"}`, status: 403},
		{name: "operators create no posts", method: "POST", url: posts, body: `{"business":"` + fx.AliceBusiness + `","brief":"x","status":"ready"}`, headers: alice, status: 403},
		{name: "batch create of a post", method: "POST", url: "/api/batch", body: `{"requests":[{"method":"POST","url":"/api/collections/posts/records","body":{"business":"` + fx.AliceBusiness + `","brief":"x","status":"ready"}}]}`, headers: alice, status: 403},
		// Bad input on the fields operators may write.
		{name: "hashtags as a string", method: "PATCH", url: posts + "/" + fx.AlicePost, body: `{"hashtags":"#bolo"}`, headers: alice, status: 400},
		{name: "hashtags with spaces", method: "PATCH", url: posts + "/" + fx.AlicePost, body: `{"hashtags":["bolo de pote"]}`, headers: alice, status: 400},
		{name: "hashtag with a zero-width space", method: "PATCH", url: posts + "/" + fx.AlicePost, body: `{"hashtags":["bo\u200bla"]}`, headers: alice, status: 400},
		{name: "31 hashtags", method: "PATCH", url: posts + "/" + fx.AlicePost, body: `{"hashtags":[` + strings.TrimSuffix(strings.Repeat(`"a",`, 31), ",") + `]}`, headers: alice, status: 400},
		{name: "caption over 10000", method: "PATCH", url: posts + "/" + fx.AlicePost, body: `{"caption":"` + strings.Repeat("a", 10001) + `"}`, headers: alice, status: 400},
		{name: "business name of invisible characters", method: "PATCH", url: bizs + "/" + fx.AliceBusiness, body: `{"name":"\u200b\ufeff"}`, headers: alice, status: 400},
		{name: "business state not a UF", method: "PATCH", url: bizs + "/" + fx.AliceBusiness, body: `{"state":"XX"}`, headers: alice, status: 400},
		{name: "business phone with letters", method: "PATCH", url: bizs + "/" + fx.AliceBusiness, body: `{"phone":"11 9abc"}`, headers: alice, status: 400},
		{name: "services not a list", method: "PATCH", url: bizs + "/" + fx.AliceBusiness, body: `{"services":{"name":"x"}}`, headers: alice, status: 400},
		{name: "service with a negative price", method: "PATCH", url: bizs + "/" + fx.AliceBusiness, body: `{"services":[{"name":"x","price_brl":-1}]}`, headers: alice, status: 400},
		{name: "service named with invisible characters", method: "PATCH", url: bizs + "/" + fx.AliceBusiness, body: `{"services":[{"name":"\u3164"}]}`, headers: alice, status: 400},
		{name: "facts not strings", method: "PATCH", url: bizs + "/" + fx.AliceBusiness, body: `{"facts":[1,2]}`, headers: alice, status: 400},
		{name: "filter syntax error", method: "GET", url: posts + "?filter=" + escape("status = "), headers: alice, status: 400},
	}
	for _, field := range []string{"business", "brief", "role", "hook", "status", "error", "checks", "model", "edited"} {
		value := `"x"`
		switch field {
		case "edited":
			value = "true"
		case "checks":
			value = "[]"
		case "status":
			value = `"ready"`
		}
		// The update rule refuses it, which PocketBase answers like a missing record.
		probes = append(probes, probe{name: "server-only field " + field, method: "PATCH", url: posts + "/" + fx.AlicePost,
			body: `{"caption":"ok","` + field + `":` + value + `}`, headers: alice, status: 404})
	}
	run(t, "records API", probes)
}

func escape(s string) string {
	r := strings.NewReplacer(" ", "%20", "'", "%27", "=", "%3D", "!", "%21", "~", "%7E", ".", ".")
	return r.Replace(s)
}

func TestForgedHeaders(t *testing.T) {
	suLogin := `{"identity":"root@example.com","password":"` + testutil.Password + `"}`
	alice := auth(fx.AliceToken)
	var probes []probe
	for _, h := range []map[string]string{
		{"X-Forwarded-For": "127.0.0.1"}, {"X-Real-IP": "127.0.0.1"}, {"Forwarded": "for=127.0.0.1"},
		{"X-Forwarded-For": "::1"}, {"X-Client-IP": "127.0.0.1"}, {"True-Client-IP": "127.0.0.1"}, {"CF-Connecting-IP": "127.0.0.1"},
		{"X-Forwarded-Host": "localhost", "Host": "localhost"},
	} {
		var names []string
		for k := range h {
			names = append(names, k)
		}
		sort.Strings(names)
		probes = append(probes,
			probe{name: "superuser login with forged " + strings.Join(names, ","), method: "POST", url: "/api/collections/_superusers/auth-with-password", body: suLogin, headers: h, status: 403, lacks: []string{`"token"`}},
			probe{name: "superuser token with forged " + strings.Join(names, ","), method: "GET", url: "/api/settings", headers: with(h, "Authorization", fx.SuperuserToken), status: 403},
		)
	}
	probes = append(probes,
		probe{name: "CORS: no grant for another origin", method: "GET", url: "/api/rekan/config", headers: map[string]string{"Origin": "https://evil.example"}, status: 200,
			contains: []string{`"app_name"`}},
		probe{name: "method override header is ignored", method: "POST", url: "/api/collections/posts/records/" + fx.AlicePost, headers: with(alice, "X-HTTP-Method-Override", "DELETE"), status: 404},
		probe{name: "text/plain body on generate is still parsed strictly", method: "POST", url: genURL(fx.AliceBusiness), body: `brief=bolo`, headers: with(alice, "Content-Type", "text/plain"), status: 400},
		probe{name: "two Authorization values: the first, alice's, not a superuser", method: "GET", url: "/api/settings", headers: alice, status: 403},
	)
	run(t, "forged headers", probes)
}

// Concurrent requests on one post over real HTTP: retries, edits, deletes
// and reads at once. Afterwards the post is either gone or ready, never
// stuck generating, and no more LLM calls ran than retries succeeded.
func TestConcurrentRequestsOnOnePost(t *testing.T) {
	for round := range 3 {
		t.Run(fmt.Sprintf("round %d", round), func(t *testing.T) {
			app := newApp(t)
			defer app.Cleanup()
			w := &slowWriter{delay: 30 * time.Millisecond}
			r, err := apis.NewRouter(app)
			if err != nil {
				t.Fatal(err)
			}
			security.Bind(r, false)
			routes.Bind(r, routes.Deps{Content: testutil.Content{Writer: w, Configured: true}, Version: "battery"})
			mux, err := r.BuildMux()
			if err != nil {
				t.Fatal(err)
			}
			server := httptest.NewServer(mux)
			defer server.Close()

			type req struct{ method, path, body, token string }
			post := fx.AlicePost
			var reqs []req
			for range 8 {
				reqs = append(reqs, req{"POST", "/api/rekan/posts/" + post + ":retry", "", fx.AliceToken})
			}
			for range 4 {
				reqs = append(reqs, req{"PATCH", "/api/collections/posts/records/" + post, `{"caption":"Texto do operador"}`, fx.AliceToken})
				reqs = append(reqs, req{"GET", "/api/collections/posts/records/" + post, "", fx.AliceToken})
				reqs = append(reqs, req{"POST", "/api/rekan/posts/" + post + ":retry", "", fx.BobToken})
			}
			if round == 2 {
				reqs = append(reqs, req{"DELETE", "/api/collections/posts/records/" + post, "", fx.AliceToken})
			}
			count("concurrency", len(reqs))

			var wg sync.WaitGroup
			start := make(chan struct{})
			var mu sync.Mutex
			statuses := map[string][]int{}
			for _, q := range reqs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					status, _, _ := testutil.Call(t, context.Background(), q.method, server.URL+q.path, q.token, q.body)
					key := q.method
					if q.token == fx.BobToken {
						key = "bob " + q.method
					}
					mu.Lock()
					statuses[key] = append(statuses[key], status)
					mu.Unlock()
				}()
			}
			close(start)
			wg.Wait()

			okRetries := 0
			for _, s := range statuses["POST"] {
				switch s {
				case 200:
					okRetries++
				case 409, 404: // already generating; deleted meanwhile
				default:
					t.Errorf("retry answered %d", s)
				}
			}
			for _, s := range statuses["bob POST"] {
				if s != 404 {
					t.Errorf("bob's retry answered %d", s)
				}
			}
			for _, s := range statuses["PATCH"] {
				if s != 200 && s != 409 && s != 404 {
					t.Errorf("edit answered %d", s)
				}
			}
			if int(w.calls.Load()) < okRetries {
				t.Errorf("%d retries answered 200 with only %d LLM calls", okRetries, w.calls.Load())
			}
			if w.maxConcurrent.Load() > 1 {
				t.Errorf("%d generations of one post ran at once", w.maxConcurrent.Load())
			}
			stored, err := app.FindRecordById("posts", post)
			if round == 2 && err == nil {
				t.Errorf("the deleted post exists: %v", stored.PublicExport())
			}
			if err == nil && stored.GetString("status") != "ready" {
				t.Errorf("post left %s", stored.GetString("status"))
			}
			t.Logf("statuses %v, LLM calls %d", statuses, w.calls.Load())
		})
	}
}

// slowWriter takes a while and records how many calls overlap.
type slowWriter struct {
	writer
	delay         time.Duration
	running       atomic.Int64
	maxConcurrent atomic.Int64
}

func (s *slowWriter) WritePosts(ctx context.Context, req content.Request) (content.Result, error) {
	n := s.running.Add(1)
	defer s.running.Add(-1)
	for {
		old := s.maxConcurrent.Load()
		if n <= old || s.maxConcurrent.CompareAndSwap(old, n) {
			break
		}
	}
	time.Sleep(s.delay)
	return s.writer.WritePosts(ctx, req)
}

// TestZSummary runs last (tests run in source order) and prints the counts.
func TestZSummary(t *testing.T) {
	countsMu.Lock()
	defer countsMu.Unlock()
	total := 0
	names := make([]string, 0, len(counts))
	for name, n := range counts {
		names = append(names, name)
		total += n
	}
	sort.Strings(names)
	out, _ := json.Marshal(counts)
	// With -run selecting only some tests, the counts cover only those.
	t.Logf("adversarial battery: %d requests %s", total, out)
}
