package fastjpeg

import (
	"bytes"
	"image/jpeg"
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
