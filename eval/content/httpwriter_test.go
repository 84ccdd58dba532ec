package content_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rekan/rekan/eval/bamlrt"
	"github.com/rekan/rekan/eval/bamlrt/bamlrttest"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/fakellm"
)

const apiKey = "sk-test-7d1f0c2a9b"

// attemptsPerCall is 1 + max_retries of WriterRetry in clients.baml.
const attemptsPerCall = 4

type fixture struct {
	fake     *fakellm.Server
	rt       *bamlrt.Runtime
	provider content.Provider
	writer   *content.HTTPWriter
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	fake := fakellm.New()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p := content.Provider{
		BaseURL:     srv.URL + "/v1",
		APIKey:      apiKey,
		WriterModel: "writer-model",
		JudgeModels: []string{"judge-a", "judge-b"},
	}
	rt := bamlrttest.Start(t, p.RuntimeEnv())
	return &fixture{fake: fake, rt: rt, provider: p, writer: content.NewHTTPWriter(rt, p)}
}

func sampleRequest(roles ...content.Role) content.Request {
	price, small := 180.0, 2.5
	return content.Request{
		Business: content.Business{
			Name:          "Doces da Lu",
			Segment:       "confeitaria artesanal",
			City:          "Belo Horizonte",
			State:         "MG",
			Neighbourhood: "Santa Tereza",
			Services:      []content.Offering{{Name: "Bolo de casamento (kg)", PriceBRL: &price}, {Name: "Brigadeiro"}, {Name: "Docinho", PriceBRL: &small}},
			Voice:         "carinhosa",
			Facts:         []string{"usa chocolate belga"},
		},
		Brief:         "fiz um bolo de casamento rosa e dourado",
		Roles:         roles,
		PreviousHooks: []string{"Gente, olha isso!"},
	}
}

func TestWritePostsSuccess(t *testing.T) {
	f := newFixture(t)
	req := sampleRequest(content.RoleProduct, content.RoleBackstage)

	res, err := f.writer.WritePosts(context.Background(), req)
	if err != nil {
		t.Fatalf("WritePosts: %v", err)
	}
	if res.Model != "writer-model" {
		t.Errorf("Model = %q", res.Model)
	}
	if len(res.Posts) != 2 {
		t.Fatalf("%d posts, want 2", len(res.Posts))
	}
	for i, p := range res.Posts {
		if p.Role != req.Roles[i] {
			t.Errorf("post %d role %q, want %q", i, p.Role, req.Roles[i])
		}
		if p.Caption == "" || p.Hook == "" || p.ProductionNote == "" {
			t.Errorf("post %d incomplete: %+v", i, p)
		}
		if len(p.Hashtags) == 0 {
			t.Errorf("post %d has no hashtags", i)
		}
		for _, tag := range p.Hashtags {
			if !strings.HasPrefix(tag, "#") || strings.HasPrefix(tag, "##") || strings.ContainsAny(tag, " \t") {
				t.Errorf("post %d hashtag %q is not normalised", i, tag)
			}
		}
	}

	calls := f.fake.Requests()
	if len(calls) != 1 {
		t.Fatalf("provider saw %d requests, want 1", len(calls))
	}
	call := calls[0]
	if call.Model != "writer-model" || call.Authorization != "Bearer "+apiKey {
		t.Errorf("provider saw model %q auth %q", call.Model, call.Authorization)
	}
	prompt := call.Prompt()
	for _, want := range []string{"Negócio: Doces da Lu", `Post 1: papel "produto"`, `Post 2: papel "bastidores"`,
		req.Brief, "Bairro: Santa Tereza", "- usa chocolate belga", "- Gente, olha isso!",
		"- Bolo de casamento (kg) (R$ 180,00)\n- Brigadeiro\n- Docinho (R$ 2,50)\n"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("prompt lacks %q", want)
		}
	}
}

func TestWritePostsProviderFailsEveryAttempt(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Status: http.StatusInternalServerError, Times: attemptsPerCall + 5})

	_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleTip))
	if !errors.Is(err, content.ErrProvider) {
		t.Fatalf("err = %v, want ErrProvider", err)
	}
	if got := len(f.fake.Requests()); got != attemptsPerCall {
		t.Errorf("provider saw %d attempts, want %d (first try + WriterRetry's retries, no fallback chain)", got, attemptsPerCall)
	}
	if strings.Contains(err.Error(), apiKey) || strings.Contains(err.Error(), "bolo de casamento") {
		t.Errorf("error leaks the key or the prompt: %v", err)
	}
}

