// Command bench-requests measures what one generation request stores and
// what a retry costs the server (issue 18), on two builds of the server:
// "before" (each post kept its own copies of the photos, a retry decoded
// them again) and "after" (a request stores each photo and its model copy
// once; the model's copies live in memory for the generation and a retry
// reads their PocketBase thumbs, made by the first retry). For one request
// of 3 posts with 4 browser-sized photos (1600 px JPEGs, as the web app
// sends them) it prints the files and bytes written to storage, then after
// a first retry of a post with those photos, the server's CPU time for that
// retry and per later retry, and the ratios.
//
//	go run . -before /tmp/api-before -after ../../bin/api -fakellm ../../bin/fakellm
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
	"io/fs"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rekan/rekan/eval/stack"
	"github.com/rekan/rekan/eval/stack/durability"
)

const (
	photos  = 4
	posts   = 3
	retries = 5
)

type result struct {
	files, bytes int
	// retriedFiles and retriedBytes are stored after the first retry of
	// one post (which makes the model copies it reads, when it does).
	retriedFiles, retriedBytes int
	cpuFirstRetry, cpuPerRetry time.Duration
}

func main() {
	before := flag.String("before", "", "the server binary before requests were records")
	after := flag.String("after", "../../bin/api", "the server binary to measure")
	fakeBin := flag.String("fakellm", "../../bin/fakellm", "the fakellm binary")
	flag.Parse()
	if err := run(*before, *after, *fakeBin); err != nil {
		fmt.Fprintln(os.Stderr, "bench-requests:", err)
		os.Exit(1)
	}
}

