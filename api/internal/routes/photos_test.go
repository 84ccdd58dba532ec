package routes_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
	"github.com/rekan/rekan/eval/content"
)

func jpegPart(data []byte) testutil.Part {
	return testutil.Part{Field: "photos", Name: "IMG_0001.JPG", ContentType: "image/jpeg", Data: data}
}

// assertClean fails unless data is a JPEG with no APP1 segment, no GPS
// bytes and a long edge of at most edge pixels; it returns its size.
func assertClean(t testing.TB, what string, data []byte, edge int) image.Point {
	t.Helper()
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s is not a JPEG: %v", what, err)
	}
	if max(cfg.Width, cfg.Height) > edge {
		t.Errorf("%s is %dx%d, over %d px", what, cfg.Width, cfg.Height, edge)
	}
	if bytes.IndexByte(phototest.Segments(data), 0xe1) >= 0 || bytes.Contains(data, []byte("Exif")) || bytes.Contains(data, phototest.GPSMarker) {
		t.Errorf("%s keeps metadata", what)
	}
	return image.Pt(cfg.Width, cfg.Height)
}

// A phone photo with GPS and an orientation, and a PNG, go up with the
// brief: both posts of the request store their own metadata-free copies
// (upright, ≤ 1600 px) before the writer is called, and the writer gets
// ≤ 1024 px copies, also clean.
func TestGenerateWithPhotos(t *testing.T) {
	w := &scriptedWriter{}
	v := env{writer: w, configured: true}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, image.NewNRGBA(image.Rect(0, 0, 500, 500))); err != nil {
		t.Fatal(err)
	}
	body, contentType := testutil.Multipart(t, map[string]string{"brief": "foto do bolo de hoje", "count": "3"},
		jpegPart(phototest.JPEG(3200, 2400, phototest.Red, phototest.Blue, 6)),
		testutil.Part{Field: "photos", Name: "print.png", ContentType: "image/png", Data: pngData.Bytes()})
	s := tests.ApiScenario{
		Name:            "three posts with two photos",
		Method:          http.MethodPost,
		URL:             "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate",
		Body:            body,
		Headers:         map[string]string{"Authorization": fx.AliceToken, "Content-Type": contentType},
		ExpectedStatus:  200,
		ExpectedContent: []string{`"photos":["foto_`, `"status":"ready"`},
		TestAppFactory:  v.factory,
		BeforeTestFunc:  v.before,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			posts := decodePosts(t, res, "")
			if len(posts) != 3 {
				t.Fatalf("got %d posts", len(posts))
			}
			for _, p := range posts {
				stored := testutil.FindPost(t, app, p["id"].(string))
				names := post.PhotoNames(stored)
				if len(names) != 2 || len(p["photos"].([]any)) != 2 {
					t.Fatalf("post %s photos %v", stored.Id, names)
				}
				if size := assertClean(t, "stored photo", testutil.StoredFile(t, app, stored, names[0]), photo.StoreEdge); size != image.Pt(1200, 1600) {
					t.Errorf("stored photo %v, want 1200x1600 (upright)", size)
				}
				assertClean(t, "stored png", testutil.StoredFile(t, app, stored, names[1]), photo.StoreEdge)
			}
			// Each photo once for the request: not one copy per post, and
			// no model copy (the generation sent the one made at upload).
			if files := testutil.StoredFiles(t, app); len(files) != 2 {
				t.Errorf("stored files %v, want the 2 photos only", files)
			}
			if w.Calls() != 1 || len(w.calls[0].Photos) != 2 {
				t.Fatalf("writer calls %d, photos %d", w.Calls(), len(w.calls[0].Photos))
			}
			for i, ph := range w.calls[0].Photos {
				if ph.MediaType != "image/jpeg" {
					t.Errorf("photo %d media type %q", i, ph.MediaType)
				}
				size := assertClean(t, "the model's photo", ph.Data, photo.ModelEdge)
				if i == 0 && size != image.Pt(768, 1024) {
					t.Errorf("the model's photo is %v, want 768x1024", size)
				}
			}
			// A retry sends the photo within photo.ModelEdge (the PNG, 500
			// px) as stored, the very bytes the generation sent, and the
			// larger one as its PocketBase thumb, made once and kept.
			third := testutil.FindPost(t, app, posts[2]["id"].(string))
			again, err := post.ModelPhotos(t.Context(), app, third)
			if err != nil || len(again) != 2 {
				t.Fatalf("model photos for a retry: %v %d", err, len(again))
			}
			if size := assertClean(t, "the retry's photo", again[0].Data, photo.ModelEdge); size != image.Pt(768, 1024) {
				t.Errorf("the retry's photo is %v, want 768x1024", size)
			}
			if !bytes.Equal(again[1].Data, w.calls[0].Photos[1].Data) {
				t.Errorf("the small photo differs from the first generation's")
			}
			thumb := modelThumbPath(t, app, third, post.PhotoNames(third)[0])
			kept, err := os.ReadFile(thumb)
			if err != nil || !bytes.Equal(kept, again[0].Data) {
				t.Fatalf("the model copy is not the kept thumb %s: %v", thumb, err)
			}
			// The next retry reads the kept thumb: make it unreadable as a
			// photo, and the retry still gets exactly its bytes.
			marker := append(bytes.Clone(kept), "kept"...)
			if err := os.WriteFile(thumb, marker, 0o644); err != nil {
				t.Fatal(err)
			}
			again, err = post.ModelPhotos(t.Context(), app, third)
			if err != nil || !bytes.Equal(again[0].Data, marker) {
				t.Errorf("the next retry made the thumb again: %v", err)
			}
		},
	}
	s.Test(t)
}

