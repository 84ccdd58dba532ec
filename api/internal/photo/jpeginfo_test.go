package photo

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"runtime"
	"testing"

	"github.com/rekan/rekan/api/phototest"
)

// The header facts the memory budget and the orientation rest on.
func TestScanJPEG(t *testing.T) {
	jpg := phototest.JPEG(64, 32, phototest.Red, phototest.Blue, 6)
	info := scanJPEG(jpg)
	if info.orientation != 6 || info.progressive || info.rgb || len(info.comps) != 3 || info.comps[0] != (sampling{2, 2}) || info.width != 64 || info.height != 32 {
		t.Errorf("baseline 4:2:0 with orientation 6: %+v", info)
	}
	if got := jpegCost(info, 4000, 3000, 0); got != 18_048_000 {
		t.Errorf("12 MP 4:2:0 estimated at %d bytes", got)
	}
	if got := jpegCost(info, 4000, 3000, 1); got != 18_048_000/4 {
		t.Errorf("12 MP 4:2:0 at half size estimated at %d bytes", got)
	}
	info = scanJPEG(phototest.FlatJPEG(4000, 3000, phototest.YCbCr420, true))
	if !info.progressive || jpegCost(info, 4000, 3000, 0) != 90_240_000 {
		t.Errorf("progressive: %+v, %d bytes", info, jpegCost(info, 4000, 3000, 0))
	}
	if info := scanJPEG(phototest.JPEG(8, 8, phototest.Red, phototest.Blue, 0)); info.orientation != 1 {
		t.Errorf("no orientation read as %d", info.orientation)
	}
	if info := scanJPEG([]byte("not a jpeg")); info.orientation != 1 || info.sof {
		t.Errorf("garbage read as %+v", info)
	}
}

// decodeKinds are one file of each format, depth and layout the server
// accepts, at a size where the decoder's own fixed costs are small.
func decodeKinds(w, h int) map[string][]byte {
	var baseline bytes.Buffer
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	if err := jpegEncode(&baseline, img); err != nil {
		panic(err)
	}
	return map[string][]byte{
		"jpeg baseline 4:2:0":    baseline.Bytes(),
		"jpeg grey":              phototest.FlatJPEG(w, h, phototest.Gray, false),
		"jpeg 4:4:4":             phototest.FlatJPEG(w, h, phototest.YCbCr444, false),
		"jpeg cmyk":              phototest.FlatJPEG(w, h, phototest.CMYK, false),
		"jpeg progressive 4:2:0": phototest.FlatJPEG(w, h, phototest.YCbCr420, true),
		"jpeg progressive 4:4:4": phototest.FlatJPEG(w, h, phototest.YCbCr444, true),
		"jpeg progressive cmyk":  phototest.FlatJPEG(w, h, phototest.CMYK, true),
		"png rgb 8":              phototest.FlatPNG(w, h, phototest.PNGRGB, 8, false),
		"png rgba 16":            phototest.FlatPNG(w, h, phototest.PNGRGBA, 16, false),
		"png grey 16":            phototest.FlatPNG(w, h, phototest.PNGGray, 16, false),
		"png palette":            phototest.FlatPNG(w, h, phototest.PNGPalette, 8, false),
		"png interlaced rgb 8":   phototest.FlatPNG(w, h, phototest.PNGRGB, 8, true),
		"png interlaced rgba 16": phototest.FlatPNG(w, h, phototest.PNGRGBA, 16, true),
		"webp lossless":          phototest.WebP(w, h, color.NRGBA{10, 200, 10, 255}),
	}
}