func TestWritePostsRedactsKeyQuotedByProvider(t *testing.T) {
	fake := fakellm.New()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p := content.Provider{BaseURL: srv.URL + "/v1", APIKey: apiKey, WriterModel: "writer-model"}
	rt, logs := bamlrttest.StartLogged(t, p.RuntimeEnv())
	f := &fixture{fake: fake, rt: rt, provider: p, writer: content.NewHTTPWriter(rt, p)}
	f.fake.Enqueue(fakellm.Reply{
		Status: http.StatusUnauthorized,
		Body:   `{"error":{"message":"Incorrect API key provided: ` + apiKey + `","type":"invalid_request_error","code":"invalid_api_key"}}`,
		Times:  attemptsPerCall,
	})
	_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleTip))
	if !errors.Is(err, content.ErrProvider) {
		t.Fatalf("err = %v, want ErrProvider", err)
	}
	if strings.Contains(err.Error(), apiKey) {
		t.Fatalf("error leaks the API key: %v", err)
	}
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("error should still carry the provider's (redacted) reason: %v", err)
	}
	// The runtime logs the failure around the time it answers.
	bamlrttest.WaitFor(t, 10*time.Second, func() bool { return strings.Contains(logs.String(), "Incorrect API key provided") })
	if strings.Contains(logs.String(), apiKey) {
		t.Errorf("runtime log leaks the API key:\n%s", logs)
	}
	for _, prompt := range []string{"Você escreve posts", "Santa Tereza", "Doces da Lu"} {
		if strings.Contains(logs.String(), prompt) {
			t.Errorf("runtime log leaks the prompt (%q):\n%s", prompt, logs)
		}
	}
}

func TestWritePostsProviderTooSlow(t *testing.T) {
	f := newFixture(t)
	f.fake.SetLatency(time.Minute)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := f.writer.WritePosts(ctx, sampleRequest(content.RoleProduct))
	if !errors.Is(err, content.ErrProvider) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrProvider wrapping DeadlineExceeded", err)
	}
	if waited := time.Since(start); waited > 10*time.Second {
		t.Errorf("returned after %s, long after the deadline", waited)
	}
}

func TestWritePostsUnparsableOutput(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Content: "Desculpe, não consigo ajudar com isso.", Times: attemptsPerCall})

	_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleProduct, content.RoleStory))
	if !errors.Is(err, content.ErrInvalidOutput) {
		t.Fatalf("err = %v, want ErrInvalidOutput", err)
	}
	if strings.Contains(err.Error(), "Desculpe") {
		t.Errorf("error quotes the model's output: %v", err)
	}
}

func TestWritePostsNormalisesOutput(t *testing.T) {
	f := newFixture(t)
	// Three posts for two roles, a made-up role, messy hashtags, no hook.
	f.fake.Enqueue(fakellm.Reply{Content: `[
	  {"role": "vitrine", "hook": "", "caption": "  Primeira linha.\nResto. ", "hashtags": ["##bolo", "bolo", " #doce de leite ", "", "#BH"], "production_note": " luz da janela "},
	  {"role": "produto", "hook": "Gancho 2", "caption": "Legenda 2", "hashtags": ["a"], "production_note": "nota"},
	  {"role": "dica", "hook": "Gancho 3", "caption": "Legenda 3", "hashtags": ["b"], "production_note": "nota"}
	]`})

	res, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleProduct, content.RoleBackstage))
	if err != nil {
		t.Fatalf("WritePosts: %v", err)
	}
	if len(res.Posts) != 2 {
		t.Fatalf("%d posts, want 2 (extra posts truncated)", len(res.Posts))
	}
	first, second := res.Posts[0], res.Posts[1]
	if first.Role != content.RoleBackstage || second.Role != content.RoleProduct {
		t.Errorf("roles %q, %q; want the unknown one to get the role the model left free", first.Role, second.Role)
	}
	if first.Hook != "Primeira linha." || first.Caption != "Primeira linha.\nResto." || first.ProductionNote != "luz da janela" {
		t.Errorf("first post not trimmed / hook not derived: %+v", first)
	}
	want := []string{"#bolo", "#docedeleite", "#BH"}
	if strings.Join(first.Hashtags, ",") != strings.Join(want, ",") {
		t.Errorf("hashtags %q, want %q", first.Hashtags, want)
	}
}

