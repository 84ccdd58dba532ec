package routes_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/routes"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/eval/content"
)

// gateWriter holds every WritePosts call until the test releases it, so a
// generation can be caught mid-flight.
type gateWriter struct {
	scriptedWriter
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func newGate() *gateWriter {
	return &gateWriter{entered: make(chan struct{}, 8), release: make(chan struct{})}
}

// open lets every held and future call through.
func (g *gateWriter) open() { g.once.Do(func() { close(g.release) }) }

func (g *gateWriter) WritePosts(ctx context.Context, req content.Request) (content.Result, error) {
	g.entered <- struct{}{}
	<-g.release
	return g.scriptedWriter.WritePosts(ctx, req)
}

func (g *gateWriter) waitEntered(t *testing.T) {
	t.Helper()
	select {
	case <-g.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the writer was never called")
	}
}

// liveServer serves the routes and PocketBase's records API over real HTTP,
// for requests that must overlap.
func liveServer(t *testing.T, writer content.Writer) (*tests.TestApp, string) {
	t.Helper()
	app := fx.NewApp(t)
	t.Cleanup(app.Cleanup)
	app.Settings().RateLimits.Enabled = false
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	routes.Bind(r, routes.Deps{Content: testutil.Content{Writer: writer, Configured: true}, Version: "test"})
	mux, err := r.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)
	if gate, ok := writer.(*gateWriter); ok {
		// Cleanups run last-in first-out: release held handlers before
		// server.Close waits for them.
		t.Cleanup(gate.open)
	}
	return app, server.URL
}

type reply struct {
	status int
	body   string
}

// async sends a request in the background; the reply arrives on the channel.
func async(t *testing.T, method, url, token, body string) <-chan reply {
	out := make(chan reply, 1)
	go func() {
		status, _, raw := testutil.Call(t, context.Background(), method, url, token, body)
		out <- reply{status, raw}
	}()
	return out
}

func await(t *testing.T, ch <-chan reply) reply {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("no reply")
		return reply{}
	}
}

func postIDs(t *testing.T, body string, key string) []string {
	t.Helper()
	var parsed map[string]any
	if err := json.Unmarshal([]byte(body), &parsed); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	holder := parsed
	if key != "" {
		holder, _ = parsed[key].(map[string]any)
	}
	raw, _ := holder["posts"].([]any)
	ids := []string{}
	for _, p := range raw {
		ids = append(ids, p.(map[string]any)["id"].(string))
	}
	return ids
}

func TestRetryWhileGeneratingIsAConflict(t *testing.T) {
	gate := newGate()
	app, base := liveServer(t, gate)
	url := base + "/api/rekan/posts/" + fx.AlicePost + ":retry"

	first := async(t, "POST", url, fx.AliceToken, "")
	gate.waitEntered(t)
	// A second generation would block in the gate: give up instead of hanging.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	status, _, body := testutil.Call(t, ctx, "POST", url, fx.AliceToken, "")
	if status != 409 || !strings.Contains(body, "ainda está sendo gerado") || !strings.Contains(body, `"code":"post_generating"`) {
		t.Errorf("second retry: %d %s", status, body)
	}
	gate.open()
	r := await(t, first)
	if r.status != 200 {
		t.Fatalf("first retry: %d %s", r.status, r.body)
	}
	if n := gate.Calls(); n != 1 {
		t.Errorf("writer called %d times, want 1", n)
	}
	var got struct {
		Posts []struct{ Caption string } `json:"posts"`
	}
	_ = json.Unmarshal([]byte(r.body), &got)
	stored := testutil.FindPost(t, app, fx.AlicePost)
	if len(got.Posts) != 1 || stored.GetString("caption") != got.Posts[0].Caption || stored.GetString("status") != "ready" {
		t.Errorf("stored %q (%s), answered %+v", stored.GetString("caption"), stored.GetString("status"), got.Posts)
	}
}

func TestConcurrentRetriesRunOneGeneration(t *testing.T) {
	gate := newGate()
	gate.open()
	_, base := liveServer(t, gate)
	url := base + "/api/rekan/posts/" + fx.AlicePost + ":retry"
	const n = 6
	var wg sync.WaitGroup
	statuses := make(chan int, n)
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status, _, _ := testutil.Call(t, context.Background(), "POST", url, fx.AliceToken, "")
			statuses <- status
		}()
	}
	close(start)
	wg.Wait()
	close(statuses)
	ok := 0
	for s := range statuses {
		switch s {
		case 200:
			ok++
		case 409:
		default:
			t.Errorf("status %d", s)
		}
	}
	// Retries that arrive after the first one finished may run again; never
	// two at once.
	if ok < 1 || gate.Calls() != ok {
		t.Errorf("%d retries answered 200, writer called %d times", ok, gate.Calls())
	}
}

func TestEditWhileGeneratingIsAConflict(t *testing.T) {
	gate := newGate()
	app, base := liveServer(t, gate)
	first := async(t, "POST", base+"/api/rekan/businesses/"+fx.AliceBusiness+"/posts:generate", fx.AliceToken, `{"brief":"bolo de pote"}`)
	gate.waitEntered(t)
	pending := testutil.PostsOf(t, app, fx.AliceBusiness)[0]
	if pending.GetString("status") != "generating" {
		t.Fatalf("newest post: %v", pending.PublicExport())
	}
	status, _, body := testutil.Call(t, context.Background(), "PATCH", base+"/api/collections/posts/records/"+pending.Id, fx.AliceToken,
		`{"caption":"Texto do operador","production_note":"nota"}`)
	if status != 409 || !strings.Contains(body, "ainda está sendo gerado") {
		t.Errorf("edit while generating: %d %s", status, body)
	}
	gate.open()
	if r := await(t, first); r.status != 200 {
		t.Fatalf("generate: %d %s", r.status, r.body)
	}
	stored := testutil.FindPost(t, app, pending.Id)
	if stored.GetString("caption") == "Texto do operador" || stored.GetBool("edited") || stored.GetString("status") != "ready" {
		t.Errorf("stored: %v", stored.PublicExport())
	}
	// Once ready, the operator edits as usual.
	status, _, body = testutil.Call(t, context.Background(), "PATCH", base+"/api/collections/posts/records/"+pending.Id, fx.AliceToken, `{"caption":"Texto do operador"}`)
	if status != 200 || !strings.Contains(body, `"edited":true`) {
		t.Errorf("edit when ready: %d %s", status, body)
	}
}

