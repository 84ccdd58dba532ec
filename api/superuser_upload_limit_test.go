package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
)

// PocketBase exempts superusers from every rate limit, so photos uploaded
// in the admin UI (a superuser's records API writes of requests, each photo
// decoded and re-encoded) had no limit at all. They have the upload limit
// of every other path that accepts photos: the 21st photo edit within a
// minute is a 429 that says how long to wait.
func TestServeSuperuserPhotoEditsAreRateLimited(t *testing.T) {
	data := dataWithAlice(t)
	superuserUpsert(t, data)
	s := startServerUntil(t, t.TempDir(), data, []string{"REKAN_BAML_CLI=/nonexistent"}, "/api/health")
	_, businessID := s.loginWithBusiness(t, "alice@example.com", "a-long-password")
	status, _, body := s.call(t, "POST", "/api/collections/_superusers/auth-with-password", "", suLogin)
	var login struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal([]byte(body), &login); status != 200 || err != nil || login.Token == "" {
		t.Fatalf("superuser login: %d %s", status, body)
	}

	upload := func(method, path string, fields map[string]string) (int, http.Header, string) {
		form, contentType := testutil.Multipart(t, fields,
			testutil.Part{Field: "photos", Name: "IMG.jpg", ContentType: "image/jpeg", Data: phototest.JPEG(64, 48, phototest.Red, phototest.Blue, 0)})
		req, err := http.NewRequest(method, s.base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", login.Token)
		req.Header.Set("Content-Type", contentType)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		var raw strings.Builder
		_, _ = io.Copy(&raw, res.Body)
		return res.StatusCode, res.Header, raw.String()
	}
	status, _, body = upload("POST", "/api/collections/requests/records", map[string]string{"business": businessID, "brief": "bolo", "count": "1"})
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &created); status != 200 || err != nil || created.ID == "" {
		t.Fatalf("superuser creates a request with a photo: %d %s", status, body)
	}

	var statuses []int
	var header http.Header
	for range 21 {
		status, header, body = upload("PATCH", "/api/collections/requests/records/"+created.ID, nil)
		statuses = append(statuses, status)
	}
	for i, st := range statuses[:20] {
		if st != 200 {
			t.Errorf("photo edit %d within the limit: %d", i+1, st)
		}
	}
	if status != 429 || header.Get("Retry-After") != "60" || !strings.Contains(body, "Tente de novo em 1 minuto.") {
		t.Errorf("21st photo edit by a superuser within a minute: %v; last: Retry-After %q %s", statuses, header.Get("Retry-After"), body)
	}
}