// Every bad upload is a 400 (413 for a body over the route's limit) in
// Portuguese: no post, no file, no call to the writer.
func TestGenerateRefusesBadPhotos(t *testing.T) {
	genURL := "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate"
	good := phototest.JPEG(400, 300, phototest.Red, phototest.Blue, 0)
	oversized := append(bytes.Clone(good), make([]byte, photo.MaxFileBytes)...)
	brief := map[string]string{"brief": "bolo", "count": "1"}
	photoMessage := func(msg string) []string {
		return []string{`"status":400`, `"message":"` + msg + `"`, `"photos":{"code":"validation_invalid_photo"`}
	}
	cases := []struct {
		name    string
		fields  map[string]string
		parts   []testutil.Part
		status  int
		content []string
	}{
		{"a text file named .jpg", brief, []testutil.Part{jpegPart(good), jpegPart([]byte("isto é um texto\n"))}, 400, photoMessage(photo.MsgNotAPhoto)},
		{"a truncated jpeg", brief, []testutil.Part{jpegPart(good[:len(good)/2])}, 400, photoMessage(photo.MsgCorrupt)},
		{"a decompression bomb", brief, []testutil.Part{{Field: "photos", Name: "a.png", Data: phototest.PNGClaiming(60000, 60000)}}, 400, photoMessage(photo.MsgTooManyPx)},
		{"a heic photo", brief, []testutil.Part{jpegPart(phototest.HEIC)}, 400, photoMessage(photo.MsgHEIC)},
		{"a photo over 10 MB", brief, []testutil.Part{jpegPart(oversized)}, 400, photoMessage(photo.MsgTooLarge)},
		{"five photos", brief, slices.Repeat([]testutil.Part{jpegPart(good)}, content.MaxPhotos+1), 400, photoMessage(jsonEscape(post.MsgTooManyPhotos))},
		{"photos without a brief", map[string]string{"count": "1"}, []testutil.Part{jpegPart(good)}, 400, []string{`"brief":{"code":"validation_required"`}},
		{"photos with count 4", map[string]string{"brief": "bolo", "count": "4"}, []testutil.Part{jpegPart(good)}, 400, []string{`"count":{"code":"validation_invalid_count"`}},
		{"count not a number", map[string]string{"brief": "bolo", "count": "dois"}, nil, 400, []string{`"count":{"code":"validation_invalid_count"`}},
		{"a brief over the field limit", map[string]string{"brief": strings.Repeat("b", 9000)}, nil, 400, []string{`"brief":{"code":"validation_max_text_constraint"`}},
	}
	for _, c := range cases {
		body, contentType := testutil.Multipart(t, c.fields, c.parts...)
		s := refused(c.name, genURL, "", map[string]string{"Authorization": fx.AliceToken, "Content-Type": contentType}, c.status, c.content)
		s.Body = body
		s.AfterTestFunc = writesNoFiles(s.AfterTestFunc)
		s.Test(t)
	}

	// Another operator's business: refused before a photo is read.
	body, contentType := testutil.Multipart(t, brief, jpegPart(good))
	s := refused("a foreign business", genURL, "", map[string]string{"Authorization": fx.BobToken, "Content-Type": contentType}, 404, []string{`"status":404`})
	s.Body = body
	s.AfterTestFunc = writesNoFiles(s.AfterTestFunc)
	s.Test(t)

	// A broken multipart body: the closing boundary never comes.
	body, contentType = testutil.Multipart(t, brief, jpegPart(good))
	broken := body.Bytes()[:body.Len()-20]
	s = refused("a multipart body cut short", genURL, "", map[string]string{"Authorization": fx.AliceToken, "Content-Type": contentType}, 400, []string{`"message":"Corpo da requisição inválido."`})
	s.Body = bytes.NewReader(broken)
	s.AfterTestFunc = writesNoFiles(s.AfterTestFunc)
	s.Test(t)

	// Over the route's limit (4 photos of 10 MB and the fields): 413.
	huge := io.MultiReader(strings.NewReader("--x\r\nContent-Disposition: form-data; name=\"extra\"\r\n\r\n"), bytes.NewReader(make([]byte, 42<<20)))
	s = refused("a body over the route limit", genURL, "", map[string]string{"Authorization": fx.AliceToken, "Content-Type": "multipart/form-data; boundary=x"}, 413, []string{`"status":413`})
	s.Body = huge
	s.AfterTestFunc = writesNoFiles(s.AfterTestFunc)
	s.Test(t)
}