func run(beforeBin, afterBin, fakeBin string) error {
	jpegs := make([][]byte, photos)
	for i := range jpegs {
		jpegs[i] = browserPhoto(uint64(i))
	}
	fmt.Printf("one request, %d posts, %d photos of 1600x1200 (%.0f KB each, as the web app scales them)\n", posts, photos, float64(len(jpegs[0]))/1024)
	fake, err := stack.StartFakeProcess(context.Background(), fakeBin)
	if err != nil {
		return err
	}
	defer fake.Stop()

	var results [2]result
	for i, bin := range []string{beforeBin, afterBin} {
		if bin == "" {
			continue
		}
		abs, err := filepath.Abs(bin)
		if err != nil {
			return err
		}
		if results[i], err = measure(abs, fake.URL, jpegs); err != nil {
			return fmt.Errorf("%s: %w", bin, err)
		}
	}
	b, a := results[0], results[1]
	fmt.Printf("                       before        after   ratio\n")
	fmt.Printf("  files stored     %10d   %10d   %5.2f\n", b.files, a.files, ratio(a.files, b.files))
	fmt.Printf("  bytes stored     %10d   %10d   %5.2f   target ≤ 0.34\n", b.bytes, a.bytes, ratio(a.bytes, b.bytes))
	fmt.Printf("  after a retry:\n")
	fmt.Printf("  files stored     %10d   %10d   %5.2f\n", b.retriedFiles, a.retriedFiles, ratio(a.retriedFiles, b.retriedFiles))
	fmt.Printf("  bytes stored     %10d   %10d   %5.2f\n", b.retriedBytes, a.retriedBytes, ratio(a.retriedBytes, b.retriedBytes))
	fmt.Printf("  CPU first retry  %9.1fms   %8.1fms   %5.2f   (makes the model copies once)\n",
		ms(b.cpuFirstRetry), ms(a.cpuFirstRetry), ratio(int(a.cpuFirstRetry), int(b.cpuFirstRetry)))
	fmt.Printf("  CPU per retry    %9.1fms   %8.1fms   %5.2f   target: no decode\n",
		ms(b.cpuPerRetry), ms(a.cpuPerRetry), ratio(int(a.cpuPerRetry), int(b.cpuPerRetry)))
	return nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// measure runs one server: one generation, then retries of one post.
func measure(binary, fakeURL string, jpegs [][]byte) (result, error) {
	work, err := os.MkdirTemp("", "rekan-bench-requests-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(work)
	data := filepath.Join(work, "pb_data")
	env := stack.Env(append(stack.FakeEnv(fakeURL), "REKAN_BAML_CLI="+os.Getenv("REKAN_BAML_CLI"))...)
	if err := durability.Prepare(binary, data, env); err != nil {
		return result{}, err
	}
	ctx := context.Background()
	server, err := stack.StartServer(ctx, stack.ServerConfig{Binary: binary, DataDir: data, Env: env, Ready: stack.Healthy})
	if err != nil {
		return result{}, err
	}
	defer server.Stop(stack.StopGrace)
	root, _, err := stack.Login(ctx, server.Base, "_superusers", durability.SuperuserEmail, durability.Password)
	if err != nil {
		return result{}, err
	}
	if _, err := root.Do(ctx, "PATCH", "/api/settings", map[string]any{"rateLimits": map[string]any{"excludedIPs": []string{"127.0.0.1"}}}, nil); err != nil {
		return result{}, err
	}
	op, owner, err := stack.Login(ctx, server.Base, "users", durability.OperatorEmail, durability.Password)
	if err != nil {
		return result{}, err
	}
	var biz struct {
		ID string `json:"id"`
	}
	if _, err := op.Do(ctx, "POST", "/api/collections/businesses/records", durability.Business(owner, "Confeitaria da Lu"), &biz); err != nil {
		return result{}, err
	}
	storage := filepath.Join(data, "storage")
	filesBefore, bytesBefore := stored(storage)
	ids, err := generate(server.Base+"/api/rekan/businesses/"+biz.ID+"/posts:generate", op.Token, jpegs)
	if err != nil {
		return result{}, err
	}
	files, size := stored(storage)
	r := result{files: files - filesBefore, bytes: size - bytesBefore}

	retry := func() error {
		status, err := op.Do(ctx, "POST", "/api/rekan/posts/"+ids[0]+":retry", nil, nil)
		if err == nil && status != 200 {
			err = fmt.Errorf("retry: %d", status)
		}
		return err
	}
	// The first retry on its own: it makes what the next ones read (and
	// whatever else a first call initialises).
	start := cpu(server.Pid())
	if err := retry(); err != nil {
		return result{}, err
	}
	r.cpuFirstRetry = cpu(server.Pid()) - start
	files, size = stored(storage)
	r.retriedFiles, r.retriedBytes = files-filesBefore, size-bytesBefore
	start = cpu(server.Pid())
	for range retries {
		if err := retry(); err != nil {
			return result{}, err
		}
	}
	r.cpuPerRetry = (cpu(server.Pid()) - start) / retries
	return r, nil
}

// stored counts the uploaded files and their bytes (sidecars left out).
func stored(root string) (files, size int) {
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".attrs") {
			return nil
		}
		if info, err := d.Info(); err == nil {
			files++
			size += int(info.Size())
		}
		return nil
	})
	return files, size
}

// cpu is the process's user+system CPU time (not its children's: the BAML
// runtime is another process).
func cpu(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

func generate(url, token string, photos [][]byte) ([]string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("brief", "bolo de casamento de três andares")
	_ = mw.WriteField("count", strconv.Itoa(posts))
	for i, p := range photos {
		part, err := mw.CreateFormFile("photos", fmt.Sprintf("foto-%d.jpg", i+1))
		if err != nil {
			return nil, err
		}
		_, _ = part.Write(p)
	}
	_ = mw.Close()
	req, err := http.NewRequest("POST", url, &body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out struct {
		Posts []struct {
			ID string `json:"id"`
		} `json:"posts"`
	}
	if res.StatusCode != 200 || json.Unmarshal(raw, &out) != nil || len(out.Posts) != posts {
		return nil, fmt.Errorf("generate: %d %.300s", res.StatusCode, raw)
	}
	ids := make([]string, len(out.Posts))
	for i, p := range out.Posts {
		ids[i] = p.ID
	}
	return ids, nil
}

// browserPhoto is a 1600x1200 JPEG that compresses like a photo (smooth
// gradients with noise), as the web app uploads after scaling.
func browserPhoto(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := range 1200 {
		for x := range 1600 {
			n := uint8(rng.IntN(24))
			img.Set(x, y, color.RGBA{uint8(x/8) + n, uint8(y/6) + n, uint8((x+y)/12) + n, 255})
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	return buf.Bytes()
}
