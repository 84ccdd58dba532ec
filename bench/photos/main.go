// Command bench-photos measures what photo uploads cost the server (issues
// 13, 22 and 23), on the real binary with its BAML runtime and fakellm as
// the provider, for the server under test and, when -before names one, a
// build of the code before (the same run, the same files):
//
//   - peak RSS for the worst file of each kind the limits allow (format,
//     bit depth, layout), each decoded alone;
//
//   - fairness: an operator's small photo's wait behind another's three
//     large ones;
//
//   - server CPU per photo, 1600 px (what the browser sends) and originals
//     of about 10 MB (19 MP);
//
//   - eight operators at once, four photos each, both sizes: average wait
//     and the RSS rise (the kernel's high-water mark, VmHWM, reset before);
//
//   - quality: the stored copy of the eval's photo, both bench photos and
//     two textures where a poor scaler shows (a zone plate, a fabric),
//     downloaded from each server: SSIM of after against before (target
//     ≥ 0.98, issue 23).
//
//     go run . -api ../../bin/api -before ../../bin/api-before -fakellm ../../bin/fakellm
//
// It never fails on a missed target (targets are for people to read); it
// fails when the stack does not work.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/draw"

	"github.com/rekan/rekan/api/phototest"
	"github.com/rekan/rekan/eval/stack"
	"github.com/rekan/rekan/eval/stack/durability"
)

// Targets (issues 13, 22, 23).
const (
	targetRiseMB      = 150 // eight requests of four photos
	targetCPU1600ms   = 60
	targetCPU12MPms   = 250
	targetEightWaitS  = 5
	targetSSIM        = 0.98
	operators         = 8
	photosPerRequest  = 4
	decodeBudgetBytes = 96 << 20 // photo.DecodeBudgetBytes
)

func main() {
	apiBin := flag.String("api", "../../bin/api", "the server binary")
	beforeBin := flag.String("before", "", "a server binary of the code before, measured in the same run (empty: none)")
	fakeBin := flag.String("fakellm", "../../bin/fakellm", "the fakellm binary")
	flag.Parse()
	err := run(*apiBin, *beforeBin, *fakeBin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-photos:", err)
		os.Exit(1)
	}
}

// files are the uploads every binary gets.
type files struct {
	small, photo1600, photo12MP, large []byte
	kinds                              []kind
	quality                            []named
}

type named struct {
	name string
	data []byte
}

type kind struct {
	name string
	data []byte
	w, h int
	// bigger is the same kind 5% over the limit (nil: the pixel limit,
	// not the budget, bounds it).
	bigger []byte
}

type measures struct {
	label       string
	idleMB      float64
	kinds       []kindResult
	smallAlone  time.Duration
	smallBehind time.Duration
	cpu1600     float64 // ms per photo
	cpu12MP     float64
	eight       map[string]eightResult
	stored      [][]byte // the stored copy of each of files.quality
}

type kindResult struct {
	status    int
	peakMB    float64 // the process's peak RSS while it was handled
	riseMB    float64 // that peak over the idle server's RSS
	biggerRes int
}

type eightResult struct {
	avgWait, maxWait time.Duration
	riseMB           float64
}

func run(apiBin, beforeBin, fakeBin string) error {
	fmt.Println("making the photos...")
	f, err := makeFiles()
	if err != nil {
		return err
	}
	fmt.Printf("  1600 px: %s; 10 MB original: %s; large: %s\n", sizeOf(f.photo1600), sizeOf(f.photo12MP), sizeOf(f.large))

	var all []measures
	bins := [][2]string{}
	if beforeBin != "" {
		bins = append(bins, [2]string{"before", beforeBin})
	}
	bins = append(bins, [2]string{"after", apiBin})
	for _, b := range bins {
		abs, err := filepath.Abs(b[1])
		if err != nil {
			return err
		}
		fmt.Printf("\n== %s (%s)\n", b[0], b[1])
		m, err := measure(b[0], abs, fakeBin, f)
		if err != nil {
			return fmt.Errorf("%s: %w", b[0], err)
		}
		all = append(all, m)
	}
	report(all, f)
	return nil
}

