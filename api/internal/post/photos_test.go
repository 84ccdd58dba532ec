package post_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
)

func fileToken(t testing.TB, app core.App, userID string) string {
	t.Helper()
	u, err := app.FindRecordById("users", userID)
	if err != nil {
		t.Fatal(err)
	}
	token, err := u.NewFileToken()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// expiredFileToken is alice's file token as PocketBase signs it, expired a
// minute ago.
func expiredFileToken(t testing.TB, app core.App, userID string) string {
	t.Helper()
	u, err := app.FindRecordById("users", userID)
	if err != nil {
		t.Fatal(err)
	}
	token, err := security.NewJWT(jwt.MapClaims{
		core.TokenClaimType:         core.TokenTypeFile,
		core.TokenClaimId:           u.Id,
		core.TokenClaimCollectionId: u.Collection().Id,
	}, u.TokenKey()+u.Collection().FileToken.Secret, -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// A post's photo answers only to a file token of the operator who owns its
// business: not to another operator's, not without a token, not to an
// expired one, not to an auth token passed as a file token.
func TestPhotoFilesAreProtected(t *testing.T) {
	jpg := phototest.JPEG(800, 600, phototest.Red, phototest.Blue, 0)
	for _, tc := range []struct {
		name   string
		token  func(testing.TB, core.App) string
		thumb  string
		status int
	}{
		{"the owner's file token", func(t testing.TB, app core.App) string { return fileToken(t, app, fx.AliceID) }, "", 200},
		{"the owner's token, square thumbnail", func(t testing.TB, app core.App) string { return fileToken(t, app, fx.AliceID) }, "&thumb=400x400", 200},
		{"the owner's token, feed thumbnail", func(t testing.TB, app core.App) string { return fileToken(t, app, fx.AliceID) }, "&thumb=1080x0", 200},
		{"another operator's file token", func(t testing.TB, app core.App) string { return fileToken(t, app, fx.BobID) }, "", 404},
		{"no token", func(testing.TB, core.App) string { return "" }, "", 404},
		{"an expired token", func(t testing.TB, app core.App) string { return expiredFileToken(t, app, fx.AliceID) }, "", 404},
		{"an auth token instead of a file token", func(testing.TB, core.App) string { return fx.AliceToken }, "", 404},
	} {
		s := &tests.ApiScenario{
			Name:           tc.name,
			Method:         http.MethodGet,
			TestAppFactory: fx.NewApp,
			ExpectedStatus: tc.status,
		}
		// The URL holds the stored name and a token, known once the
		// photo is stored; Test reads it after BeforeTestFunc.
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
			p := testutil.AddPhotos(t, app, fx.AlicePost, jpg)
			name := p.GetStringSlice(post.PhotosField)[0]
			s.URL = "/api/files/posts/" + fx.AlicePost + "/" + name + "?token=" + tc.token(t, app) + tc.thumb
		}
		if tc.status == 200 {
			s.ExpectedContent = []string{"\xff\xd8\xff"}
		} else {
			s.ExpectedContent = []string{`"status":404`}
			s.NotExpectedContent = []string{"\xff\xd8\xff"}
		}
		s.Test(t)
	}
}

func photoPart(data []byte) testutil.Part {
	return testutil.Part{Field: "photos+", Name: "IMG_0001.jpg", ContentType: "image/jpeg", Data: data}
}

// Editing a post through the records API: an added photo is stored as the
// server's re-encoding (no EXIF, at most 1600 px), a bad one is a 400 in
// Portuguese with nothing written, a fifth is refused, one can be removed,
// and no photo changes while the post is generating.
func TestEditingPhotos(t *testing.T) {
	postURL := "/api/collections/posts/records/"
	gps := phototest.JPEG(3200, 2400, phototest.Red, phototest.Blue, 6)
	small := phototest.JPEG(300, 200, phototest.Red, phototest.Blue, 0)

	filesOf := func(t testing.TB, app *tests.TestApp) []string {
		return testutil.FindPost(t, app, fx.AlicePost).GetStringSlice(post.PhotosField)
	}
	nothingWritten := func(wantPhotos int) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if got := len(filesOf(t, app)); got != wantPhotos {
				t.Errorf("post has %d photos, want %d", got, wantPhotos)
			}
			if got := len(testutil.StoredFiles(t, app)); got != wantPhotos {
				t.Errorf("%d files stored, want %d: %v", got, wantPhotos, testutil.StoredFiles(t, app))
			}
			if p := testutil.FindPost(t, app, fx.AlicePost); p.GetBool("edited") {
				t.Error("post marked edited")
			}
		}
	}
	withPhotos := func(n int) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
		return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
			for range n {
				testutil.AddPhotos(t, app, fx.AlicePost, small)
			}
		}
	}

	multipartScenario := func(name string, parts []testutil.Part, fields map[string]string) tests.ApiScenario {
		body, contentType := testutil.Multipart(t, fields, parts...)
		return tests.ApiScenario{
			Name:           name,
			Method:         http.MethodPatch,
			URL:            postURL + fx.AlicePost,
			Body:           body,
			Headers:        map[string]string{"Authorization": fx.AliceToken, "Content-Type": contentType},
			TestAppFactory: fx.NewApp,
		}
	}
	var scenarios []tests.ApiScenario

	s := multipartScenario("a phone photo with GPS is stored re-encoded", []testutil.Part{photoPart(gps)}, nil)
	s.ExpectedStatus = 200
	s.ExpectedContent = []string{`"photos":["foto_`}
	s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		p := testutil.FindPost(t, app, fx.AlicePost)
		names := p.GetStringSlice(post.PhotosField)
		if len(names) != 1 {
			t.Fatalf("photos %v", names)
		}
		stored := testutil.StoredFile(t, app, p, names[0])
		if bytes.Contains(stored, []byte("Exif")) || bytes.Contains(stored, phototest.GPSMarker) || bytes.IndexByte(phototest.Segments(stored), 0xe1) >= 0 {
			t.Error("the stored photo keeps its metadata")
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(stored))
		if err != nil || cfg.Width != 1200 || cfg.Height != 1600 {
			t.Errorf("stored %dx%d (%v), want 1200x1600 (upright)", cfg.Width, cfg.Height, err)
		}
		if p.GetBool("edited") {
			t.Error("adding a photo marked the text edited")
		}
	}
	scenarios = append(scenarios, s)

	for _, bad := range []struct {
		name, message string
		data          []byte
	}{
		{"a text file named .jpg", photo.MsgNotAPhoto, []byte("não sou uma foto\n")},
		{"a truncated jpeg", photo.MsgCorrupt, small[:len(small)/2]},
		{"a heic photo", photo.MsgHEIC, phototest.HEIC},
	} {
		// One good photo next to the bad one: neither is stored.
		s := multipartScenario("refused: "+bad.name, []testutil.Part{photoPart(small), photoPart(bad.data)}, map[string]string{"caption": "Legenda nova"})
		s.ExpectedStatus = 400
		s.ExpectedContent = []string{jsonString(bad.message), `"photos":{"code":"validation_invalid_photo"`}
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
			nothingWritten(0)(t, app, res)
			if c := testutil.FindPost(t, app, fx.AlicePost).GetString("caption"); c == "Legenda nova" {
				t.Error("the caption of a refused edit was saved")
			}
		}
		scenarios = append(scenarios, s)
	}

	s = multipartScenario("a fifth photo is refused", []testutil.Part{photoPart(small)}, nil)
	s.BeforeTestFunc = withPhotos(4)
	s.ExpectedStatus = 400
	s.ExpectedContent = []string{jsonString(post.MsgTooManyPhotos)}
	s.AfterTestFunc = nothingWritten(4)
	scenarios = append(scenarios, s)

	s = multipartScenario("five photos at once are refused", slices.Repeat([]testutil.Part{photoPart(small)}, 5), nil)
	s.ExpectedStatus = 400
	s.ExpectedContent = []string{jsonString(post.MsgTooManyPhotos)}
	s.AfterTestFunc = nothingWritten(0)
	scenarios = append(scenarios, s)

	var removed string
	var remove *tests.ApiScenario
	remove = &tests.ApiScenario{
		Name:   "a photo is removed",
		Method: http.MethodPatch,
		URL:    postURL + fx.AlicePost,
		// The body names the photo to remove, known only after setup.
		Headers:        map[string]string{"Authorization": fx.AliceToken, "Content-Type": "application/json"},
		TestAppFactory: fx.NewApp,
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			withPhotos(2)(t, app, e)
			removed = filesOf(t, app)[0]
			remove.Body = strings.NewReader(fmt.Sprintf(`{"photos-":[%q]}`, removed))
		},
		ExpectedStatus:  200,
		ExpectedContent: []string{`"photos":["foto_`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			names := filesOf(t, app)
			if len(names) != 1 || names[0] == removed {
				t.Errorf("photos %v after removing %s", names, removed)
			}
			if files := testutil.StoredFiles(t, app); len(files) != 1 {
				t.Errorf("stored files %v, want 1", files)
			}
		},
	}

	s = multipartScenario("no photo added while the post is generating", []testutil.Part{photoPart(small)}, nil)
	s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		if _, err := app.DB().NewQuery("UPDATE posts SET status = 'generating' WHERE id = {:id}").Bind(map[string]any{"id": fx.AlicePost}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	s.ExpectedStatus = 409
	s.ExpectedContent = []string{jsonString(post.MsgEditWhileGenerating)}
	s.AfterTestFunc = nothingWritten(0)
	scenarios = append(scenarios, s)

	s = multipartScenario("another operator cannot add a photo", []testutil.Part{photoPart(small)}, nil)
	s.Headers["Authorization"] = fx.BobToken
	s.ExpectedStatus = 404
	s.ExpectedContent = []string{`"status":404`}
	s.AfterTestFunc = nothingWritten(0)
	scenarios = append(scenarios, s)

	for _, s := range scenarios {
		s.Test(t)
	}
	remove.Test(t)
}

