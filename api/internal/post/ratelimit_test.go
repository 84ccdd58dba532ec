package post_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/pocketbase/apis"

	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
)

// Photo edits through the records API (each upload decoded and
// re-encoded) have their own limit: the 21st PATCH of a post within a
// minute is a 429, where the general limit let hundreds through.
func TestPhotoEditsAreRateLimited(t *testing.T) {
	app := fx.NewApp(t)
	t.Cleanup(app.Cleanup)
	app.Settings().RateLimits.Enabled = true
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	mux, err := r.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(mux)
	t.Cleanup(server.Close)

	small := phototest.JPEG(64, 48, phototest.Red, phototest.Blue, 0)
	var statuses []int
	for range 21 {
		body, contentType := testutil.Multipart(t, nil, testutil.Part{Field: "photos", Name: "a.jpg", ContentType: "image/jpeg", Data: small})
		req, err := http.NewRequest(http.MethodPatch, server.URL+"/api/collections/posts/records/"+fx.AlicePost, bytes.NewReader(body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", fx.AliceToken)
		req.Header.Set("Content-Type", contentType)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		statuses = append(statuses, res.StatusCode)
	}
	for i, status := range statuses[:20] {
		if status != 200 && status != 400 { // 400: a fifth photo; still an accepted request
			t.Errorf("request %d: %d", i+1, status)
		}
	}
	if statuses[20] != 429 {
		t.Errorf("21st photo edit within a minute: %v, want 429 last", statuses)
	}
}
