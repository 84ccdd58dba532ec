package fakellm_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/fakellm"
)

func encodeJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withSegment inserts a JPEG marker segment right after SOI, where cameras
// put JFIF and EXIF.
func withSegment(data []byte, marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, data[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, data[2:]...)
}

// pngWithText encodes a PNG and adds a tEXt chunk before IEND.
func pngWithText(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 5, 3))
	img.Set(1, 1, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	iend := data[len(data)-12:]
	text := []byte("Comment\x00GPS -19.92 -43.94")
	chunk := make([]byte, 8, 12+len(text))
	binary.BigEndian.PutUint32(chunk, uint32(len(text)))
	copy(chunk[4:], "tEXt")
	chunk = append(chunk, text...)
	crc := crc32.ChecksumIEEE(chunk[4:])
	chunk = binary.BigEndian.AppendUint32(chunk, crc)
	out := append([]byte{}, data[:len(data)-12]...)
	out = append(out, chunk...)
	return append(out, iend...)
}

func dataURL(mediaType string, data []byte) string {
	return "data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// multimodalBody is an OpenAI request whose user message mixes text and
// image_url parts, the way the BAML runtime sends image arguments.
func multimodalBody(t *testing.T, text string, urls ...string) []byte {
	t.Helper()
	parts := []any{map[string]any{"type": "text", "text": text}}
	for i, u := range urls {
		parts = append(parts,
			map[string]any{"type": "image_url", "image_url": map[string]any{"url": u, "detail": "auto"}},
			map[string]any{"type": "text", "text": "depois da imagem " + string(rune('A'+i))})
	}
	body, err := json.Marshal(map[string]any{
		"model": "vision-model",
		"messages": []any{
			map[string]any{"role": "system", "content": "sistema"},
			map[string]any{"role": "user", "content": parts},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestMultimodalRequestRecordsImages(t *testing.T) {
	fake, srv := newServer(t)
	plain := encodeJPEG(t, 64, 48)
	exif := withSegment(withSegment(plain, 0xE1, []byte("Exif\x00\x00MM\x00*GPS")), 0xE0, []byte("JFIF\x00\x01\x01"))
	jfif := withSegment(plain, 0xE0, []byte("JFIF\x00\x01\x01"))
	text := pngWithText(t)
	urls := []string{
		dataURL("image/jpeg", plain),
		dataURL("image/jpeg", exif),
		dataURL("image/jpeg", jfif),
		dataURL("image/png", text),
		"data:image/jpeg;base64,não é base64",
		"https://example.com/foto.jpg",
	}
	fake.Enqueue(fakellm.Reply{Content: "ok"})
	resp := post(t, srv.URL+"/v1/chat/completions", multimodalBody(t, "descreva", urls...), nil)
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}

	calls := fake.Requests()
	if len(calls) != 1 {
		t.Fatalf("%d records", len(calls))
	}
	call := calls[0]
	if got := call.Messages[1].Content; got != "descreva\ndepois da imagem A\ndepois da imagem B\ndepois da imagem C\ndepois da imagem D\ndepois da imagem E\ndepois da imagem F" {
		t.Errorf("text parts flattened to %q", got)
	}
	images := call.Images
	if len(images) != len(urls) {
		t.Fatalf("%d images recorded, want %d: %+v", len(images), len(urls), images)
	}
	want := []struct {
		format          string
		w, h            int
		data            []byte
		exif, metadata  bool
		segments, error string
	}{
		{"jpeg", 64, 48, plain, false, false, "", ""},
		{"jpeg", 64, 48, exif, true, true, "APP0 JFIF,APP1 Exif", ""},
		{"jpeg", 64, 48, jfif, false, false, "APP0 JFIF", ""},
		{"png", 5, 3, text, false, true, "tEXt", ""},
		{"", 0, 0, nil, false, false, "", "not base64"},
		{"", 0, 0, nil, false, false, "", "not a data URL"},
	}
	for i, w := range want {
		img := images[i]
		if img.Message != 1 || img.Part != 1+2*i || img.Detail != "auto" {
			t.Errorf("image %d: position message %d part %d detail %q", i, img.Message, img.Part, img.Detail)
		}
		if img.Format != w.format || img.Width != w.w || img.Height != w.h || !bytes.Equal(img.Data, w.data) || img.Bytes != len(w.data) {
			t.Errorf("image %d: %s %dx%d %d bytes, want %s %dx%d %d bytes", i, img.Format, img.Width, img.Height, img.Bytes, w.format, w.w, w.h, len(w.data))
		}
		if img.HasEXIF != w.exif || img.HasMetadata != w.metadata || strings.Join(img.Segments, ",") != w.segments {
			t.Errorf("image %d: exif %v metadata %v segments %q, want %v %v %q", i, img.HasEXIF, img.HasMetadata, img.Segments, w.exif, w.metadata, w.segments)
		}
		if (w.error == "") != (img.Error == "") || !strings.Contains(img.Error, w.error) {
			t.Errorf("image %d: error %q, want %q", i, img.Error, w.error)
		}
	}
	if images[0].MediaType != "image/jpeg" || images[3].MediaType != "image/png" || images[5].URL != urls[5] {
		t.Errorf("media types / URL not kept: %+v", images)
	}
	if len(images[0].SHA256) != 64 || images[0].SHA256 == images[1].SHA256 {
		t.Errorf("sha256 %q %q", images[0].SHA256, images[1].SHA256)
	}

	// Over HTTP the listing leaves the bytes out unless asked.
	list := func(query string) []map[string]any {
		t.Helper()
		resp, err := http.Get(srv.URL + "/_fake/requests" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out []map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	listed := list("")[0]["images"].([]any)
	first := listed[0].(map[string]any)
	if _, has := first["data"]; has || first["width"] != float64(64) || first["has_exif"] != false || first["bytes"] != float64(len(plain)) {
		t.Errorf("listed image: %v", first)
	}
	if second := listed[1].(map[string]any); second["has_exif"] != true || second["has_metadata"] != true {
		t.Errorf("listed EXIF image: %v", second)
	}
	withData := list("?image_data=1")[0]["images"].([]any)[0].(map[string]any)
	if withData["data"] != base64.StdEncoding.EncodeToString(plain) {
		t.Errorf("?image_data=1 does not carry the bytes: %.80v", withData["data"])
	}
	// The in-process record still has them after an HTTP listing.
	if !bytes.Equal(fake.Requests()[0].Images[0].Data, plain) {
		t.Error("listing over HTTP dropped the bytes of the record")
	}
	if text := list("")[0]; len(text["images"].([]any)) != len(urls) {
		t.Errorf("listing: %v", text)
	}
}

func TestTextOnlyRequestHasNoImages(t *testing.T) {
	fake, srv := newServer(t)
	if status, _ := complete(t, srv.URL, "só texto"); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	resp, err := http.Get(srv.URL + "/_fake/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var listed []struct {
		Images []any `json:"images"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0].Images == nil || len(listed[0].Images) != 0 || len(fake.Requests()[0].Images) != 0 {
		t.Errorf("text request should list an empty images array: %+v", listed)
	}
}

// The default reply reads a WritePosts prompt whose user message is split
// by image parts, and then writes notes about the photos sent.
func TestDefaultReplyWithPhotos(t *testing.T) {
	_, srv := newServer(t)
	photo := dataURL("image/jpeg", encodeJPEG(t, 32, 32))
	prompt := "Perfil do negócio:\nNegócio: Doces da Lu\nSegmento: confeitaria\nCidade: Belo Horizonte - MG\nProdutos e serviços:\n- Bolo de casamento (R$ 180,00)\n" +
		"Fatos do negócio (use-os):\n- usa chocolate belga\n\nBriefing do dono (o assunto destes posts):\nbolo rosa e dourado\n\n" +
		"Fotos do dono para estes posts (2), na ordem em que ele mandou:\nFoto 1:"
	body, err := json.Marshal(map[string]any{
		"model": "m",
		"messages": []any{map[string]any{"role": "user", "content": []any{
			map[string]any{"type": "text", "text": prompt},
			map[string]any{"type": "image_url", "image_url": map[string]any{"url": photo}},
			map[string]any{"type": "text", "text": "Foto 2:"},
			map[string]any{"type": "image_url", "image_url": map[string]any{"url": photo}},
			map[string]any{"type": "text", "text": "Escreva 2 post(s):\nPost 1: papel \"produto\"\nPost 2: papel \"bastidores\"\n\n" + postsOutputFormat},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp := post(t, srv.URL+"/v1/chat/completions", body, nil)
	var c completion
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || len(c.Choices) != 1 {
		t.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	reply := strings.Trim(strings.TrimSpace(c.Choices[0].Message.Content), "`")
	reply = strings.TrimPrefix(reply, "json")
	var posts []content.Post
	if err := json.Unmarshal([]byte(reply), &posts); err != nil {
		t.Fatalf("default reply is not posts: %v\n%s", err, reply)
	}
	if len(posts) != 2 || posts[0].Role != content.RoleProduct || posts[1].Role != content.RoleBackstage {
		t.Fatalf("posts %+v", posts)
	}
	for i, p := range posts {
		if !strings.Contains(p.ProductionNote, "recorte") || !strings.Contains(p.ProductionNote, "carrossel com as 2 fotos") {
			t.Errorf("post %d note is not about the photos sent: %q", i, p.ProductionNote)
		}
	}
}
