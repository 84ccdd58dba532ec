package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadDirShippedProfiles(t *testing.T) {
	dir, err := FindDir(".")
	if err != nil {
		t.Fatal(err)
	}
	list, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 12 {
		t.Fatalf("want at least 12 profiles, got %d", len(list))
	}
	segments := map[string]bool{}
	states := map[string]bool{}
	for i, p := range list {
		segments[p.Segment] = true
		states[p.State] = true
		if i > 0 && list[i-1].ID >= p.ID {
			t.Errorf("profiles not sorted by id: %s before %s", list[i-1].ID, p.ID)
		}
		if len(p.Facts) < 2 {
			t.Errorf("%s: a realistic profile needs several facts, got %d", p.ID, len(p.Facts))
		}
		if p.Voice == "" || p.Audience == "" {
			t.Errorf("%s: voice and audience drive the judges, fill them", p.ID)
		}
	}
	if len(segments) != len(list) {
		t.Errorf("want one segment per profile, got %d segments for %d profiles", len(segments), len(list))
	}
	if len(states) < 8 {
		t.Errorf("want profiles from many regions, got %d states", len(states))
	}
}

func TestParseErrorsNameFileAndField(t *testing.T) {
	valid := `{"id":"x","brief":"b","name":"n","segment":"s","city":"c","state":"SP","services":[{"name":"a","price_brl":1}],"facts":["f"]}`
	tests := []struct {
		name, file, json string
		want             []string
	}{
		{"valid", "x.json", valid, nil},
		{"syntax", "x.json", "{\n  \"id\": \"x\",\n  \"name\": }", []string{"x.json", "line 3", "invalid JSON"}},
		{"wrong type", "x.json", strings.Replace(valid, `"price_brl":1`, `"price_brl":"10"`, 1), []string{"x.json", `"services.price_brl"`, "a number"}},
		{"unknown field", "x.json", strings.Replace(valid, `"city"`, `"cidade":"x","city"`, 1), []string{`"cidade"`, "unknown field"}},
		{"bad state", "x.json", strings.Replace(valid, `"SP"`, `"XX"`, 1), []string{`"state"`, "UF"}},
		{"id mismatch", "y.json", valid, []string{"y.json", `"id"`, "file name"}},
		{"missing brief", "x.json", strings.Replace(valid, `"brief":"b"`, `"brief":" "`, 1), []string{`"brief"`, "required"}},
		{"long brief", "x.json", strings.Replace(valid, `"brief":"b"`, `"brief":"`+strings.Repeat("á", 2001)+`"`, 1), []string{`"brief"`, "2001"}},
		{"no services", "x.json", strings.Replace(valid, `[{"name":"a","price_brl":1}]`, `[]`, 1), []string{`"services"`}},
		{"negative price", "x.json", strings.Replace(valid, `"price_brl":1`, `"price_brl":-1`, 1), []string{`"services[0].price_brl"`}},
		{"blank fact", "x.json", strings.Replace(valid, `["f"]`, `["f",""]`, 1), []string{`"facts[1]"`}},
		{"two problems", "x.json", strings.Replace(strings.Replace(valid, `"SP"`, `"sp"`, 1), `"city":"c"`, `"city":""`, 1), []string{`"state"`, `"city"`}},
		{"trailing", "x.json", valid + "{}", []string{"trailing"}},
		{"empty", "x.json", "", []string{"empty file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.file, []byte(tt.json))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("want no error, got %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("want an error, got none")
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("want a *FieldError, got %T %v", err, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadDirRejectsDuplicatesAndBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "no profiles") {
		t.Fatalf("empty dir: want 'no profiles', got %v", err)
	}
	write("a.json", `{"id":"a","brief":"b","name":"n","segment":"s","city":"c","state":"SP","services":[{"name":"x"}],"facts":["f"]}`)
	write("b.json", `{"id":"b","brief":"b","name":"n","segment":"s","city":"c","state":"SP","services":[{"name":"x"}],"facts":["f"]`)
	_, err := LoadDir(dir)
	if err == nil || !strings.Contains(err.Error(), "b.json") {
		t.Fatalf("want an error naming b.json, got %v", err)
	}
}

func TestSelect(t *testing.T) {
	all := []Profile{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	got, err := Select(all, "c", "a")
	if err != nil || len(got) != 2 || got[0].ID != "c" || got[1].ID != "a" {
		t.Fatalf("Select(c,a) = %v, %v", got, err)
	}
	if got, _ := Select(all); len(got) != 3 {
		t.Fatalf("Select() should return all, got %d", len(got))
	}
	_, err = Select(all, "zz")
	if !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), `"zz"`) || !strings.Contains(err.Error(), "a, b, c") {
		t.Fatalf("unknown profile error = %v", err)
	}
}

func TestFindDir(t *testing.T) {
	root := t.TempDir()
	want := filepath.Join(root, "eval", "testdata")
	deep := filepath.Join(root, "eval", "cmd", "eval")
	for _, d := range []string{want, deep} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, start := range []string{root, deep, filepath.Join(root, "eval")} {
		got, err := FindDir(start)
		if err != nil || got != want {
			t.Errorf("FindDir(%s) = %q, %v; want %q", start, got, err, want)
		}
	}
	if _, err := FindDir(t.TempDir()); err == nil {
		t.Error("FindDir in an unrelated tree should fail")
	}
	// A checkout of the module under another name still finds its testdata.
	module := filepath.Join(t.TempDir(), "elsewhere")
	for _, d := range []string{filepath.Join(module, "testdata"), filepath.Join(module, "cmd", "eval")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(module, "go.mod"), []byte("module github.com/rekan/rekan/eval\n\ngo 1.26.0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := FindDir(filepath.Join(module, "cmd", "eval")); err != nil || got != filepath.Join(module, "testdata") {
		t.Errorf("FindDir inside a renamed module = %q, %v", got, err)
	}
}

func TestProfilePhotos(t *testing.T) {
	valid := `{"id":"x","brief":"b","name":"n","segment":"s","city":"c","state":"SP","services":[{"name":"a"}],"facts":["f"],"photos":%s}`
	jpegFile := func(dir, name string) {
		t.Helper()
		img := image.NewRGBA(image.Rect(0, 0, 4, 3))
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, nil); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		photos string
		files  map[string]string // name -> "jpeg" or raw content
		want   string            // "" = loads
	}{
		{"one jpeg", `["a.jpg"]`, map[string]string{"a.jpg": "jpeg"}, ""},
		{"four", `["a.jpg","a.jpg","a.jpg","a.jpg"]`, map[string]string{"a.jpg": "jpeg"}, ""},
		{"five", `["a.jpg","a.jpg","a.jpg","a.jpg","a.jpg"]`, map[string]string{"a.jpg": "jpeg"}, `"photos": has 5 photos`},
		{"outside the directory", `["../a.jpg"]`, nil, `"photos[0]": must be a path inside`},
		{"absolute", `["/etc/passwd"]`, nil, `"photos[0]": must be a path inside`},
		{"missing", `["nada.jpg"]`, nil, `"photos[0]"`},
		{"not an image", `["a.jpg"]`, map[string]string{"a.jpg": "texto qualquer"}, `"photos[0]": a.jpg is text/plain`},
		{"truncated jpeg", `["a.jpg"]`, map[string]string{"a.jpg": "\xff\xd8\xff\xe0\x00\x10JFIF"}, `does not decode`},
		{"too big", `["a.jpg"]`, map[string]string{"a.jpg": "\xff\xd8" + strings.Repeat("x", MaxProfilePhotoBytes)}, "the limit is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tt.files {
				if data == "jpeg" {
					jpegFile(dir, name)
				} else if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, "x.json")
			if err := os.WriteFile(path, []byte(fmt.Sprintf(valid, tt.photos)), 0o600); err != nil {
				t.Fatal(err)
			}
			p, err := LoadFile(path)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(p.PhotoData) != len(p.Photos) || p.PhotoData[0].MediaType != "image/jpeg" || len(p.PhotoData[0].Data) == 0 {
					t.Fatalf("photos not loaded: %d of %d", len(p.PhotoData), len(p.Photos))
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a field error with %q", err, tt.want)
			}
		})
	}
}
