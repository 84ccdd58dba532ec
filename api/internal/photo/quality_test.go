package photo

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/draw"
)

// ssim is the mean structural similarity of two pictures' luma, over 8×8
// windows every 4 pixels (Wang et al. 2004, with their constants). 1 is
// identical; below about 0.95 a viewer sees the difference.
func ssim(a, b image.Image) float64 {
	la, lb := luma(a), luma(b)
	w, h := a.Bounds().Dx(), a.Bounds().Dy()
	const c1, c2 = (0.01 * 255) * (0.01 * 255), (0.03 * 255) * (0.03 * 255)
	var sum float64
	var n int
	for y := 0; y+8 <= h; y += 4 {
		for x := 0; x+8 <= w; x += 4 {
			var ma, mb, va, vb, cov float64
			for j := range 8 {
				for i := range 8 {
					ma += la[(y+j)*w+x+i]
					mb += lb[(y+j)*w+x+i]
				}
			}
			ma, mb = ma/64, mb/64
			for j := range 8 {
				for i := range 8 {
					da, db := la[(y+j)*w+x+i]-ma, lb[(y+j)*w+x+i]-mb
					va += da * da
					vb += db * db
					cov += da * db
				}
			}
			va, vb, cov = va/63, vb/63, cov/63
			sum += ((2*ma*mb + c1) * (2*cov + c2)) / ((ma*ma + mb*mb + c1) * (va + vb + c2))
			n++
		}
	}
	return sum / float64(n)
}

func luma(img image.Image) []float64 {
	b := img.Bounds()
	out := make([]float64, b.Dx()*b.Dy())
	if m, ok := img.(*image.YCbCr); ok {
		for y := range b.Dy() {
			for x := range b.Dx() {
				out[y*b.Dx()+x] = float64(m.Y[m.YOffset(b.Min.X+x, b.Min.Y+y)])
			}
		}
		return out
	}
	for y := range b.Dy() {
		for x := range b.Dx() {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			out[y*b.Dx()+x] = (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
		}
	}
	return out
}

// todays is what Process returned before the model's copy was made from
// the stored one: both copies box-scaled from the decoded original.
func todays(t *testing.T, data []byte) (stored, model image.Image) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	s, m := todaysScaleBoth(img, StoreEdge, ModelEdge)
	return decodeBytes(t, mustEncode(t, s)), decodeBytes(t, mustEncode(t, m))
}

// befores is what Process returned before JPEGs were decoded scaled
// (fastjpeg): image/jpeg's full-size decode, area averaged to each copy,
// encoded by image/jpeg.
func befores(t *testing.T, data []byte) (stored, model image.Image) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	s := img
	if !fits(s, StoreEdge) {
		s = scaleUpright(img, StoreEdge, 1)
	}
	m := s
	if !fits(m, ModelEdge) {
		m = scaleUpright(s, ModelEdge, 1)
	}
	enc := func(img image.Image) image.Image {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: Quality}); err != nil {
			t.Fatal(err)
		}
		return decodeBytes(t, buf.Bytes())
	}
	return enc(s), enc(m)
}

