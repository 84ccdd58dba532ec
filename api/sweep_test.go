package main

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
)

// storedFiles lists the uploaded files of a data directory (sidecars left
// out), thumbnails included.
func storedFiles(t *testing.T, dataDir string) []string {
	t.Helper()
	var files []string
	root := filepath.Join(dataDir, core.LocalStorageDirName)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return filepath.SkipDir
		}
		if err == nil && d.Type().IsRegular() && !strings.HasSuffix(path, ".attrs") {
			files = append(files, strings.TrimPrefix(path, root+"/"))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// A server killed while a generation's photos are in storage and its
// request is not committed yet leaves files that no record names. The
// next start removes them, though no migration changed: the sweep runs at
// every start, beside the server (a stop waits for it).
func TestKilledGenerationLeavesNoFileAfterRestart(t *testing.T) {
	data := dataWithAlice(t)
	env := []string{"REKAN_BAML_CLI=/nonexistent"}
	s := startServerUntil(t, t.TempDir(), data, append(env, "REKAN_TEST_KILL_AT=test-only:request-stored"), "/api/health")
	token, businessID := s.loginWithBusiness(t, "alice@example.com", "a-long-password")
	photo := testutil.Part{Field: "photos", Name: "bolo.jpg", ContentType: "image/jpeg", Data: phototest.JPEG(1600, 1200, phototest.Red, phototest.Blue, 0)}
	body, contentType := testutil.Multipart(t, map[string]string{"brief": "bolo de pote", "count": "2"}, photo, photo)
	req, err := http.NewRequest(http.MethodPost, s.base+"/api/rekan/businesses/"+businessID+"/posts:generate", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", token)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("the generation answered %d; the server should have died storing it", res.StatusCode)
	}
	select {
	case <-s.Exited():
	case <-time.After(time.Minute):
		t.Fatalf("the server was not killed; logs:\n%s", s.Log())
	}
	if !strings.Contains(s.Log(), "killed by REKAN_TEST_KILL_AT") {
		t.Fatalf("the server died elsewhere; logs:\n%s", s.Log())
	}

	killed := openDir(t, data)
	var requests int
	if err := killed.DB().NewQuery("SELECT COUNT(*) FROM requests").Row(&requests); err != nil || requests != 0 {
		t.Fatalf("%d requests after the kill (%v): the transaction was committed", requests, err)
	}
	if orphans := storedFiles(t, data); len(orphans) != 2 {
		t.Fatalf("stored files after the kill %v, want the 2 photos no record names", orphans)
	}
	if err := killed.ResetBootstrapState(); err != nil {
		t.Fatal(err)
	}

	again := startServerUntil(t, t.TempDir(), data, env, "/api/health")
	if err := again.Stop(time.Minute); err != nil {
		t.Fatal(err)
	}
	if left := storedFiles(t, data); len(left) != 0 {
		t.Errorf("files left after the restart: %v; logs:\n%s", left, again.Log())
	}
}
