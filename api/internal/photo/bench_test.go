package photo

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// photoLike is a JPEG that compresses like a photo (gradients and grain).
func photoLike(w, h int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(1, 13))
	for y := range h {
		for x := range w {
			img.Y[y*img.YStride+x] = uint8(max(0, min(255, 40+150*x/w+40*y/h+rng.IntN(48)-24)))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(100+rng.IntN(16)), uint8(140+rng.IntN(16))
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92})
	return buf.Bytes()
}

// benchmarkProcess reports CPU time per photo besides wall time: the
// machine is shared, and CPU is what a photo costs the server.
func benchmarkProcess(b *testing.B, data []byte) {
	start := cpuTime()
	for b.Loop() {
		if _, err := Process(b.Context(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkProcess1600(b *testing.B) { benchmarkProcess(b, photoLike(1600, 1200)) }
func BenchmarkProcess12MP(b *testing.B) { benchmarkProcess(b, photoLike(4000, 3000)) }
