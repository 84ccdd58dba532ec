package fastjpeg

import (
	"bytes"
	"image/jpeg"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/rekan/rekan/api/phototest"
)

func BenchmarkDecode(b *testing.B) {
	data := phototest.PhotoLike(4000, 3000, 92)
	b.Run("image-jpeg", func(b *testing.B) {
		start := cpuTime()
		for b.Loop() {
			jpeg.Decode(bytes.NewReader(data))
		}
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
	})
	for shift := range 4 {
		b.Run("fastjpeg-1/"+string(rune('0'+1<<shift)), func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				DecodeScaled(bytes.NewReader(data), shift)
			}
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

// cpuTime is the process's CPU time: the machine is shared, and CPU is
// what a decode costs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkEncode(b *testing.B) {
	img, err := jpeg.Decode(bytes.NewReader(phototest.PhotoLike(1600, 1200, 88)))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("image-jpeg", func(b *testing.B) {
		start := cpuTime()
		for b.Loop() {
			jpeg.Encode(io.Discard, img, &jpeg.Options{Quality: 85})
		}
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
	})
	b.Run("fastjpeg", func(b *testing.B) {
		start := cpuTime()
		for b.Loop() {
			Encode(io.Discard, img, &Options{Quality: 85})
		}
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
	})
}
