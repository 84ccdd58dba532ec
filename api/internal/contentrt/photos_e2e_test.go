package contentrt_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"testing"
	"time"

	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
	"github.com/rekan/rekan/eval/fakellm"
)

// postMultipart sends a multipart body as alice.
func (s *stack) postMultipart(t *testing.T, path string, body *bytes.Buffer, contentType string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", fx.AliceToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := response{status: res.StatusCode}
	_ = json.NewDecoder(res.Body).Decode(&out.body)
	return out
}

// The provider's view of a generation with photos, through the real BAML
// runtime: a phone photo with GPS and an orientation, and a PNG, reach it as
// two JPEG image parts of at most 1024 px, upright, without any metadata;
// a retry of the post sends the stored photos again.
func TestEndToEndPhotosReachTheProvider(t *testing.T) {
	s := newStack(t, apiKey, 60*time.Second)
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, image.NewNRGBA(image.Rect(0, 0, 600, 400))); err != nil {
		t.Fatal(err)
	}
	body, contentType := testutil.Multipart(t, map[string]string{"brief": "foto do bolo de hoje", "count": "1"},
		testutil.Part{Field: "photos", Name: "IMG_0001.JPG", ContentType: "image/jpeg", Data: phototest.JPEG(3200, 2400, phototest.Red, phototest.Blue, 6)},
		testutil.Part{Field: "photos", Name: "print.png", ContentType: "image/png", Data: pngData.Bytes()})
	r := s.postMultipart(t, "/api/rekan/businesses/"+fx.AliceBusiness+"/posts:generate", body, contentType)
	if r.status != 200 {
		t.Fatalf("generate: %d %v", r.status, r.body)
	}
	created := posts(t, r.body)
	if len(created) != 1 || len(created[0]["photos"].([]any)) != 2 {
		t.Fatalf("posts %v", created)
	}
	assertImages := func(what string, images []fakellm.Image) {
		t.Helper()
		if len(images) != 2 {
			t.Fatalf("%s: the provider got %d images, want 2", what, len(images))
		}
		for i, img := range images {
			if img.Error != "" || img.Format != "jpeg" || img.MediaType != photo.MediaType {
				t.Errorf("%s: image %d %+v", what, i, img)
			}
			if img.HasEXIF || img.HasMetadata || bytes.Contains(img.Data, phototest.GPSMarker) {
				t.Errorf("%s: image %d keeps metadata: %v", what, i, img.Segments)
			}
			if max(img.Width, img.Height) > photo.ModelEdge {
				t.Errorf("%s: image %d is %dx%d", what, i, img.Width, img.Height)
			}
		}
		if images[0].Width != 768 || images[0].Height != 1024 {
			t.Errorf("%s: the phone photo reached the provider as %dx%d, want 768x1024 (upright)", what, images[0].Width, images[0].Height)
		}
	}
	reqs := s.fake.Requests()
	if len(reqs) == 0 {
		t.Fatal("the provider got no request")
	}
	assertImages("generate", reqs[len(reqs)-1].Images)

	s.fake.Reset()
	retry := s.do(t, t.Context(), http.MethodPost, "/api/rekan/posts/"+created[0]["id"].(string)+":retry", fx.AliceToken, "")
	if retry.status != 200 {
		t.Fatalf("retry: %d %v", retry.status, retry.body)
	}
	reqs = s.fake.Requests()
	if len(reqs) == 0 {
		t.Fatal("the retry reached no provider")
	}
	assertImages("retry", reqs[len(reqs)-1].Images)
}