func mustEncode(t *testing.T, img image.Image) []byte {
	t.Helper()
	data, err := encode(img)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func decodeBytes(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// zonePlate is a w×h picture of concentric rings whose frequency rises
// to 0.4 cycles per pixel of the model's copy at the corners (80% of the
// finest detail it can hold): where a poor scaler shows aliasing (moiré
// rings). Finer detail cannot survive in the copy; how each scaler
// aliases it is not comparable.
func zonePlate(w, h int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	corner := math.Hypot(float64(w), float64(h)) / 2
	finest := 0.4 * min(1, float64(ModelEdge)/float64(max(w, h))) // cycles per source pixel
	k := math.Pi * finest / corner
	for y := range h {
		for x := range w {
			dx, dy := float64(x-w/2), float64(y-h/2)
			img.Y[y*img.YStride+x] = uint8(127.5 + 127*math.Cos(k*(dx*dx+dy*dy)))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 128, 128
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// fabric is a woven texture in colour (threads in three directions, down
// to three model-copy pixels a thread) with sensor grain.
func fabric(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(7, 7))
	period := 3 * float64(max(w, h)) / ModelEdge // source pixels a thread
	for y := range h {
		for x := range w {
			fx, fy := float64(x), float64(y)
			v := 60*math.Sin(2*math.Pi*fx/period) + 50*math.Sin(2*math.Pi*fy/(1.3*period)) + 30*math.Sin(2*math.Pi*(fx+fy)/(2.1*period))
			i := img.PixOffset(x, y)
			for c := range 3 {
				img.Pix[i+c] = uint8(max(0, min(255, 120+int(v)+c*25+rng.IntN(16)-8)))
			}
			img.Pix[i+3] = 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// reference is a high-quality scaling of the original to the size of out
// (Catmull-Rom, x/image/draw): what a copy should look like.
func reference(original image.Image, out image.Image) image.Image {
	if original.Bounds().Size() == out.Bounds().Size() {
		return original
	}
	ref := image.NewRGBA(out.Bounds())
	draw.CatmullRom.Scale(ref, ref.Rect, original, original.Bounds(), draw.Src, nil)
	return ref
}

// Skipping the scaling of a photo within the stored edge and making the
// model's copy from the stored one's pixels (area averaging) keep what
// the photo shows: SSIM ≥ 0.98 against today's output on the eval's
// photos, and on textures where a poor scaler shows, ≥ 0.98 against a
// Catmull-Rom scaling of the original. Today's box scaler is not the
// reference there: it averaged one or two source pixels per output pixel
// at ratios below 2 and aliased (it scores 0.82-0.97 against Catmull-Rom
// on these textures, and so does anything else against it).
func TestCopiesMatchTodaysOutput(t *testing.T) {
	textures := map[string][]byte{
		"zone plate 12 MP":   zonePlate(4000, 3000),
		"zone plate 1600 px": zonePlate(1600, 1200),
		"zone plate 2000 px": zonePlate(2000, 1500),
		"fabric 12 MP":       fabric(4000, 3000),
		"fabric 1600 px":     fabric(1600, 1067),
	}
	eval, err := filepath.Glob("../../../eval/testdata/photos/*.jpg")
	if err != nil || len(eval) == 0 {
		t.Fatalf("no eval photos: %v", err)
	}
	photos := map[string][]byte{}
	for _, path := range eval {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		photos[filepath.Base(path)] = data
	}
	check := func(name string, data []byte, againstToday bool) {
		t.Run(name, func(t *testing.T) {
			original := decodeBytes(t, data)
			todayStored, todayModel := todays(t, data)
			beforeStored, beforeModel := befores(t, data)
			p, err := Process(t.Context(), bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			for copyName, pair := range map[string][3]image.Image{
				"stored": {todayStored, decodeBytes(t, p.Stored), beforeStored},
				"model":  {todayModel, decodeBytes(t, p.Model), beforeModel},
			} {
				today, got, before := pair[0], pair[1], pair[2]
				if today.Bounds() != got.Bounds() {
					t.Errorf("%s: %v, today %v", copyName, got.Bounds(), today.Bounds())
					continue
				}
				ref := reference(original, got)
				vsToday, vsRef, todayVsRef := ssim(today, got), ssim(ref, got), ssim(ref, today)
				vsBefore := ssim(before, got)
				t.Logf("%s %s: SSIM %.4f against today's, %.4f against before fastjpeg, %.4f against Catmull-Rom (today's: %.4f, before fastjpeg's: %.4f)", name, copyName, vsToday, vsBefore, vsRef, todayVsRef, ssim(ref, before))
				if againstToday && vsToday < 0.98 {
					t.Errorf("%s: SSIM %.4f against today's output, want ≥ 0.98", copyName, vsToday)
				}
				if vsRef < 0.98 {
					t.Errorf("%s: SSIM %.4f against Catmull-Rom, want ≥ 0.98", copyName, vsRef)
				}
			}
		})
	}
	for name, data := range photos {
		check(name, data, true)
	}
	for name, data := range textures {
		check(name, data, false)
	}
}
