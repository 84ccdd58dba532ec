package main

import (
	"bytes"
	"encoding/base64"
	stdhtml "html"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/fakellm"
	"github.com/rekan/rekan/eval/judges"
)

// photoProfile is the shipped profile that carries a photo.
const photoProfile = "doceria-raiz"

func shippedPhoto(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photos", "doceria-raiz-brigadeiros.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// splitByImages separates the requests that carried images from the rest.
func splitByImages(calls []fakellm.Request, model string) (with, without []fakellm.Request) {
	for _, c := range calls {
		if model != "" && c.Model != model {
			continue
		}
		if len(c.Images) > 0 {
			with = append(with, c)
		} else {
			without = append(without, c)
		}
	}
	return with, without
}

func TestPhotoProfileEndToEnd(t *testing.T) {
	h := newHarness(t)
	photo := shippedPhoto(t)
	res := h.mustRun(t, "--judges", "--profile", photoProfile, "--count", "2")
	if res.code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}

	// The writer saw the photo, byte for byte.
	calls := h.fake.Requests()
	writerWith, writerWithout := splitByImages(calls, "fake-writer")
	if len(writerWith) != 1 || len(writerWithout) != 0 {
		t.Fatalf("writer requests with/without images: %d/%d, want 1/0", len(writerWith), len(writerWithout))
	}
	img := writerWith[0].Images[0]
	if len(writerWith[0].Images) != 1 || !bytes.Equal(img.Data, photo) || img.MediaType != "image/jpeg" || img.Width != 480 || img.Height != 360 || img.HasMetadata {
		t.Fatalf("writer got image %+v (%d bytes, want %d)", img, img.Bytes, len(photo))
	}
	if !strings.Contains(writerWith[0].Prompt(), "Fotos do dono para estes posts (1)") {
		t.Errorf("writer prompt does not announce the photo")
	}

	// Per judge: 2 posts x (4 text criteria + photo_match) + variety; only
	// photo_match carries the photo.
	for _, judge := range []string{"fake-judge-a", "fake-judge-b"} {
		with, without := splitByImages(calls, judge)
		if len(with) != 2 || len(without) != 9 {
			t.Errorf("%s: %d requests with the photo, %d without; want 2 and 9", judge, len(with), len(without))
		}
		// The text judges know the post came with a photo (its note then
		// fixes the photo rather than planning a shoot).
		for _, c := range without {
			if !strings.Contains(c.Prompt(), "Fotos: 1 foto(s) do dono enviadas com o pedido") {
				t.Errorf("%s: a text judge is not told about the photo", judge)
				break
			}
		}
		for _, c := range with {
			if len(c.Images) != 1 || !bytes.Equal(c.Images[0].Data, photo) {
				t.Errorf("%s: photo judge got %d images", judge, len(c.Images))
			}
			if !strings.Contains(c.Prompt(), "a legenda fala do que estas fotos mostram") {
				t.Errorf("%s: a request with the photo is not the photo_match prompt", judge)
			}
		}
	}

	g := res.run.Businesses[0].Generations[0]
	if len(g.Photos) != 1 || !bytes.Equal(g.Photos[0].Data, photo) {
		t.Fatalf("run file keeps %d photos", len(g.Photos))
	}
	for i, p := range g.Posts {
		if !strings.Contains(p.ProductionNote, "recorte") {
			t.Errorf("post %d: fakellm's note ignores the photo: %q", i, p.ProductionNote)
		}
		for _, c := range p.Checks {
			if !c.Passed && c.Severity == "error" {
				t.Errorf("post %d fails check %s: %s", i, c.ID, c.Reason)
			}
		}
		var criteria []string
		for _, v := range p.Verdicts {
			criteria = append(criteria, string(v.Criterion))
			if v.Status != judges.StatusPass {
				t.Errorf("post %d: %s = %s", i, v.Criterion, v.Status)
			}
		}
		if strings.Join(criteria, ",") != "naturalness,specificity,actionability,hook,photo_match" {
			t.Errorf("post %d verdicts: %s", i, criteria)
		}
	}
	if !strings.Contains(res.stdout, "photo_match") || !strings.Contains(res.stdout, "2/2") {
		t.Errorf("summary lacks the photo_match column:\n%s", res.stdout)
	}

	// Re-judging the saved run sends the photo again, from the run file.
	h.fake.Reset()
	again := h.mustRun(t, "--from-run", res.path)
	if again.code != exitOK {
		t.Fatalf("--from-run exit %d\n%s", again.code, again.stderr)
	}
	with, _ := splitByImages(h.fake.Requests(), "")
	if len(with) != 4 {
		t.Fatalf("--from-run: %d requests with the photo, want 4 (2 posts x 2 judges)", len(with))
	}
	for _, c := range with {
		if !bytes.Equal(c.Images[0].Data, photo) {
			t.Fatal("--from-run sent other bytes than the saved photo")
		}
	}
}

