package fastjpeg

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"testing"
)

// The encoder writes exactly image/jpeg's bytes, for every picture type
// and quality: noise (dense in 0xff bytes to stuff), odd sizes (partial
// blocks at the edges), sub-images off the origin.
func TestEncodeMatchesImageJPEG(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	ycc := image.NewYCbCr(image.Rect(0, 0, 203, 117), image.YCbCrSubsampleRatio420)
	ycc444 := image.NewYCbCr(image.Rect(0, 0, 67, 45), image.YCbCrSubsampleRatio444)
	rgba := image.NewRGBA(image.Rect(0, 0, 101, 77))
	nrgba := image.NewNRGBA(image.Rect(0, 0, 45, 39))
	gray := image.NewGray(image.Rect(0, 0, 99, 65))
	for _, pix := range [][]uint8{ycc.Y, ycc.Cb, ycc.Cr, ycc444.Y, ycc444.Cb, ycc444.Cr, rgba.Pix, nrgba.Pix, gray.Pix} {
		for i := range pix {
			pix[i] = uint8(rng.IntN(256))
		}
	}
	smooth := image.NewYCbCr(image.Rect(0, 0, 160, 96), image.YCbCrSubsampleRatio420)
	for y := range 96 {
		for x := range 160 {
			smooth.Y[y*smooth.YStride+x] = uint8(x + y)
		}
	}
	for i := range smooth.Cb {
		smooth.Cb[i], smooth.Cr[i] = 100, 150
	}
	pics := map[string]image.Image{
		"ycbcr 4:2:0":     ycc,
		"ycbcr 4:2:0 sub": ycc.SubImage(image.Rect(13, 7, 190, 100)),
		"ycbcr 4:4:4":     ycc444,
		"rgba":            rgba,
		"rgba sub":        rgba.SubImage(image.Rect(3, 5, 90, 70)),
		"nrgba":           nrgba,
		"gray":            gray,
		"gray sub":        gray.SubImage(image.Rect(1, 2, 97, 60)),
		"smooth":          smooth,
		"uniform":         image.NewUniform(color.RGBA{200, 30, 90, 255}),
	}
	for name, img := range pics {
		if u, ok := img.(*image.Uniform); ok {
			m := image.NewRGBA(image.Rect(0, 0, 33, 17))
			for i := 0; i < len(m.Pix); i += 4 {
				r, g, b, a := u.C.RGBA()
				m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = uint8(r>>8), uint8(g>>8), uint8(b>>8), uint8(a>>8)
			}
			img = m
		}
		for _, q := range []int{1, 50, 85, 100} {
			var want, got bytes.Buffer
			if err := jpeg.Encode(&want, img, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			if err := Encode(&got, img, &Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s at quality %d: %d bytes, image/jpeg's %d, not the same", name, q, got.Len(), want.Len())
			}
		}
	}
}

// divBy is div for every divisor a quantizer makes and every value an
// fdct gives (and more).
func TestDivByIsDiv(t *testing.T) {
	for d := int32(8); d <= 8*255; d += 8 {
		r := reciprocal(d)
		for _, a := range []int32{0, 1, -1, d / 2, d/2 - 1, -d / 2, d, -d, 1<<18 - 1, -(1<<18 - 1), 1<<23 - d, -(1<<23 - d)} {
			if got, want := divBy(a, d, r), div(a, d); got != want {
				t.Fatalf("divBy(%d, %d) = %d, div = %d", a, d, got, want)
			}
		}
		for a := int32(-1 << 18); a < 1<<18; a += 97 {
			if got, want := divBy(a, d, r), div(a, d); got != want {
				t.Fatalf("divBy(%d, %d) = %d, div = %d", a, d, got, want)
			}
		}
	}
}