func jsonString(s string) string {
	raw, _ := json.Marshal(s)
	return strings.Trim(string(raw), `"`)
}

// A superuser creating a post in the admin UI uploads through the same
// re-encoding: no metadata is stored.
func TestSuperuserUploadsAreReencoded(t *testing.T) {
	body, contentType := testutil.Multipart(t, map[string]string{"business": fx.AliceBusiness, "brief": "bolo", "status": "ready"},
		testutil.Part{Field: "photos", Name: "IMG.jpg", ContentType: "image/jpeg", Data: phototest.JPEG(2000, 1000, phototest.Red, phototest.Blue, 0)})
	s := tests.ApiScenario{
		Name:            "a superuser's post with a GPS photo",
		Method:          http.MethodPost,
		URL:             "/api/collections/posts/records",
		Body:            body,
		Headers:         map[string]string{"Authorization": fx.SuperuserToken, "Content-Type": contentType},
		TestAppFactory:  fx.NewApp,
		ExpectedStatus:  200,
		ExpectedContent: []string{`"photos":["foto_`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			var created struct {
				ID string `json:"id"`
			}
			if err := json.NewDecoder(res.Body).Decode(&created); err != nil {
				t.Fatal(err)
			}
			p := testutil.FindPost(t, app, created.ID)
			stored := testutil.StoredFile(t, app, p, p.GetStringSlice(post.PhotosField)[0])
			if bytes.Contains(stored, phototest.GPSMarker) || bytes.Contains(stored, []byte("Exif")) {
				t.Error("the superuser's upload kept its metadata")
			}
			if cfg, err := jpeg.DecodeConfig(bytes.NewReader(stored)); err != nil || cfg.Width != 1600 {
				t.Errorf("stored %+v %v", cfg, err)
			}
		},
	}
	s.Test(t)
}