func sizeOf(data []byte) string {
	cfg, _, _ := image.DecodeConfig(bytes.NewReader(data))
	return fmt.Sprintf("%dx%d %.2f MB", cfg.Width, cfg.Height, float64(len(data))/(1<<20))
}

// setup is one running stack with its operators and their businesses.
type setup struct {
	server *stack.Server
	root   *stack.Client
	ops    []*stack.Client
	urls   []string // each operator's posts:generate
}

func start(binary, fakeBin string) (*setup, func(), error) {
	ctx := context.Background()
	superuser := stack.NewAccount("root")
	// One operator for each of the eight, and the fairness pair.
	accounts := make([]stack.Account, operators+1)
	for i := range accounts {
		accounts[i] = stack.NewAccount(fmt.Sprintf("operador%d", i))
	}
	st, err := stack.Start(ctx, stack.Config{
		API: binary, BAMLCLI: os.Getenv("REKAN_BAML_CLI"), FakeBinary: fakeBin,
		Operators: accounts, Superuser: &superuser,
	})
	if err != nil {
		return nil, nil, err
	}
	stop := st.Stop
	s := &setup{server: st.Server}
	if s.root, err = st.Root(ctx); err != nil {
		stop()
		return nil, nil, err
	}
	// The installed limits (10 generation requests a minute per IP) would
	// otherwise be what gets measured.
	if _, err := s.root.Do(ctx, "PATCH", "/api/settings", map[string]any{"rateLimits": map[string]any{"excludedIPs": []string{"127.0.0.1"}}}, nil); err != nil {
		stop()
		return nil, nil, err
	}
	for i := range accounts {
		op, owner, err := st.Operator(ctx, i)
		if err != nil {
			stop()
			return nil, nil, err
		}
		var biz struct {
			ID string `json:"id"`
		}
		if _, err := op.Do(ctx, "POST", "/api/collections/businesses/records", durability.Business(owner, fmt.Sprintf("Confeitaria %d", i)), &biz); err != nil {
			stop()
			return nil, nil, err
		}
		s.ops = append(s.ops, op)
		s.urls = append(s.urls, st.URL+"/api/rekan/businesses/"+biz.ID+"/posts:generate")
	}
	return s, stop, nil
}

func operatorEmail(i int) string { return fmt.Sprintf("operador%d@example.com", i) }