func TestWritePostsTooFewPosts(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Content: `[{"role": "produto", "hook": "h", "caption": "c", "hashtags": [], "production_note": "n"}]`})
	_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleProduct, content.RoleTip))
	if !errors.Is(err, content.ErrInvalidOutput) {
		t.Fatalf("err = %v, want ErrInvalidOutput", err)
	}
}

func TestWritePostsRejectsBadRequests(t *testing.T) {
	f := newFixture(t)
	bad := map[string]content.Request{
		"no roles":      sampleRequest(),
		"four roles":    sampleRequest(content.RoleProduct, content.RoleTip, content.RoleStory, content.RoleOffer),
		"unknown role":  sampleRequest("vitrine"),
		"repeated role": sampleRequest(content.RoleTip, content.RoleTip),
		"blank brief":   func() content.Request { r := sampleRequest(content.RoleTip); r.Brief = "  "; return r }(),
		"no business":   func() content.Request { r := sampleRequest(content.RoleTip); r.Business.Name = ""; return r }(),
	}
	for name, req := range bad {
		if _, err := f.writer.WritePosts(context.Background(), req); !errors.Is(err, content.ErrInvalidRequest) {
			t.Errorf("%s: err = %v, want ErrInvalidRequest", name, err)
		}
	}
	if n := len(f.fake.Requests()); n != 0 {
		t.Errorf("provider saw %d requests", n)
	}
}

