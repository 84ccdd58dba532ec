package post_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/security"

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
			name := post.PhotoNames(p)[0]
			s.URL = "/api/files/requests/" + p.GetString("request") + "/" + name + "?token=" + tc.token(t, app) + tc.thumb
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

// Removing and reordering a post's photos is a PATCH of its selection:
// names its request holds, at most 4, each once; the request keeps every
// file, and the other posts of the request keep their selection.
func TestSelectingPhotos(t *testing.T) {
	small := phototest.JPEG(300, 200, phototest.Red, phototest.Blue, 0)
	var names []string
	var sibling string
	setup := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		p := testutil.AddPhotos(t, app, fx.AlicePost, small, small, small)
		names = post.PhotoNames(p)
		var err error
		if sibling, err = testutil.NewPostOf(app, fx.AliceBusiness, p.GetString("request"), "dica", "Irmão."); err != nil {
			t.Fatal(err)
		}
		s := testutil.FindPost(t, app, sibling)
		s.Set("photos", names)
		if err := app.Save(s); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name   string
		body   func() string
		status int
		want   func() []string
		msg    string
	}{
		{"reorder and drop one", func() string { return fmt.Sprintf(`{"photos":[%q,%q]}`, names[2], names[0]) }, 200,
			func() []string { return []string{names[2], names[0]} }, ""},
		{"a name the request lacks", func() string { return `{"photos":["foto_outra.jpg"]}` }, 400, func() []string { return names }, post.MsgUnknownPhoto},
		{"the same photo twice", func() string { return fmt.Sprintf(`{"photos":[%q,%q]}`, names[0], names[0]) }, 400, func() []string { return names }, post.MsgUnknownPhoto},
		{"five photos", func() string {
			return fmt.Sprintf(`{"photos":[%q,%q,%q,%q,%q]}`, names[0], names[1], names[2], names[0], names[1])
		}, 400, func() []string { return names }, post.MsgTooManyPhotos},
	}
	for _, c := range cases {
		s := &tests.ApiScenario{
			Name:           c.name,
			Method:         http.MethodPatch,
			URL:            "/api/collections/posts/records/" + fx.AlicePost,
			Headers:        map[string]string{"Authorization": fx.AliceToken, "Content-Type": "application/json"},
			TestAppFactory: fx.NewApp,
			ExpectedStatus: c.status,
		}
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			setup(t, app, e)
			s.Body = strings.NewReader(c.body())
		}
		if c.msg != "" {
			s.ExpectedContent = []string{jsonString(c.msg), `"photos":{"code":"validation_invalid_photo"`}
		} else {
			s.ExpectedContent = []string{`"photos":["foto_`}
		}
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if got := post.PhotoNames(testutil.FindPost(t, app, fx.AlicePost)); !slices.Equal(got, c.want()) {
				t.Errorf("photos %v, want %v", got, c.want())
			}
			if got := post.PhotoNames(testutil.FindPost(t, app, sibling)); !slices.Equal(got, names) {
				t.Errorf("the sibling's photos changed: %v", got)
			}
			if files := testutil.StoredFiles(t, app); len(files) != 3 {
				t.Errorf("stored files %v, want the request's 3", files)
			}
		}
		s.Test(t)
	}
}

func jsonString(s string) string {
	raw, _ := json.Marshal(s)
	return strings.Trim(string(raw), `"`)
}

// A superuser creating a request in the admin UI uploads through the same
// re-encoding: no metadata is stored.
func TestSuperuserUploadsAreReencoded(t *testing.T) {
	body, contentType := testutil.Multipart(t, map[string]string{"business": fx.AliceBusiness, "brief": "bolo", "count": "1"},
		testutil.Part{Field: "photos", Name: "IMG.jpg", ContentType: "image/jpeg", Data: phototest.JPEG(2000, 1000, phototest.Red, phototest.Blue, 0)})
	s := tests.ApiScenario{
		Name:            "a superuser's request with a GPS photo",
		Method:          http.MethodPost,
		URL:             "/api/collections/requests/records",
		Body:            body,
		Headers:         map[string]string{"Authorization": fx.SuperuserToken, "Content-Type": contentType},
		TestAppFactory:  fx.NewApp,
		ExpectedStatus:  200,
		ExpectedContent: []string{`"photos":["foto_`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			var created struct {
				ID     string   `json:"id"`
				Photos []string `json:"photos"`
			}
			if err := json.NewDecoder(res.Body).Decode(&created); err != nil || len(created.Photos) != 1 {
				t.Fatal(err, created)
			}
			stored, err := os.ReadFile(filepath.Join(app.DataDir(), "storage", "pbc_rekanrequests", created.ID, created.Photos[0]))
			if err != nil {
				t.Fatal(err)
			}
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
