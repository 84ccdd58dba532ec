package testutil

import (
	"bytes"
	"io/fs"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// Part is one file of a multipart body.
type Part struct {
	Field, Name, ContentType string
	Data                     []byte
}

// Multipart builds a multipart/form-data body of fields and parts and
// returns it with its Content-Type header value.
func Multipart(t testing.TB, fields map[string]string, parts ...Part) (*bytes.Buffer, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+p.Field+`"; filename="`+p.Name+`"`)
		if p.ContentType != "" {
			h.Set("Content-Type", p.ContentType)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pw.Write(p.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &body, w.FormDataContentType()
}

// AddPhotos stores files as photos of a post's request and adds them to
// the post's selection, as the server would (no re-encoding: the data is
// stored as given).
func AddPhotos(t testing.TB, app core.App, postID string, data ...[]byte) *core.Record {
	t.Helper()
	p := FindPost(t, app, postID)
	req, err := app.FindRecordById("requests", p.GetString("request"))
	if err != nil {
		t.Fatal(err)
	}
	files := make([]any, 0, len(data))
	var names []string
	_ = p.UnmarshalJSONField("photos", &names)
	for _, d := range data {
		f, err := filesystem.NewFileFromBytes(d, "foto.jpg")
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		names = append(names, f.Name)
	}
	req.Set("photos+", files)
	if err := app.Save(req); err != nil {
		t.Fatalf("save photos: %v", err)
	}
	p.Set("photos", names)
	if err := app.Save(p); err != nil {
		t.Fatalf("select photos: %v", err)
	}
	return FindPost(t, app, postID)
}

// StoredFiles lists the uploaded files of the data directory (thumbnails
// and attribute sidecars left out), relative to its storage folder.
func StoredFiles(t testing.TB, app core.App) []string {
	t.Helper()
	root := filepath.Join(app.DataDir(), core.LocalStorageDirName)
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return filepath.SkipDir
		}
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), "thumbs_") {
			return filepath.SkipDir
		}
		// The local filesystem keeps each file's attributes in a sidecar.
		if d.Type().IsRegular() && !strings.HasSuffix(d.Name(), ".attrs") {
			rel, _ := filepath.Rel(root, path)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("list stored files: %v", err)
	}
	return files
}

// StoredFile reads a stored photo of a post (kept by its request).
func StoredFile(t testing.TB, app core.App, post *core.Record, name string) []byte {
	t.Helper()
	req, err := app.FindRecordById("requests", post.GetString("request"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(app.DataDir(), core.LocalStorageDirName, req.BaseFilesPath(), name))
	if err != nil {
		t.Fatalf("read stored file: %v", err)
	}
	return data
}