func TestDeleteWhileGenerating(t *testing.T) {
	t.Run("one of two posts deleted: only the other is stored and answered", func(t *testing.T) {
		gate := newGate()
		app, base := liveServer(t, gate)
		before := testutil.CountPosts(t, app)
		first := async(t, "POST", base+"/api/rekan/businesses/"+fx.AliceBusiness+"/posts:generate", fx.AliceToken, `{"brief":"bolo de pote","count":2}`)
		gate.waitEntered(t)
		pending := testutil.PostsOf(t, app, fx.AliceBusiness)[:2]
		deleted := pending[0].Id
		if status, _, body := testutil.Call(t, context.Background(), "DELETE", base+"/api/collections/posts/records/"+deleted, fx.AliceToken, ""); status != 204 {
			t.Fatalf("delete: %d %s", status, body)
		}
		gate.open()
		r := await(t, first)
		ids := postIDs(t, r.body, "")
		if r.status != 200 || len(ids) != 1 || ids[0] == deleted {
			t.Errorf("generate: %d %s", r.status, r.body)
		}
		if _, err := app.FindRecordById("posts", deleted); err == nil {
			t.Error("the deleted post came back")
		}
		if n := testutil.CountPosts(t, app); n != before+1 {
			t.Errorf("posts: %d, want %d", n, before+1)
		}
	})

	t.Run("the retried post deleted: 404, nothing stored", func(t *testing.T) {
		gate := newGate()
		app, base := liveServer(t, gate)
		before := testutil.CountPosts(t, app)
		first := async(t, "POST", base+"/api/rekan/posts/"+fx.AlicePost+":retry", fx.AliceToken, "")
		gate.waitEntered(t)
		if status, _, body := testutil.Call(t, context.Background(), "DELETE", base+"/api/collections/posts/records/"+fx.AlicePost, fx.AliceToken, ""); status != 204 {
			t.Fatalf("delete: %d %s", status, body)
		}
		gate.open()
		r := await(t, first)
		if r.status != 404 || !strings.Contains(r.body, "apagado durante a geração") || strings.Contains(r.body, fx.AlicePost) {
			t.Errorf("retry: %d %s", r.status, r.body)
		}
		if _, err := app.FindRecordById("posts", fx.AlicePost); err == nil {
			t.Error("the deleted post came back")
		}
		if n := testutil.CountPosts(t, app); n != before-1 {
			t.Errorf("posts: %d, want %d", n, before-1)
		}
	})

	t.Run("deleted during a failing generation: not in the failed posts", func(t *testing.T) {
		gate := newGate()
		gate.err = errors.Join(content.ErrProvider, errors.New("boom"))
		app, base := liveServer(t, gate)
		first := async(t, "POST", base+"/api/rekan/businesses/"+fx.AliceBusiness+"/posts:generate", fx.AliceToken, `{"brief":"bolo de pote","count":2}`)
		gate.waitEntered(t)
		pending := testutil.PostsOf(t, app, fx.AliceBusiness)[:2]
		if status, _, body := testutil.Call(t, context.Background(), "DELETE", base+"/api/collections/posts/records/"+pending[1].Id, fx.AliceToken, ""); status != 204 {
			t.Fatalf("delete: %d %s", status, body)
		}
		gate.open()
		r := await(t, first)
		ids := postIDs(t, r.body, "data")
		if r.status != 502 || len(ids) != 1 || ids[0] != pending[0].Id {
			t.Errorf("generate: %d %s", r.status, r.body)
		}
		if _, err := app.FindRecordById("posts", pending[1].Id); err == nil {
			t.Error("the deleted post came back")
		}
	})
}

func TestBrokenBodyIsInvalidNotTooLarge(t *testing.T) {
	genURL := "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate"
	w := &scriptedWriter{}
	v := env{writer: w, configured: true}
	scenarios := []tests.ApiScenario{
		{
			Name: "body read error", Method: http.MethodPost, URL: genURL,
			Body:           io.MultiReader(strings.NewReader(`{"brief":"bo`), iotest.ErrReader(errors.New("malformed chunked encoding"))),
			Headers:        auth(fx.AliceToken),
			ExpectedStatus: 400, ExpectedContent: []string{`"message":"Corpo da requisição inválido."`},
			NotExpectedContent: []string{"grande demais"},
			TestAppFactory:     v.factory, BeforeTestFunc: v.before, AfterTestFunc: writesNothing(w),
		},
		{
			Name: "body over the limit", Method: http.MethodPost, URL: genURL,
			Body:           strings.NewReader(`{"brief":"` + strings.Repeat("a", 70<<10) + `"}`),
			Headers:        auth(fx.AliceToken),
			ExpectedStatus: 413, ExpectedContent: []string{`"message":"Corpo da requisição grande demais."`},
			TestAppFactory: v.factory, BeforeTestFunc: v.before, AfterTestFunc: writesNothing(w),
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