func measure(label, binary, fakeBin string, f files) (measures, error) {
	m := measures{label: label, eight: map[string]eightResult{}}
	s, stop, err := start(binary, fakeBin)
	if err != nil {
		return m, err
	}
	defer stop()
	pid := s.server.Pid()
	// One small generation first: what the first request initialises
	// (connections, caches, the runtime's client) is not the photos' cost.
	if _, err := generate(s.urls[0], s.ops[0].Token, [][]byte{f.small}); err != nil {
		return m, fmt.Errorf("warm-up: %w", err)
	}

	for _, q := range f.quality {
		stored, err := storedCopy(s, 2, q.data)
		if err != nil {
			return m, fmt.Errorf("stored copy of %s: %w", q.name, err)
		}
		m.stored = append(m.stored, stored)
	}

	settle()
	idle := status(pid, "VmRSS")
	m.idleMB = float64(idle) / 1024
	fmt.Printf("worst file of each kind, alone (idle server: %.1f MB RSS):\n", float64(idle)/1024)
	for _, k := range f.kinds {
		settle()
		resetPeak(pid)
		code, err := generate(s.urls[0], s.ops[0].Token, [][]byte{k.data})
		if err != nil && code != 400 {
			return m, fmt.Errorf("%s: %w", k.name, err)
		}
		peak := status(pid, "VmHWM")
		r := kindResult{status: code, peakMB: float64(peak) / 1024, riseMB: float64(peak-idle) / 1024}
		if k.bigger != nil {
			r.biggerRes, _ = generate(s.urls[0], s.ops[0].Token, [][]byte{k.bigger})
		}
		fmt.Printf("  %-38s %5dx%-5d %6.2f MB  -> %d, peak RSS %6.1f MB (+%.1f over idle)\n", k.name, k.w, k.h, float64(len(k.data))/(1<<20), code, r.peakMB, r.riseMB)
		m.kinds = append(m.kinds, r)
	}

	fmt.Println("fairness: a small photo behind another operator's three large ones")
	settle()
	t := time.Now()
	if _, err := generate(s.urls[8], s.ops[8].Token, [][]byte{f.photo1600}); err != nil {
		return m, err
	}
	m.smallAlone = time.Since(t)
	var wg sync.WaitGroup
	var largeErr error
	for range 3 {
		wg.Go(func() {
			if _, err := generate(s.urls[0], s.ops[0].Token, [][]byte{f.large}); err != nil {
				largeErr = err
			}
		})
	}
	time.Sleep(300 * time.Millisecond) // the three are received and queued
	t = time.Now()
	if _, err := generate(s.urls[8], s.ops[8].Token, [][]byte{f.photo1600}); err != nil {
		return m, err
	}
	m.smallBehind = time.Since(t)
	wg.Wait()
	if largeErr != nil {
		return m, largeErr
	}
	fmt.Printf("  alone %.2fs, behind three large %.2fs\n", m.smallAlone.Seconds(), m.smallBehind.Seconds())

	fmt.Println("server CPU per photo (sequential requests of four photos, less a generation without photos):")
	base, err := cpuPer(s, pid, nil, 4)
	if err != nil {
		return m, err
	}
	for _, c := range []struct {
		name string
		data []byte
		out  *float64
	}{{"1600 px", f.photo1600, &m.cpu1600}, {"10 MB", f.photo12MP, &m.cpu12MP}} {
		per, err := cpuPer(s, pid, c.data, 2)
		if err != nil {
			return m, err
		}
		*c.out = (per - base) / photosPerRequest
		fmt.Printf("  %-8s %6.1f ms per photo (a generation without photos: %.1f ms)\n", c.name, *c.out, base)
	}

	for _, c := range []struct {
		name string
		data []byte
	}{{"1600 px", f.photo1600}, {"10 MB", f.photo12MP}} {
		settle()
		resetPeak(pid)
		waits := make([]time.Duration, operators)
		errs := make([]error, operators)
		var wg sync.WaitGroup
		for i := range operators {
			wg.Go(func() {
				t := time.Now()
				_, errs[i] = generate(s.urls[i], s.ops[i].Token, repeat(c.data, photosPerRequest))
				waits[i] = time.Since(t)
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return m, err
			}
		}
		var sum time.Duration
		for _, w := range waits {
			sum += w
		}
		r := eightResult{avgWait: sum / operators, maxWait: slices.Max(waits), riseMB: float64(status(pid, "VmHWM")-idle) / 1024}
		m.eight[c.name] = r
		fmt.Printf("  eight operators, four %s photos each: average wait %.1fs (max %.1fs), peak RSS %.1f MB over idle\n", c.name, r.avgWait.Seconds(), r.maxWait.Seconds(), r.riseMB)
	}
	return m, nil
}

// storedCopy generates with one photo as operator i and downloads the
// copy the server stored (a protected file: through a file token).
func storedCopy(s *setup, i int, photo []byte) ([]byte, error) {
	body, err := generateBody(s.urls[i], s.ops[i].Token, [][]byte{photo})
	if err != nil {
		return nil, err
	}
	var out struct {
		Posts []struct {
			Request string   `json:"request"`
			Photos  []string `json:"photos"`
		} `json:"posts"`
	}
	if err := json.Unmarshal(body, &out); err != nil || len(out.Posts) == 0 || len(out.Posts[0].Photos) != 1 {
		return nil, fmt.Errorf("generate answered %.300s", body)
	}
	var token struct {
		Token string `json:"token"`
	}
	ctx := context.Background()
	if _, err := s.ops[i].Do(ctx, "POST", "/api/files/token", nil, &token); err != nil {
		return nil, err
	}
	p := out.Posts[0]
	res, err := http.Get(s.ops[i].Base + "/api/files/requests/" + p.Request + "/" + p.Photos[0] + "?token=" + token.Token)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != 200 {
		err = fmt.Errorf("download: %d %.200s", res.StatusCode, data)
	}
	return data, err
}

// cpuPer is the server's CPU (user + system) per generation with four
// copies of photo (none when nil), over n sequential requests.
func cpuPer(s *setup, pid int, photo []byte, n int) (float64, error) {
	var photos [][]byte
	if photo != nil {
		photos = repeat(photo, photosPerRequest)
	}
	start := cpuTicks(pid)
	for range n {
		if _, err := generate(s.urls[1], s.ops[1].Token, photos); err != nil {
			return 0, err
		}
	}
	return float64(cpuTicks(pid)-start) * 10 / float64(n), nil // 100 ticks a second
}

func repeat(data []byte, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = data
	}
	return out
}

