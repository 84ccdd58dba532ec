package routes_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
)

// versionsOf lists a post's kept versions as "reason:stage:caption", oldest first.
func versionsOf(t testing.TB, app core.App, postID string) []string {
	t.Helper()
	records, err := app.FindRecordsByFilter("post_versions", "post = {:p}", "created", 0, 0, map[string]any{"p": postID})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(records))
	for _, r := range records {
		out = append(out, r.GetString("reason")+":"+r.GetString("stage")+":"+r.GetString("caption"))
	}
	return out
}

// What the client saw is kept: a retry or an edit of a post that was sent
// keeps the previous text as a version and makes the post a draft again;
// a draft that was never sent keeps nothing.
func TestVersionsKeepWhatTheClientSaw(t *testing.T) {
	app, base := liveServer(t, &scriptedWriter{})
	id := fx.AlicePost

	// An edit of a draft never sent: no version.
	status, _, body := testutil.Call(t, t.Context(), http.MethodPatch, base+"/api/collections/posts/records/"+id, fx.AliceToken, `{"caption":"Primeira edição, ainda rascunho."}`)
	if status != 200 || len(versionsOf(t, app, id)) != 0 {
		t.Fatalf("draft edit: %d %s, versions %v", status, body, versionsOf(t, app, id))
	}
	// The approval flow sends it; the retry replaces what the client saw.
	if err := post.MoveStage(app, id, post.StageSent, post.Server, ""); err != nil {
		t.Fatal(err)
	}
	status, _, body = testutil.Call(t, t.Context(), http.MethodPost, base+"/api/rekan/posts/"+id+":retry", fx.AliceToken, "")
	if status != 200 {
		t.Fatalf("retry: %d %s", status, body)
	}
	p := testutil.FindPost(t, app, id)
	if p.GetString("stage") != post.StageDraft || p.GetString("caption") == "Primeira edição, ainda rascunho." {
		t.Errorf("after retry: stage %q caption %q", p.GetString("stage"), p.GetString("caption"))
	}
	// Once sent, even a draft's edit keeps the previous text.
	status, _, body = testutil.Call(t, t.Context(), http.MethodPatch, base+"/api/collections/posts/records/"+id, fx.AliceToken, `{"caption":"Segunda edição."}`)
	if status != 200 {
		t.Fatalf("edit: %d %s", status, body)
	}
	want := []string{"retry:enviado:Primeira edição, ainda rascunho.", "edit:rascunho:" + p.GetString("caption")}
	if got := versionsOf(t, app, id); !slices.Equal(got, want) {
		t.Errorf("versions:\n got %q\nwant %q", got, want)
	}
	if got := stageEvents(t, app, id); !slices.Equal(got, []string{"rascunho>enviado server", "enviado>rascunho server"}) {
		t.Errorf("history %v", got)
	}
	// A draft that was sent once: a retry keeps what it says too.
	status, _, body = testutil.Call(t, t.Context(), http.MethodPost, base+"/api/rekan/posts/"+id+":retry", fx.AliceToken, "")
	if status != 200 {
		t.Fatalf("second retry: %d %s", status, body)
	}
	if got := versionsOf(t, app, id); !slices.Equal(got, append(want, "retry:rascunho:Segunda edição.")) {
		t.Errorf("versions after the retry of a sent draft:\n got %q", got)
	}
}

// POST /api/rekan/posts/{id}:photos adds photos to one post: stored once on
// its request (no model copy: a retry makes its thumb), selected by that
// post only.
func TestAddPhotosToOnePost(t *testing.T) {
	small := phototest.JPEG(300, 200, phototest.Red, phototest.Blue, 0)
	part := func(data []byte) testutil.Part {
		return testutil.Part{Field: "photos", Name: "IMG.jpg", ContentType: "image/jpeg", Data: data}
	}
	var sibling string
	setup := func(existing int, status string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
		return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			env{configured: true}.before(t, app, e)
			for range existing {
				testutil.AddPhotos(t, app, fx.AlicePost, small)
			}
			p := testutil.FindPost(t, app, fx.AlicePost)
			var err error
			if sibling, err = testutil.NewPostOf(app, fx.AliceBusiness, p.GetString("request"), "dica", "Irmão."); err != nil {
				t.Fatal(err)
			}
			setStage(t, app, fx.AlicePost, "rascunho", status)
		}
	}
	check := func(photos, files int) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if got := post.PhotoNames(testutil.FindPost(t, app, fx.AlicePost)); len(got) != photos {
				t.Errorf("post photos %v, want %d", got, photos)
			}
			if got := post.PhotoNames(testutil.FindPost(t, app, sibling)); len(got) != 0 {
				t.Errorf("the sibling got photos: %v", got)
			}
			if got := testutil.StoredFiles(t, app); len(got) != files {
				t.Errorf("stored files %v, want %d", got, files)
			}
		}
	}
	cases := []struct {
		name, token   string
		parts         []testutil.Part
		existing      int
		status        string
		code          int
		content       string
		photos, files int
	}{
		// One added photo: its stored copy, nothing else.
		{"one photo", fx.AliceToken, []testutil.Part{part(small)}, 1, "ready", 200, `"photos":["foto_`, 2, 2},
		{"a bad photo", fx.AliceToken, []testutil.Part{part(small), part([]byte("não sou foto"))}, 1, "ready", 400, photo.MsgNotAPhoto, 1, 1},
		{"a fifth photo", fx.AliceToken, []testutil.Part{part(small)}, 4, "ready", 400, "Um post pode ter no máximo 4 fotos.", 4, 4},
		{"no photo", fx.AliceToken, nil, 0, "ready", 400, "Envie ao menos uma foto.", 0, 0},
		{"while generating", fx.AliceToken, []testutil.Part{part(small)}, 0, "generating", 409, `"code":"post_generating"`, 0, 0},
		{"another operator", fx.BobToken, []testutil.Part{part(small)}, 0, "ready", 404, "Post não encontrado.", 0, 0},
	}
	for _, c := range cases {
		body, contentType := testutil.Multipart(t, nil, c.parts...)
		s := tests.ApiScenario{
			Name:            c.name,
			Method:          http.MethodPost,
			URL:             "/api/rekan/posts/" + fx.AlicePost + ":photos",
			Body:            body,
			Headers:         map[string]string{"Authorization": c.token, "Content-Type": contentType},
			ExpectedStatus:  c.code,
			ExpectedContent: []string{c.content},
			TestAppFactory:  env{}.factory,
			BeforeTestFunc:  setup(c.existing, c.status),
			AfterTestFunc:   check(c.photos, c.files),
		}
		s.Test(t)
	}
}