// A profile of the test's own, with photos drawn at test time: every photo
// reaches the writer in order; a file that is no image stops the run.
func TestProfilePhotosFromItsDirectory(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "fotos"), 0o755); err != nil {
		t.Fatal(err)
	}
	var drawn [][]byte
	for i, size := range [][2]int{{40, 30}, {30, 40}} {
		img := image.NewRGBA(image.Rect(0, 0, size[0], size[1]))
		for p := range img.Pix {
			img.Pix[p] = uint8(p * (i + 1))
		}
		img.Set(0, 0, color.White)
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		drawn = append(drawn, buf.Bytes())
		if err := os.WriteFile(filepath.Join(dir, "fotos", []string{"a.png", "b.png"}[i]), buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	profile := `{"id": "padaria-foto", "name": "Padaria do Zé", "segment": "padaria", "city": "Natal", "state": "RN",
		"services": [{"name": "pão de milho", "price_brl": 12}], "facts": ["forno a lenha desde 1987"],
		"brief": "saiu a fornada de pão de milho", "photos": ["fotos/a.png", "fotos/b.png"]}`
	if err := os.WriteFile(filepath.Join(dir, "padaria-foto.json"), []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	res := h.mustRun(t, "--profiles", dir, "--count", "1")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	calls := h.fake.Requests()
	if len(calls) != 1 || len(calls[0].Images) != 2 {
		t.Fatalf("writer requests %d, images %d; want 1 request with 2 images", len(calls), len(calls[0].Images))
	}
	for i, img := range calls[0].Images {
		if img.MediaType != "image/png" || !bytes.Equal(img.Data, drawn[i]) {
			t.Errorf("image %d: %s, %d bytes; want photo %d as sent", i, img.MediaType, img.Bytes, i)
		}
	}

	if err := os.WriteFile(filepath.Join(dir, "fotos", "b.png"), []byte("não sou uma foto"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := h.run(t, "--profiles", dir, "--count", "1")
	if bad.code != exitFail || !strings.Contains(bad.stderr, `padaria-foto.json: field "photos[1]"`) || bad.path != "" {
		t.Fatalf("a text file as photo: exit %d, stderr %q", bad.code, bad.stderr)
	}
}

// The report shows the photos a generation was written from, inline.
func TestReportShowsThePhotos(t *testing.T) {
	h := newHarness(t)
	res := h.mustRun(t, "--profile", photoProfile, "--count", "1", "--report")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	html, err := os.ReadFile(strings.TrimSuffix(res.path, ".json") + ".html")
	if err != nil {
		t.Fatal(err)
	}
	want := `<img src="data:image/jpeg;base64,` + base64.StdEncoding.EncodeToString(shippedPhoto(t)) + `"`
	// html/template writes some base64 characters as entities (&#43;).
	if !strings.Contains(stdhtml.UnescapeString(string(html)), want) {
		t.Errorf("report does not inline the photo")
	}
	// A media type nobody sends makes no URL, whatever the run file says.
	if got := photoURL(content.Photo{MediaType: "text/html", Data: []byte("<script>")}); got != "" {
		t.Errorf("photoURL of text/html = %q", got)
	}
}