func report(all []measures, f files) {
	fmt.Println("\n== summary")
	ratio := func(before, after float64) string {
		if len(all) < 2 || before == 0 {
			return ""
		}
		return fmt.Sprintf("  ratio %.2f", after/before)
	}
	get := func(fn func(measures) float64) (float64, float64) {
		if len(all) < 2 {
			return 0, fn(all[0])
		}
		return fn(all[0]), fn(all[1])
	}
	line := func(name string, target string, fn func(measures) float64, unit string) {
		b, a := get(fn)
		if len(all) < 2 {
			fmt.Printf("  %-44s %8.1f %s   %s\n", name, a, unit, target)
			return
		}
		fmt.Printf("  %-44s before %8.1f  after %8.1f %s   %s%s\n", name, b, a, unit, target, ratio(b, a))
	}
	line("CPU per 1600 px photo", fmt.Sprintf("target ≤ %d", targetCPU1600ms), func(m measures) float64 { return m.cpu1600 }, "ms")
	line("CPU per 10 MB original (19 MP)", fmt.Sprintf("target ≤ %d", targetCPU12MPms), func(m measures) float64 { return m.cpu12MP }, "ms")
	for _, size := range []string{"1600 px", "10 MB"} {
		line("eight operators, "+size+": average wait", fmt.Sprintf("target ≤ %d", targetEightWaitS), func(m measures) float64 { return m.eight[size].avgWait.Seconds() }, "s")
		line("eight operators, "+size+": peak RSS over idle", fmt.Sprintf("target ≤ %d (budget %d)", targetRiseMB, decodeBudgetBytes>>20), func(m measures) float64 { return m.eight[size].riseMB }, "MB")
	}
	line("small photo alone", "", func(m measures) float64 { return m.smallAlone.Seconds() }, "s")
	line("small photo behind three large: wait", "", func(m measures) float64 { return (m.smallBehind - m.smallAlone).Seconds() }, "s")
	fmt.Println("  worst file of each kind (peak RSS over the idle server, MB; status):")
	worst := 0.0
	for i, k := range f.kinds {
		var b string
		if len(all) == 2 {
			b = fmt.Sprintf("before %6.1f (%d)  ", all[0].kinds[i].riseMB, all[0].kinds[i].status)
		}
		a := all[len(all)-1].kinds[i]
		bigger := ""
		if k.bigger != nil {
			bigger = fmt.Sprintf("; 5%% more pixels -> %d", a.biggerRes)
		}
		fmt.Printf("    %-38s %s after %6.1f (%d)%s\n", k.name, b, a.riseMB, a.status, bigger)
		if a.status == 200 {
			worst = max(worst, a.riseMB)
		}
	}
	fmt.Printf("  largest peak RSS over the idle server for an accepted file: %.1f MB (decode budget %d MB)\n", worst, decodeBudgetBytes>>20)
	if len(all) < 2 {
		return
	}
	fmt.Printf("  stored copy, SSIM after against before (target ≥ %.2f); each against a Catmull-Rom scaling of the original:\n", targetSSIM)
	lowest := 1.0
	for i, q := range f.quality {
		before, errB := jpeg.Decode(bytes.NewReader(all[0].stored[i]))
		after, errA := jpeg.Decode(bytes.NewReader(all[1].stored[i]))
		original, errO := jpeg.Decode(bytes.NewReader(q.data))
		if errB != nil || errA != nil || errO != nil || before.Bounds() != after.Bounds() {
			fmt.Printf("    %-38s cannot compare (%v, %v, %v)\n", q.name, errB, errA, errO)
			lowest = 0
			continue
		}
		v := phototest.SSIM(before, after)
		lowest = min(lowest, v)
		ref := image.NewRGBA(after.Bounds())
		draw.CatmullRom.Scale(ref, ref.Rect, original, original.Bounds(), draw.Src, nil)
		fmt.Printf("    %-22s %4dx%-4d  SSIM %.4f   against Catmull-Rom: before %.4f, after %.4f\n", q.name, after.Bounds().Dx(), after.Bounds().Dy(), v, phototest.SSIM(ref, before), phototest.SSIM(ref, after))
	}
	fmt.Printf("  lowest SSIM: %.4f (target ≥ %.2f)\n", lowest, targetSSIM)
}

