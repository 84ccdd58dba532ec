package photo

import (
	"bytes"
	"image"
	"image/color"
	"testing"

	"github.com/rekan/rekan/api/internal/photo/phototest"
)

// The header facts the memory budget and the orientation rest on.
func TestScanJPEG(t *testing.T) {
	jpg := phototest.JPEG(64, 32, phototest.Red, phototest.Blue, 6)
	info := scanJPEG(jpg)
	if info.orientation != 6 || info.chromaDivisor != 4 || info.progressive {
		t.Errorf("baseline 4:2:0 with orientation 6: %+v", info)
	}
	cfg := image.Config{ColorModel: color.YCbCrModel, Width: 4000, Height: 3000}
	if got := decodedBytes("jpeg", cfg, info); got != 18_000_000 {
		t.Errorf("12 MP 4:2:0 estimated at %d bytes", got)
	}

	// The same header marked progressive (SOF2): the decoder also keeps
	// the coefficients.
	sof := bytes.Index(jpg, []byte{0xff, 0xc0})
	progressive := bytes.Clone(jpg)
	progressive[sof+1] = 0xc2
	info = scanJPEG(progressive)
	if !info.progressive || decodedBytes("jpeg", cfg, info) != 54_000_000 {
		t.Errorf("progressive: %+v, %d bytes", info, decodedBytes("jpeg", cfg, info))
	}

	if info := scanJPEG(phototest.JPEG(8, 8, phototest.Red, phototest.Blue, 0)); info.orientation != 1 {
		t.Errorf("no orientation read as %d", info.orientation)
	}
	if info := scanJPEG([]byte("not a jpeg")); info.orientation != 1 || info.chromaDivisor != 0 {
		t.Errorf("garbage read as %+v", info)
	}
}
