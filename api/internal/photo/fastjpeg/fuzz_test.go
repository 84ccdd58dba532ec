package fastjpeg

import (
	"bytes"
	"image/jpeg"
	"reflect"
	"testing"
)

// FuzzDecode holds the fork to image/jpeg on any input: uploads are
// attacker-chosen bytes, and a tuned entropy decoder is where a crafted file
// finds a panic or an out-of-bounds read (it found one: an oversubscribed
// Huffman table). At full scale the fork fails where image/jpeg fails and
// decodes the same pixels where it succeeds; scaled decodes must not panic.
// `go test` runs the seeds and testdata/fuzz; search further with
// `go test -run '^$' -fuzz FuzzDecode -fuzztime 2m ./internal/photo/fastjpeg/`.
func FuzzDecode(f *testing.F) {
	for _, data := range corpus(f) {
		// The multi-megabyte photos make each mutation slow without
		// reaching code the small files do not.
		if len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width*cfg.Height > 1<<20 {
			// Large frames only cost the fuzzer memory; the photo
			// package refuses them from the header before decoding.
			return
		}
		want, wantErr := jpeg.Decode(bytes.NewReader(data))
		got, err := Decode(bytes.NewReader(data))
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("error %v, image/jpeg's %v", err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatal("pixels differ from image/jpeg's")
		}
		for shift := 1; shift <= 3; shift++ {
			_, _ = DecodeScaled(bytes.NewReader(data), shift)
		}
	})
}