// makeFiles makes every upload: photo-like JPEGs of 1600 px and of about 10 MB
// at about 10 MB, a large one (the largest baseline JPEG the pixel limit
// allows, under 10 MB), and the worst file of each kind.
func makeFiles() (files, error) {
	var f files
	var err error
	f.small = smallJPEG()
	if f.photo1600, err = texture(1600, 1200, 1, 88); err != nil {
		return f, err
	}
	if f.photo12MP, _, _, err = bigJPEG(10_380_902, 2); err != nil { // 9.9 MB
		return f, err
	}
	if f.large, err = texture(7071, 7071, 3, 60); err != nil {
		return f, err
	}
	f.kinds = worstKinds()
	evalPhotos, err := filepath.Glob("../../eval/testdata/photos/*.jpg")
	if err != nil || len(evalPhotos) == 0 {
		return f, fmt.Errorf("no eval photos: %v", err)
	}
	for _, p := range evalPhotos {
		data, err := os.ReadFile(p)
		if err != nil {
			return f, err
		}
		f.quality = append(f.quality, named{filepath.Base(p), data})
	}
	f.quality = append(f.quality,
		named{"1600 px photo", f.photo1600},
		named{"10 MB original", f.photo12MP},
		named{"zone plate 12 MP", phototest.ZonePlate(4000, 3000, 1024)},
		named{"fabric 12 MP", phototest.Fabric(4000, 3000, 1024)},
	)
	return f, nil
}

// worstKinds are, for each format, depth and layout, the largest flat
// picture the server accepts: the 50-megapixel limit, or the decode budget
// at what that kind costs per pixel (the server's cost model: picture,
// chroma planes, coefficients, pass pictures), less what the two copies
// hold. Each has a twin 5% larger, which must be refused.
func worstKinds() []kind {
	const maxSide = 7071 // 50 megapixels
	const copies = 22_000_000
	side := func(perPixel float64) int {
		return min(maxSide, int(math.Sqrt(float64(decodeBudgetBytes-copies-(256<<10))/perPixel)*0.995))
	}
	grow := func(s int) int { return int(float64(s) * 1.025) }
	type maker func(s int) []byte
	list := []struct {
		name     string
		perPixel float64
		make     maker
	}{
		{"jpeg baseline 4:2:0", 1.5, func(s int) []byte { return phototest.FlatJPEG(s, s, phototest.YCbCr420, false) }},
		{"jpeg grey", 1, func(s int) []byte { return phototest.FlatJPEG(s, s, phototest.Gray, false) }},
		// A JPEG of 3200 px or more decodes at half size (photo's
		// decodeShift): its planes and pictures cost a quarter per pixel,
		// its progressive coefficients do not.
		{"jpeg 4:4:4", 3.0 / 4, func(s int) []byte { return phototest.FlatJPEG(s, s, phototest.YCbCr444, false) }},
		{"jpeg cmyk", 8.0 / 4, func(s int) []byte { return phototest.FlatJPEG(s, s, phototest.CMYK, false) }},
		{"jpeg progressive 4:2:0", 6 + 1.5/4, func(s int) []byte { return phototest.FlatJPEG(s, s, phototest.YCbCr420, true) }},
		{"jpeg progressive 4:4:4", 15, func(s int) []byte { return phototest.FlatJPEG(s, s, phototest.YCbCr444, true) }},
		{"png rgb 8-bit", 4, func(s int) []byte { return phototest.FlatPNG(s, s, phototest.PNGRGB, 8, false) }},
		{"png rgba 16-bit", 8, func(s int) []byte { return phototest.FlatPNG(s, s, phototest.PNGRGBA, 16, false) }},
		{"png palette", 1, func(s int) []byte { return phototest.FlatPNG(s, s, phototest.PNGPalette, 8, false) }},
		{"png interlaced rgb 8-bit", 8, func(s int) []byte { return phototest.FlatPNG(s, s, phototest.PNGRGB, 8, true) }},
		{"png interlaced rgba 16-bit", 16, func(s int) []byte { return phototest.FlatPNG(s, s, phototest.PNGRGBA, 16, true) }},
		{"webp lossless", 8, func(s int) []byte { return phototest.WebP(s, s, phototestGreen) }},
	}
	var kinds []kind
	for _, k := range list {
		s := side(k.perPixel)
		kd := kind{name: k.name, data: k.make(s), w: s, h: s}
		if s < maxSide {
			kd.bigger = k.make(grow(s))
		}
		kinds = append(kinds, kd)
	}
	// The file: under both limits, 400 MB once decoded whole.
	kinds = append(kinds, kind{name: "png rgba 16-bit 7071x7071 (issue 22)", data: phototest.FlatPNG(maxSide, maxSide, phototest.PNGRGBA, 16, false), w: maxSide, h: maxSide})
	return kinds
}