func writesNoFiles(next func(testing.TB, *tests.TestApp, *http.Response)) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		next(t, app, res)
		if files := testutil.StoredFiles(t, app); len(files) != 0 {
			t.Errorf("files stored: %v", files)
		}
	}
}

// modelThumbPath is where PocketBase keeps the model thumb of a stored
// photo of p's request.
func modelThumbPath(t testing.TB, app core.App, p *core.Record, name string) string {
	t.Helper()
	req, err := post.RequestOf(app, p)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(app.DataDir(), core.LocalStorageDirName, req.BaseFilesPath(), "thumbs_"+name, post.ModelThumb+"_"+name)
}

func jsonEscape(s string) string { return strings.ReplaceAll(s, `"`, `\"`) }

// A retry sends the writer the photos stored with the post, read back from
// storage, as the first generation saw them; without photos it sends none.
func TestRetryReusesStoredPhotos(t *testing.T) {
	for _, n := range []int{0, 3} {
		w := &scriptedWriter{}
		v := env{writer: w, configured: true}
		s := tests.ApiScenario{
			Name:           "retry with stored photos",
			Method:         http.MethodPost,
			URL:            "/api/rekan/posts/" + fx.AlicePost + ":retry",
			Headers:        auth(fx.AliceToken),
			ExpectedStatus: 200,
			TestAppFactory: v.factory,
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				v.before(t, app, e)
				for i := range n {
					// Stored as the server stores them (≤ 1600 px, clean).
					p, err := photo.Process(t.Context(), bytes.NewReader(phototest.JPEG(1600, 1200, color.RGBA{uint8(60 * i), 0, 0, 255}, phototest.Blue, 0)))
					if err != nil {
						t.Fatal(err)
					}
					testutil.AddPhotos(t, app, fx.AlicePost, p.Stored)
				}
			},
			ExpectedContent: []string{`"status":"ready"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if w.Calls() != 1 {
					t.Fatalf("writer calls %d", w.Calls())
				}
				got := w.calls[0].Photos
				if len(got) != n {
					t.Fatalf("writer got %d photos, want %d", len(got), n)
				}
				for _, ph := range got {
					if size := assertClean(t, "retried photo", ph.Data, photo.ModelEdge); size != image.Pt(1024, 768) {
						t.Errorf("retried photo %v", size)
					}
				}
				p := testutil.FindPost(t, app, fx.AlicePost)
				if names := post.PhotoNames(p); len(names) != n {
					t.Errorf("the retry changed the photos: %v", names)
				}
				// Each photo's thumb is kept for the next retry, which
				// reads the same bytes.
				for i, name := range post.PhotoNames(p) {
					kept, err := os.ReadFile(modelThumbPath(t, app, p, name))
					if err != nil || !bytes.Equal(kept, got[i].Data) {
						t.Errorf("photo %d: no kept thumb with the bytes sent: %v", i, err)
					}
				}
				if n > 0 {
					again, err := post.ModelPhotos(t.Context(), app, p)
					if err != nil || len(again) != n || !bytes.Equal(again[0].Data, got[0].Data) {
						t.Errorf("the next retry does not read the kept thumbs: %v", err)
					}
				}
			},
		}
		s.Test(t)
	}
}

// Four photos at the size limit (a phone appends a video to a JPEG) make a
// body above PocketBase's default limit of 32 MB: the route takes it.
func TestGenerateAcceptsFourPhotosAtTheLimit(t *testing.T) {
	w := &scriptedWriter{}
	v := env{writer: w, configured: true}
	jpg := phototest.JPEG(400, 300, phototest.Red, phototest.Blue, 0)
	full := append(bytes.Clone(jpg), make([]byte, photo.MaxFileBytes-len(jpg))...)
	body, contentType := testutil.Multipart(t, map[string]string{"brief": "bolo"}, slices.Repeat([]testutil.Part{jpegPart(full)}, content.MaxPhotos)...)
	if body.Len() <= 32<<20 {
		t.Fatalf("body of %d bytes is within the default limit", body.Len())
	}
	s := tests.ApiScenario{
		Name:            "four photos of 10 MB",
		Method:          http.MethodPost,
		URL:             "/api/rekan/businesses/" + fx.AliceBusiness + "/posts:generate",
		Body:            body,
		Headers:         map[string]string{"Authorization": fx.AliceToken, "Content-Type": contentType},
		ExpectedStatus:  200,
		ExpectedContent: []string{`"status":"ready"`},
		TestAppFactory:  v.factory,
		BeforeTestFunc:  v.before,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if w.Calls() != 1 || len(w.calls[0].Photos) != content.MaxPhotos {
				t.Errorf("writer calls %d", w.Calls())
			}
		},
	}
	s.Test(t)
}