// Deleting a business deletes its requests, posts, their history and
// versions, and every stored file.
func TestDeletingABusinessLeavesNoFile(t *testing.T) {
	app, base := liveServer(t, &scriptedWriter{})
	testutil.AddPhotos(t, app, fx.AlicePost, phototest.JPEG(300, 200, phototest.Red, phototest.Blue, 0))
	if err := post.MoveStage(app, fx.AlicePost, post.StageSent, post.Server, ""); err != nil {
		t.Fatal(err)
	}
	status, _, body := testutil.Call(t, t.Context(), http.MethodPatch, base+"/api/collections/posts/records/"+fx.AlicePost, fx.AliceToken, `{"caption":"Nova."}`)
	if status != 200 || len(versionsOf(t, app, fx.AlicePost)) != 1 {
		t.Fatalf("edit: %d %s", status, body)
	}
	status, _, body = testutil.Call(t, t.Context(), http.MethodDelete, base+"/api/collections/businesses/records/"+fx.AliceBusiness, fx.AliceToken, "")
	if status != 204 {
		t.Fatalf("delete business: %d %s", status, body)
	}
	for _, table := range []string{"requests", "posts", "post_events", "post_versions"} {
		var n int
		if err := app.DB().NewQuery(fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", table, map[string]string{
			"requests": "business = '" + fx.AliceBusiness + "'", "posts": "business = '" + fx.AliceBusiness + "'",
			"post_events": "post = '" + fx.AlicePost + "'", "post_versions": "post = '" + fx.AlicePost + "'",
		}[table])).Row(&n); err != nil || n != 0 {
			t.Errorf("%s left: %d %v", table, n, err)
		}
	}
	// PocketBase deletes files in the background after the commit.
	deadline := time.Now().Add(10 * time.Second)
	for len(testutil.StoredFiles(t, app)) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if files := testutil.StoredFiles(t, app); len(files) != 0 {
		t.Errorf("files left: %v", strings.Join(files, ", "))
	}
}

// Generate answers its posts as the records API shows them afterwards, the
// request expanded (the web app lists posts with ?expand=request), with and
// without photos.
func TestGenerateAnswersThePostsAsStored(t *testing.T) {
	_, base := liveServer(t, &scriptedWriter{})
	url := base + "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate"
	photoBody, photoType := testutil.Multipart(t, map[string]string{"brief": "bolo de fubá", "count": "2"},
		testutil.Part{Field: "photos", Name: "IMG.jpg", ContentType: "image/jpeg", Data: phototest.JPEG(400, 300, phototest.Red, phototest.Blue, 0)})
	for name, send := range map[string]struct {
		body        io.Reader
		contentType string
	}{
		"json":      {strings.NewReader(`{"brief":"bolo de fubá","count":2,"types":["produto",""],"publish_on":"2030-03-04"}`), "application/json"},
		"multipart": {photoBody, photoType},
	} {
		req, _ := http.NewRequest(http.MethodPost, url, send.body)
		req.Header.Set("Authorization", fx.AliceToken)
		req.Header.Set("Content-Type", send.contentType)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("%s generate: %d %s", name, res.StatusCode, body)
		}
		var answer struct{ Posts []map[string]any }
		if err := json.Unmarshal(body, &answer); err != nil || len(answer.Posts) != 2 {
			t.Fatalf("%s answer %s (%v)", name, body, err)
		}
		for _, got := range answer.Posts {
			id, _ := got["id"].(string)
			status, _, raw := testutil.Call(t, t.Context(), http.MethodGet, base+"/api/collections/posts/records/"+id+"?expand=request", fx.AliceToken, "")
			if status != 200 {
				t.Fatalf("get %s: %d %s", id, status, raw)
			}
			var stored map[string]any
			if err := json.Unmarshal([]byte(raw), &stored); err != nil {
				t.Fatal(err)
			}
			for k := range mergeKeys(got, stored) {
				if !reflect.DeepEqual(got[k], stored[k]) {
					t.Errorf("%s: post %s: %s answered %v, stored %v", name, id, k, got[k], stored[k])
				}
			}
			request, _ := got["expand"].(map[string]any)["request"].(map[string]any)
			if photos, _ := request["photos"].([]any); request["brief"] != "bolo de fubá" || (name == "multipart") != (len(photos) == 1) {
				t.Errorf("%s: post %s: expanded request %v", name, id, request)
			}
		}
	}
}

func mergeKeys(a, b map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}
