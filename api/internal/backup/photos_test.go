package backup_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/archive"

	"github.com/rekan/rekan/api/internal/backup"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/testutil"
	"github.com/rekan/rekan/api/phototest"
)

// A backup holds the posts' photos: the data directory a restore unpacks
// from it serves them (to their owner's file token) as they were, though
// they were deleted from the live instance after the backup.
func TestBackupRestoresPhotos(t *testing.T) {
	fx := testutil.SeedT(t)
	app := fx.NewApp(t)
	defer app.Cleanup()
	backup.BindHooks(app)

	jpg := phototest.JPEG(640, 480, phototest.Red, phototest.Blue, 0)
	p := testutil.AddPhotos(t, app, fx.AlicePost, jpg)
	name := post.PhotoNames(p)[0]
	if err := app.CreateBackup(context.Background(), "photos.zip"); err != nil {
		t.Fatal(err)
	}
	req, err := post.RequestOf(app, p)
	if err != nil {
		t.Fatal(err)
	}
	req.Set("photos-", name)
	if err := app.Save(req); err != nil {
		t.Fatal(err)
	}
	if files := testutil.StoredFiles(t, app); len(files) != 0 {
		t.Fatalf("the live instance still has %v", files)
	}

	// What PocketBase's restore does: the archive becomes the data directory.
	restored := t.TempDir()
	if err := archive.Extract(filepath.Join(app.DataDir(), core.LocalBackupsDirName, "photos.zip"), restored); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(restored, core.LocalStorageDirName, req.BaseFilesPath(), name)); err != nil {
		t.Fatalf("the archive lacks the photo: %v", err)
	}
	s := &tests.ApiScenario{
		Name:   "the restored photo is served to its owner",
		Method: http.MethodGet,
		TestAppFactory: func(t testing.TB) *tests.TestApp {
			restoredApp, err := tests.NewTestApp(restored)
			if err != nil {
				t.Fatal(err)
			}
			return restoredApp
		},
		ExpectedStatus:  200,
		ExpectedContent: []string{"\xff\xd8\xff"},
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			body, err := io.ReadAll(res.Body)
			if err != nil || !bytes.Equal(body, jpg) {
				t.Errorf("restored photo differs (%d bytes, %v)", len(body), err)
			}
		},
	}
	s.BeforeTestFunc = func(t testing.TB, restoredApp *tests.TestApp, _ *core.ServeEvent) {
		restoredPost := testutil.FindPost(t, restoredApp, fx.AlicePost)
		if got := post.PhotoNames(restoredPost); len(got) != 1 || got[0] != name {
			t.Fatalf("restored post photos %v, want [%s]", got, name)
		}
		alice, err := restoredApp.FindRecordById("users", fx.AliceID)
		if err != nil {
			t.Fatal(err)
		}
		token, err := alice.NewFileToken()
		if err != nil {
			t.Fatal(err)
		}
		s.URL = "/api/files/requests/" + restoredPost.GetString("request") + "/" + name + "?token=" + token
	}
	s.Test(t)
}