func TestWritePostsRuntimeKilledMidFlight(t *testing.T) {
	f := newFixture(t)
	f.fake.Enqueue(fakellm.Reply{Delay: 30 * time.Second})

	errc := make(chan error, 1)
	go func() {
		_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleProduct))
		errc <- err
	}()
	bamlrttest.WaitFor(t, 10*time.Second, func() bool { return len(f.fake.Requests()) == 1 })
	if err := syscall.Kill(f.rt.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, content.ErrRuntimeUnavailable) {
			t.Fatalf("err = %v, want ErrRuntimeUnavailable", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WritePosts still blocked after the runtime died")
	}

	// While the supervisor restarts the child, calls fail fast as
	// unavailable; soon after, they succeed again.
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := f.writer.WritePosts(context.Background(), sampleRequest(content.RoleProduct))
		if err == nil {
			break
		}
		if !errors.Is(err, content.ErrRuntimeUnavailable) {
			t.Fatalf("during restart: err = %v, want ErrRuntimeUnavailable", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no success within 20s of the kill: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestWritePostsFallsBackToSecondProvider(t *testing.T) {
	primary, secondary := fakellm.New(), fakellm.New()
	primarySrv, secondarySrv := httptest.NewServer(primary), httptest.NewServer(secondary)
	t.Cleanup(primarySrv.Close)
	t.Cleanup(secondarySrv.Close)
	primary.Enqueue(fakellm.Reply{Status: http.StatusServiceUnavailable, Times: 100})
	p := content.Provider{
		BaseURL: primarySrv.URL + "/v1", APIKey: apiKey, WriterModel: "writer-model",
		FallbackBaseURL: secondarySrv.URL + "/v1", FallbackAPIKey: "sk-second", FallbackModel: "backup-model",
	}
	w := content.NewHTTPWriter(bamlrttest.Start(t, p.RuntimeEnv()), p)

	res, err := w.WritePosts(context.Background(), sampleRequest(content.RoleOffer))
	if err != nil {
		t.Fatalf("WritePosts: %v", err)
	}
	if len(res.Posts) != 1 || res.Posts[0].Role != content.RoleOffer {
		t.Fatalf("posts %+v", res.Posts)
	}
	if got := len(primary.Requests()); got != attemptsPerCall {
		t.Errorf("primary saw %d attempts, want %d", got, attemptsPerCall)
	}
	calls := secondary.Requests()
	if len(calls) != 1 || calls[0].Model != "backup-model" || calls[0].Authorization != "Bearer sk-second" {
		t.Errorf("secondary saw %+v", calls)
	}
}

// testPhoto encodes a small JPEG of w x h pixels (a colour per call, so two
// photos differ) the way the server sends one: no metadata segments.
func testPhoto(t *testing.T, w, h int, shade uint8) content.Photo {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: 230, G: shade, B: uint8(x * 255 / w), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return content.Photo{MediaType: "image/jpeg", Data: buf.Bytes()}
}

func TestWritePostsSendsPhotosAsImageParts(t *testing.T) {
	f := newFixture(t)
	req := sampleRequest(content.RoleProduct, content.RoleBackstage)
	req.Photos = []content.Photo{testPhoto(t, 96, 64, 120), testPhoto(t, 40, 72, 200)}

	res, err := f.writer.WritePosts(context.Background(), req)
	if err != nil {
		t.Fatalf("WritePosts: %v", err)
	}
	if len(res.Posts) != 2 {
		t.Fatalf("%d posts, want 2", len(res.Posts))
	}
	calls := f.fake.Requests()
	if len(calls) != 1 {
		t.Fatalf("provider saw %d requests, want 1", len(calls))
	}
	images := calls[0].Images
	if len(images) != len(req.Photos) {
		t.Fatalf("provider saw %d images, want %d: %+v", len(images), len(req.Photos), images)
	}
	sizes := [][2]int{{96, 64}, {40, 72}}
	for i, img := range images {
		if img.Error != "" || img.MediaType != "image/jpeg" || img.Format != "jpeg" {
			t.Errorf("image %d: %+v", i, img)
		}
		if !bytes.Equal(img.Data, req.Photos[i].Data) {
			t.Errorf("image %d: provider got %d bytes, not the %d sent", i, len(img.Data), len(req.Photos[i].Data))
		}
		if img.Width != sizes[i][0] || img.Height != sizes[i][1] || img.HasMetadata {
			t.Errorf("image %d: %dx%d metadata %v (%q)", i, img.Width, img.Height, img.HasMetadata, img.Segments)
		}
		if calls[0].Messages[img.Message].Role != "user" {
			t.Errorf("image %d in a %q message", i, calls[0].Messages[img.Message].Role)
		}
	}
	prompt := calls[0].Prompt()
	for _, want := range []string{"Fotos do dono para estes posts (2)", "Foto 1:", "Foto 2:", "recortar", "não manda tirar outra foto"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("prompt with photos lacks %q:\n%s", want, prompt)
		}
	}
}

// photoOnlyLine matches the lines content.baml renders only when photos
// are sent (inside `{% if photos %}`).
var photoOnlyLine = regexp.MustCompile(`^(- Com fotos.*|Fotos do dono para estes posts .*|Foto \d+:)$`)

func TestWritePostsWithoutPhotosKeepsTheTextPrompt(t *testing.T) {
	f := newFixture(t)
	plain := sampleRequest(content.RoleProduct)
	withPhotos := sampleRequest(content.RoleProduct)
	withPhotos.Photos = []content.Photo{testPhoto(t, 32, 32, 10), testPhoto(t, 32, 32, 90), testPhoto(t, 32, 32, 170)}
	for _, req := range []content.Request{plain, withPhotos} {
		if _, err := f.writer.WritePosts(context.Background(), req); err != nil {
			t.Fatalf("WritePosts: %v", err)
		}
	}
	calls := f.fake.Requests()
	if len(calls) != 2 {
		t.Fatalf("provider saw %d requests, want 2", len(calls))
	}
	if n := len(calls[0].Images); n != 0 {
		t.Fatalf("no photos sent, provider saw %d images", n)
	}
	if n := len(calls[1].Images); n != 3 {
		t.Fatalf("3 photos sent, provider saw %d images", n)
	}
	text := calls[0].Prompt()
	if strings.Contains(text, "Foto 1") || strings.Contains(text, "Com fotos") {
		t.Fatalf("prompt without photos mentions photos:\n%s", text)
	}
	// The photo prompt is the text prompt plus the photo-only lines (the
	// images split the user message into parts, which the record joins
	// with newlines): any photo block leaking outside its `if` shows here.
	var kept []string
	for _, line := range strings.Split(calls[1].Prompt(), "\n") {
		if !photoOnlyLine.MatchString(line) {
			kept = append(kept, line)
		}
	}
	if got := strings.Join(kept, "\n"); got != text {
		t.Errorf("photo prompt minus its photo lines differs from the text prompt:\n--- without photos\n%s\n--- with photos, photo lines removed\n%s", text, got)
	}
}

// occasionOnlyLine matches the lines content.baml renders only when an
// occasion is sent (inside `{% if occasion %}`).
var occasionOnlyLine = regexp.MustCompile(`^(Data comemorativa destes posts: .*|Ângulo da data: .*)$`)

func TestWritePostsWithoutOccasionKeepsThePrompt(t *testing.T) {
	f := newFixture(t)
	plain := sampleRequest(content.RoleProduct)
	withOccasion := sampleRequest(content.RoleProduct)
	withOccasion.Occasion = &content.Occasion{Name: "Dia das Mães", Date: "2027-05-09", StartBy: "2027-04-18", Angle: "o presente feito à mão"}
	for _, req := range []content.Request{plain, withOccasion} {
		if _, err := f.writer.WritePosts(context.Background(), req); err != nil {
			t.Fatalf("WritePosts: %v", err)
		}
	}
	calls := f.fake.Requests()
	if len(calls) != 2 {
		t.Fatalf("provider saw %d requests, want 2", len(calls))
	}
	text := calls[0].Prompt()
	if strings.Contains(text, "Data comemorativa") || strings.Contains(text, "Ângulo da data") {
		t.Fatalf("prompt without an occasion mentions one:\n%s", text)
	}
	with := calls[1].Prompt()
	for _, want := range []string{"Data comemorativa destes posts: Dia das Mães (2027-05-09)", "Ângulo da data: o presente feito à mão"} {
		if !strings.Contains(with, want) {
			t.Errorf("prompt with an occasion lacks %q:\n%s", want, with)
		}
	}
	// The occasion block is one blank line and its own lines; without them
	// the prompt must be the plain one, character for character.
	var kept []string
	lines := strings.Split(with, "\n")
	for i, line := range lines {
		if occasionOnlyLine.MatchString(line) {
			continue
		}
		if line == "" && i+1 < len(lines) && occasionOnlyLine.MatchString(lines[i+1]) {
			continue
		}
		kept = append(kept, line)
	}
	if got := strings.Join(kept, "\n"); got != text {
		t.Errorf("occasion prompt minus its occasion lines differs from the plain prompt:\n--- plain\n%s\n--- with occasion, its lines removed\n%s", text, got)
	}
}

func TestWritePostsRejectsBadPhotos(t *testing.T) {
	f := newFixture(t)
	photo := testPhoto(t, 8, 8, 0)
	bad := map[string][]content.Photo{
		"five photos":   {photo, photo, photo, photo, photo},
		"no media type": {{Data: photo.Data}},
		"heic":          {{MediaType: "image/heic", Data: photo.Data}},
		"empty":         {{MediaType: "image/jpeg"}},
	}
	for name, photos := range bad {
		req := sampleRequest(content.RoleTip)
		req.Photos = photos
		if _, err := f.writer.WritePosts(context.Background(), req); !errors.Is(err, content.ErrInvalidRequest) {
			t.Errorf("%s: err = %v, want ErrInvalidRequest", name, err)
		}
	}
	if n := len(f.fake.Requests()); n != 0 {
		t.Errorf("provider saw %d requests", n)
	}
	ok := sampleRequest(content.RoleTip)
	ok.Photos = []content.Photo{photo, photo, photo, photo}
	if err := ok.Validate(); err != nil {
		t.Errorf("%d photos refused: %v", content.MaxPhotos, err)
	}
}

// The worst case the server sends: MaxPhotos photos of 1024 px that JPEG
// cannot compress (noise, ~700 KB each, ~3.8 MB of base64 in one call).
// The runtime's request limit must not be what fails a generation.
func TestWritePostsCarriesFourFullSizePhotos(t *testing.T) {
	f := newFixture(t)
	img := image.NewRGBA(image.Rect(0, 0, 1024, 768))
	rand.New(rand.NewSource(1)).Read(img.Pix)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	req := sampleRequest(content.RoleProduct)
	for range content.MaxPhotos {
		req.Photos = append(req.Photos, content.Photo{MediaType: "image/jpeg", Data: buf.Bytes()})
	}
	if _, err := f.writer.WritePosts(context.Background(), req); err != nil {
		t.Fatalf("WritePosts with %d photos of %d bytes: %v", content.MaxPhotos, buf.Len(), err)
	}
	calls := f.fake.Requests()
	if len(calls) != 1 || len(calls[0].Images) != content.MaxPhotos {
		t.Fatalf("provider saw %d requests", len(calls))
	}
	for i, got := range calls[0].Images {
		if got.Width != 1024 || got.Height != 768 || !bytes.Equal(got.Data, buf.Bytes()) {
			t.Errorf("image %d: %dx%d, %d bytes", i, got.Width, got.Height, got.Bytes)
		}
	}
}