// settle lets the previous phase's garbage go before a measure.
func settle() { time.Sleep(500 * time.Millisecond) }

func resetPeak(pid int) {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// cpuTicks is the process's user and system time in clock ticks.
func cpuTicks(pid int) int {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return utime + stime
}

// generate posts a brief and photos as multipart, streamed, and checks the
// answer.
func generate(url, token string, photos [][]byte) (int, error) {
	status, _, err := post(url, token, photos)
	return status, err
}

// generateBody is generate's answer.
func generateBody(url, token string, photos [][]byte) ([]byte, error) {
	_, body, err := post(url, token, photos)
	return body, err
}

func post(url, token string, photos [][]byte) (int, []byte, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := mw.WriteField("brief", "foto do bolo de hoje")
		for i, p := range photos {
			if err != nil {
				break
			}
			var part io.Writer
			if part, err = mw.CreateFormFile("photos", fmt.Sprintf("IMG_%04d.jpg", i)); err == nil {
				_, err = part.Write(p)
			}
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest("POST", url, pr)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var out struct {
		Posts []struct {
			Photos []string `json:"photos"`
		} `json:"posts"`
	}
	if res.StatusCode != 200 || json.Unmarshal(body, &out) != nil || len(out.Posts) == 0 || len(out.Posts[0].Photos) != len(photos) {
		return res.StatusCode, body, fmt.Errorf("generate: %d %.300s", res.StatusCode, body)
	}
	return res.StatusCode, body, nil
}

func smallJPEG() []byte {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 64, 64)), nil)
	return buf.Bytes()
}

// bigJPEG makes a JPEG of about size bytes that looks like a photo to the
// encoder (smooth gradients with sensor-like noise), so its pixel count is
// what a phone produces for that size, not the few pixels pure noise
// would take.
func bigJPEG(size int, seed uint64) ([]byte, int, int, error) {
	w, h := 4000, 3000
	for range 4 {
		data, err := texture(w, h, seed, 92)
		if err != nil {
			return nil, 0, 0, err
		}
		ratio := float64(len(data)) / float64(size)
		if ratio > 0.97 && ratio <= 1.0 {
			return data, w, h, nil
		}
		scale := 0.99 / math.Sqrt(ratio)
		w, h = int(float64(w)*scale), int(float64(h)*scale)
	}
	data, err := texture(w, h, seed, 92)
	return data, w, h, err
}

func texture(w, h int, seed uint64, quality ...int) ([]byte, error) {
	q := 92
	if len(quality) > 0 {
		q = quality[0]
	}
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(seed, 13))
	for y := range h {
		for x := range w {
			v := 40 + 150*x/w + 40*y/h + rng.IntN(48) - 24
			img.Y[y*img.YStride+x] = uint8(max(0, min(255, v)))
		}
	}
	for y := range (h + 1) / 2 {
		for x := range (w + 1) / 2 {
			img.Cb[y*img.CStride+x] = uint8(100 + 40*x/w + rng.IntN(16))
			img.Cr[y*img.CStride+x] = uint8(140 + 30*y/h + rng.IntN(16))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// status reads a kB field of /proc/PID/status.
func status(pid int, field string) int {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return 0
}

var phototestGreen = color.NRGBA{20, 180, 40, 255}