// The cost read from the header covers what the decoder really allocates,
// for every kind (so the budget holds), without refusing ordinary photos
// for an estimate far above it; JPEGs also at the sizes decoded at 1/2 and
// 1/4 (decodeShift), whose planes shrink and whose coefficients do not.
func TestDecodeCostCoversTheDecoder(t *testing.T) {
	sizes := []struct {
		w, h, shift int
		jpegOnly    bool
	}{{1200, 900, 0, false}, {3300, 2400, 1, true}, {6500, 4000, 2, true}}
	for _, size := range sizes {
		for kind, data := range decodeKinds(size.w, size.h) {
			format := sniff(data)
			if size.jpegOnly && format != "jpeg" {
				continue
			}
			t.Run(fmt.Sprintf("%s %dx%d", kind, size.w, size.h), func(t *testing.T) {
				cfg, err := decodeConfig(format, bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				shift := decodeShift(format, cfg.Width, cfg.Height)
				if shift != size.shift {
					t.Fatalf("decoded at shift %d, want %d", shift, size.shift)
				}
				info := scanJPEG(data)
				cost, err := decodeCost(format, bytes.NewReader(data), data[:32], cfg, info, int64(len(data)), shift)
				if err != nil {
					t.Fatal(err)
				}
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				img, err := decode(format, bufio.NewReaderSize(bytes.NewReader(data), 64<<10), shift)
				runtime.ReadMemStats(&after)
				if err != nil {
					t.Fatal(err)
				}
				if w, h := (size.w+1<<shift-1)>>shift, (size.h+1<<shift-1)>>shift; img.Bounds().Dx() != w || img.Bounds().Dy() != h {
					t.Fatalf("decoded %v, want %dx%d", img.Bounds(), w, h)
				}
				allocated := int64(after.TotalAlloc - before.TotalAlloc)
				if allocated > cost {
					t.Errorf("decoding allocated %d bytes, the header's cost says %d", allocated, cost)
				}
				if cost > 2*allocated+decoderStateBytes {
					t.Errorf("cost %d is far above the %d bytes decoding allocated", cost, allocated)
				}
				t.Logf("cost %.1f MB, allocated %.1f MB", float64(cost)/1e6, float64(allocated)/1e6)
			})
		}
	}
}

func jpegEncode(b *bytes.Buffer, img image.Image) error {
	return jpeg.Encode(b, img, &jpeg.Options{Quality: Quality})
}

// readRow's fast paths give what At gives (composed over white), for every
// picture type the decoders return.
func TestReadRowMatchesAt(t *testing.T) {
	rng := func(i int) uint8 { return uint8(i*7919 + i/3) }
	const w, h = 7, 3
	pics := map[string]image.Image{}
	gray16 := image.NewGray16(image.Rect(0, 0, w, h))
	rgba64 := image.NewRGBA64(image.Rect(0, 0, w, h))
	nrgba64 := image.NewNRGBA64(image.Rect(0, 0, w, h))
	cmyk := image.NewCMYK(image.Rect(0, 0, w, h))
	for i := range gray16.Pix {
		gray16.Pix[i] = rng(i)
	}
	for i := range nrgba64.Pix {
		nrgba64.Pix[i] = rng(i)
	}
	for i := range cmyk.Pix {
		cmyk.Pix[i] = rng(i)
	}
	for y := range h {
		for x := range w {
			rgba64.Set(x, y, nrgba64.At(x, y)) // premultiplied, so valid
		}
	}
	pics["gray16"], pics["rgba64"], pics["nrgba64"], pics["cmyk"] = gray16, rgba64, nrgba64, cmyk
	for name, img := range pics {
		fast := make([]uint8, 3*w)
		for y := range h {
			readRow(img, y, fast)
			for x := range w {
				r, g, b, a := img.At(x, y).RGBA()
				white := 0xffff - a
				want := [3]uint8{uint8((r + white) >> 8), uint8((g + white) >> 8), uint8((b + white) >> 8)}
				for c := range 3 {
					if d := int(fast[3*x+c]) - int(want[c]); d > 1 || d < -1 {
						t.Fatalf("%s at %d,%d: %v, At gives %v", name, x, y, fast[3*x:3*x+3], want)
					}
				}
			}
		}
	}
}

// divider.round is (x+n/2)/n for the sums the scalers make: up to 255·n,
// n up to 50 megapixels.
func TestDividerRounds(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 7, 1024, 1600 * 1200, 2529 * 1897, 4000*3000 + 1, 7071 * 7071} {
		d := newDivider(n)
		for _, x := range []uint64{0, 1, n/2 - 1, n / 2, n/2 + 1, n - 1, n, 3*n/2 - 1, 3 * n / 2, 127*n + n/2, 255*n - 1, 255 * n} {
			if got, want := d.round(x), (x+n/2)/n; got != want {
				t.Fatalf("n %d, x %d: %d, want %d", n, x, got, want)
			}
		}
		for x := uint64(0); x <= 255*n; x += n/97 + 1 {
			if got, want := d.round(x), (x+n/2)/n; got != want {
				t.Fatalf("n %d, x %d: %d, want %d", n, x, got, want)
			}
		}
	}
}

// scalePlane's gathered sums are the scattered ones scale makes: the same
// plane as scaling a grey picture through the RGB path.
func TestScalePlaneMatchesScale(t *testing.T) {
	for _, size := range [][4]int{{1600, 1200, 1024, 768}, {2529, 1897, 1600, 1200}, {7, 5, 3, 2}, {100, 100, 100, 100}, {1001, 30, 1000, 30}} {
		sw, sh, dw, dh := size[0], size[1], size[2], size[3]
		gray := image.NewGray(image.Rect(0, 0, sw, sh))
		for i := range gray.Pix {
			gray.Pix[i] = uint8(i*7919 + i/sw*31)
		}
		plane := make([]uint8, dw*dh)
		scalePlane(gray.Pix, gray.Stride, sw, sh, plane, dw, dw, dh)
		want := scale(gray, max(dw, dh))
		if want.Rect.Dx() != dw || want.Rect.Dy() != dh {
			t.Fatalf("%v: scale gives %v", size, want.Rect)
		}
		for y := range dh {
			for x := range dw {
				if got, w := plane[y*dw+x], want.Pix[y*want.Stride+4*x]; got != w {
					t.Fatalf("%v at %d,%d: %d, scale gives %d", size, x, y, got, w)
				}
			}
		}
	}
}
