package photo

import (
	"bytes"
	"syscall"
	"testing"
	"time"

	"github.com/rekan/rekan/api/phototest"
)

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

func BenchmarkProcess1600(b *testing.B) { benchmarkProcess(b, phototest.PhotoLike(1600, 1200, 92)) }
func BenchmarkProcess12MP(b *testing.B) { benchmarkProcess(b, phototest.PhotoLike(4000, 3000, 92)) }
