// Command bench-photos measures what photo uploads cost the server in
// memory (issue 13): concurrent posts:generate requests, each with four
// valid JPEGs of about 10 MB, against the real binary with its BAML runtime
// and fakellm as the provider. It prints the server's resident memory
// before, its peak during the run (the kernel's high-water mark, VmHWM,
// reset before the run), the rise and its ratio to the target.
//
//	go run . -api ../../bin/api -fakellm ../../bin/fakellm
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

	"github.com/rekan/rekan/eval/stack"
)

const targetRiseMB = 150

func main() {
	apiBin := flag.String("api", "../../bin/api", "the server binary")
	fakeBin := flag.String("fakellm", "../../bin/fakellm", "the fakellm binary")
	concurrency := flag.Int("c", 8, "concurrent generations")
	photos := flag.Int("photos", 4, "photos per generation")
	sizeMB := flag.Float64("size", 9.9, "size of each photo, MB (the limit is 10)")
	flag.Parse()
	binary, err := filepath.Abs(*apiBin)
	if err == nil {
		err = run(binary, *fakeBin, *concurrency, *photos, int(*sizeMB*(1<<20)))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-photos:", err)
		os.Exit(1)
	}
}

func run(binary, fakeBin string, concurrency, perRequest, size int) error {
	work, err := os.MkdirTemp("", "rekan-bench-photos-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	fmt.Printf("making %d JPEGs of about %.1f MB (photo-like texture, 4:2:0)...\n", perRequest, float64(size)/(1<<20))
	jpegs := make([][]byte, perRequest)
	var dims []string
	for i := range jpegs {
		data, w, h, err := bigJPEG(size, uint64(i))
		if err != nil {
			return err
		}
		jpegs[i] = data
		dims = append(dims, fmt.Sprintf("%dx%d %.2f MB", w, h, float64(len(data))/(1<<20)))
	}
	fmt.Printf("  %s\n", strings.Join(dims, ", "))

	superuser := stack.NewAccount("root")
	st, err := stack.Start(context.Background(), stack.Config{
		API: binary, BAMLCLI: os.Getenv("REKAN_BAML_CLI"), FakeBinary: fakeBin, Dir: work,
		Operators: []stack.Account{stack.NewAccount("op")}, Superuser: &superuser,
	})
	if err != nil {
		return err
	}
	defer st.Stop()
	server := st.Server
	root, err := st.Root(context.Background())
	if err != nil {
		return err
	}
	ctx := context.Background()
	// The installed limit (10 generation requests a minute per IP) would
	// otherwise be what gets measured.
	if _, err := root.Do(ctx, "PATCH", "/api/settings", map[string]any{"rateLimits": map[string]any{"excludedIPs": []string{"127.0.0.1"}}}, nil); err != nil {
		return err
	}
	op, owner, err := st.Operator(ctx, 0)
	if err != nil {
		return err
	}
	var biz struct {
		ID string `json:"id"`
	}
	if _, err := op.Do(ctx, "POST", "/api/collections/businesses/records", map[string]string{"owner": owner, "name": "Confeitaria da Lu", "segment": "confeitaria", "city": "Fortaleza", "state": "CE"}, &biz); err != nil {
		return err
	}
	url := server.Base + "/api/rekan/businesses/" + biz.ID + "/posts:generate"

	// One small generation first: what the first request initialises
	// (connections, caches, the runtime's client) is not the photos' cost.
	if _, err := generate(url, op.Token, [][]byte{smallJPEG()}); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	time.Sleep(500 * time.Millisecond)
	pid := server.Pid()
	before := status(pid, "VmRSS")
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		return fmt.Errorf("reset the high-water mark: %w", err)
	}

	fmt.Printf("%d concurrent posts:generate, %d photos each (%.0f MB uploaded in all)\n",
		concurrency, perRequest, float64(concurrency*perRequest*size)/(1<<20))
	start := time.Now()
	var wg sync.WaitGroup
	latencies := make([]time.Duration, concurrency)
	errs := make([]error, concurrency)
	for i := range concurrency {
		wg.Go(func() {
			t := time.Now()
			_, errs[i] = generate(url, op.Token, jpegs)
			latencies[i] = time.Since(t)
		})
	}
	wg.Wait()
	wall := time.Since(start)
	peak := status(pid, "VmHWM")
	after := status(pid, "VmRSS")
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	slices.Sort(latencies)
	rise := float64(peak-before) / 1024
	fmt.Printf("  server RSS before %6.1f MB, peak %6.1f MB, after %6.1f MB\n", float64(before)/1024, float64(peak)/1024, float64(after)/1024)
	fmt.Printf("  peak RSS rise     %6.1f MB   target ≤ %d MB   ratio %.2f\n", rise, targetRiseMB, rise/targetRiseMB)
	fmt.Printf("  wall %.1fs (%.2f photos/s decoded, stored and sent), request latency min %.1fs max %.1fs\n",
		wall.Seconds(), float64(concurrency*perRequest)/wall.Seconds(), latencies[0].Seconds(), latencies[len(latencies)-1].Seconds())
	return nil
}

// generate posts a brief and photos as multipart, streamed, and checks the
// answer.
func generate(url, token string, photos [][]byte) (int, error) {
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
		return 0, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var out struct {
		Posts []struct {
			Photos []string `json:"photos"`
		} `json:"posts"`
	}
	if res.StatusCode != 200 || json.Unmarshal(body, &out) != nil || len(out.Posts) == 0 || len(out.Posts[0].Photos) != len(photos) {
		return res.StatusCode, fmt.Errorf("generate: %d %.300s", res.StatusCode, body)
	}
	return res.StatusCode, nil
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
		data, err := texture(w, h, seed)
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
	data, err := texture(w, h, seed)
	return data, w, h, err
}

func texture(w, h int, seed uint64) ([]byte, error) {
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
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
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
