package fastjpeg

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// corpus is every JPEG the tests compare with image/jpeg: image/jpeg's own
// test files (every subsampling, progressive, restart intervals, CMYK, RGB,
// grey, truncated), the eval's photos, and noisy pictures whose entropy-coded
// data is dense in 0xff bytes (byte stuffing at buffer boundaries).
func corpus(t testing.TB) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	paths, _ := filepath.Glob("testdata/*.jpeg")
	more, _ := filepath.Glob("../../../../eval/testdata/photos/*.jpg")
	paths = append(paths, more...)
	if len(paths) < 20 {
		t.Fatalf("test files missing: %v", paths)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = data
	}
	for _, q := range []int{50, 92, 100} {
		files["noise q"+string(rune('0'+q/10))] = noise(333, 251, q)
	}
	return files
}

func noise(w, h, quality int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(3, uint64(quality)))
	for i := range img.Y {
		img.Y[i] = uint8(rng.IntN(256))
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(rng.IntN(256)), uint8(rng.IntN(256))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// At full scale the fork decodes exactly what image/jpeg decodes, and fails
// where it fails.
func TestDecodeMatchesImageJPEG(t *testing.T) {
	for name, data := range corpus(t) {
		want, wantErr := jpeg.Decode(bytes.NewReader(data))
		got, err := Decode(bytes.NewReader(data))
		if (err == nil) != (wantErr == nil) {
			t.Errorf("%s: error %v, image/jpeg's %v", name, err, wantErr)
			continue
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: pixels differ from image/jpeg's", name)
		}
	}
}

// planes are a decoded picture's planes with their strides and sizes.
func planes(img image.Image) (p [][]uint8, stride, w, h []int) {
	switch m := img.(type) {
	case *image.YCbCr:
		ch := len(m.Cb) / m.CStride
		return [][]uint8{m.Y, m.Cb, m.Cr}, []int{m.YStride, m.CStride, m.CStride}, []int{m.YStride, m.CStride, m.CStride}, []int{len(m.Y) / m.YStride, ch, ch}
	case *image.Gray:
		return [][]uint8{m.Pix}, []int{m.Stride}, []int{m.Stride}, []int{len(m.Pix) / m.Stride}
	}
	return nil, nil, nil, nil
}

// Decoded at 1/2, 1/4 and 1/8, each plane is close to the full decode's
// averaged over 2×2, 4×4 and 8×8 pixels: within half a level on average at
// 1/8 (the DC coefficient is the block's mean; only pixels the full decode
// clips differ), within a few at 1/2 and 1/4, whose reduced transform keeps
// detail the averaging blurs (on noise it keeps much more: not compared).
func TestDecodeScaledAveragesTheFullDecode(t *testing.T) {
	for name, data := range corpus(t) {
		full, err := Decode(bytes.NewReader(data))
		if err != nil {
			continue // the truncated file
		}
		fp, fstride, _, _ := planes(full)
		for shift := 1; shift <= 3; shift++ {
			got, err := DecodeScaled(bytes.NewReader(data), shift)
			if err != nil {
				t.Errorf("%s at 1/%d: %v", name, 1<<shift, err)
				continue
			}
			fb := full.Bounds()
			if want := image.Rect(0, 0, ScaledSize(fb.Dx(), shift), ScaledSize(fb.Dy(), shift)); got.Bounds() != want {
				t.Errorf("%s at 1/%d: %v, want %v", name, 1<<shift, got.Bounds(), want)
				continue
			}
			gp, gstride, gw, gh := planes(got)
			if gp == nil || fp == nil || reflect.TypeOf(got) != reflect.TypeOf(full) {
				continue // CMYK and RGB pictures: size checked above
			}
			n := 1 << shift
			var worst, total, count int
			for k := range gp {
				for y := range gh[k] {
					for x := range gw[k] {
						sum := 0
						for j := range n {
							for i := range n {
								sum += int(fp[k][(y*n+j)*fstride[k]+x*n+i])
							}
						}
						d := int(gp[k][y*gstride[k]+x]) - (sum+n*n/2)/(n*n)
						d = max(d, -d)
						worst, total, count = max(worst, d), total+d, count+1
					}
				}
			}
			mean := float64(total) / float64(count)
			t.Logf("%s at 1/%d: from the averaged full decode by %.3f on average (at most %d)", name, n, mean, worst)
			if (shift == 3 && mean > 0.5) || (shift < 3 && mean > 3.5 && !strings.HasPrefix(name, "noise")) {
				t.Errorf("%s at 1/%d: differs from the averaged full decode by up to %d (mean %.3f)", name, n, worst, mean)
			}
		}
	}
}

// A block with only a DC coefficient is written without the inverse DCT:
// the same value idct gives, over the range the shortcut takes.
func TestFlatBlockIsIDCT(t *testing.T) {
	for dc := int32(-1<<13 + 1); dc < 1<<13; dc++ {
		var b block
		b[0] = dc
		idct(&b)
		if want := (dc + 4) >> 3; b[0] != want || b[63] != want {
			t.Fatalf("DC %d: idct gives %d and %d, the shortcut %d", dc, b[0], b[63], want)
		}
	}
}

// Corrupt files (bytes flipped in the entropy-coded data and the headers,
// some truncated)
// never panic at any scale, and at full scale decode exactly as image/jpeg
// does, or fail where it fails: the fast paths fall back to image/jpeg's
// near markers and on bad codes.
func TestCorruptFilesMatchImageJPEG(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for name, data := range corpus(t) {
		for k := range 50 {
			bad := bytes.Clone(data)
			if k%5 == 0 {
				bad = bad[:rng.IntN(len(bad))] // truncated
			}
			for range 1 + rng.IntN(4) {
				if len(bad) == 0 {
					break
				}
				i := rng.IntN(len(bad))
				bad[i] ^= uint8(1 + rng.IntN(255))
			}
			want, wantErr := jpeg.Decode(bytes.NewReader(bad))
			got, err := Decode(bytes.NewReader(bad))
			if (err == nil) != (wantErr == nil) {
				t.Fatalf("%s corrupted: error %v, image/jpeg's %v", name, err, wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("%s corrupted: pixels differ from image/jpeg's", name)
			}
			for shift := 1; shift <= 3; shift++ {
				_, _ = DecodeScaled(bytes.NewReader(bad), shift)
			}
		}
	}
}
