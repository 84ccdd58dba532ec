package photo_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/api/phototest"
)

func process(t *testing.T, data []byte) photo.Photo {
	t.Helper()
	p, err := photo.Process(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	return p
}

func decodeJPEG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("output is not a JPEG: %v", err)
	}
	return img
}

// A phone photo with EXIF (GPS) and XMP goes in; what comes out, both
// copies, has no APP1 segment, no "Exif", no XMP and not the GPS bytes.
func TestMetadataIsRemoved(t *testing.T) {
	in := phototest.JPEG(2400, 1800, phototest.Red, phototest.Blue, 1)
	if !bytes.Contains(in, phototest.GPSMarker) || !bytes.Contains(in, []byte("Exif\x00\x00")) {
		t.Fatal("the fixture carries no GPS position")
	}
	p := process(t, in)
	for name, out := range map[string][]byte{"stored": p.Stored, "model": p.Model} {
		if bytes.IndexByte(phototest.Segments(out), 0xe1) >= 0 {
			t.Errorf("%s copy has an APP1 segment: %x", name, phototest.Segments(out))
		}
		for _, leak := range [][]byte{[]byte("Exif"), []byte("xmpmeta"), []byte("ns.adobe.com"), phototest.GPSMarker} {
			if bytes.Contains(out, leak) {
				t.Errorf("%s copy contains %q", name, leak)
			}
		}
	}
	if got := decodeJPEG(t, p.Stored).Bounds().Size(); got != image.Pt(1600, 1200) {
		t.Errorf("stored size %v, want 1600x1200", got)
	}
	if got := decodeJPEG(t, p.Model).Bounds().Size(); got != image.Pt(1024, 768) {
		t.Errorf("model size %v, want 1024x768", got)
	}
	if p.Width != 1600 || p.Height != 1200 {
		t.Errorf("reported %dx%d", p.Width, p.Height)
	}
}

// A small photo is re-encoded (metadata gone) but not enlarged.
func TestSmallPhotoKeepsItsSize(t *testing.T) {
	p := process(t, phototest.JPEG(300, 200, phototest.Red, phototest.Blue, 0))
	if got := decodeJPEG(t, p.Model).Bounds().Size(); got != image.Pt(300, 200) {
		t.Errorf("size %v", got)
	}
	if bytes.Contains(p.Stored, []byte("Exif")) {
		t.Error("EXIF kept")
	}
}

func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) bool { return int(a>>8)-int(b) < 40 && int(b)-int(a>>8) < 40 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

// A phone's original, large enough to be decoded at half and at a quarter
// of its size (fastjpeg.DecodeScaled), loses its metadata just the same
// and comes out turned upright at the stored size.
func TestScaledDecodeKeepsOrientationAndStripsMetadata(t *testing.T) {
	for _, tc := range []struct {
		w, h, orientation int
		size              image.Point
		first, second     image.Point // where phototest.Red and phototest.Blue land
	}{
		{4000, 3000, 6, image.Pt(1200, 1600), image.Pt(600, 200), image.Pt(600, 1400)},
		{6400, 3200, 3, image.Pt(1600, 800), image.Pt(1400, 400), image.Pt(200, 400)},
	} {
		in := phototest.JPEG(tc.w, tc.h, phototest.Red, phototest.Blue, tc.orientation)
		if !bytes.Contains(in, phototest.GPSMarker) {
			t.Fatal("the fixture carries no GPS position")
		}
		p := process(t, in)
		for name, out := range map[string][]byte{"stored": p.Stored, "model": p.Model} {
			if bytes.IndexByte(phototest.Segments(out), 0xe1) >= 0 || bytes.Contains(out, []byte("Exif")) || bytes.Contains(out, phototest.GPSMarker) {
				t.Errorf("%dx%d %s copy keeps metadata: %x", tc.w, tc.h, name, phototest.Segments(out))
			}
		}
		img := decodeJPEG(t, p.Stored)
		if img.Bounds().Size() != tc.size {
			t.Errorf("%dx%d orientation %d: stored %v, want %v", tc.w, tc.h, tc.orientation, img.Bounds().Size(), tc.size)
			continue
		}
		if !near(img.At(tc.first.X, tc.first.Y), phototest.Red) || !near(img.At(tc.second.X, tc.second.Y), phototest.Blue) {
			t.Errorf("%dx%d orientation %d: at %v %v, at %v %v", tc.w, tc.h, tc.orientation,
				tc.first, img.At(tc.first.X, tc.first.Y), tc.second, img.At(tc.second.X, tc.second.Y))
		}
	}
}

// The picture is phototest.Red on its left half and phototest.Blue on its right; the EXIF
// orientation says how to turn it, and the output is already turned.
func TestOrientationIsApplied(t *testing.T) {
	for _, tc := range []struct {
		orientation   int
		size          image.Point
		first, second image.Point // where phototest.Red and phototest.Blue land
	}{
		{1, image.Pt(400, 200), image.Pt(50, 100), image.Pt(350, 100)},
		{3, image.Pt(400, 200), image.Pt(350, 100), image.Pt(50, 100)},
		{6, image.Pt(200, 400), image.Pt(100, 50), image.Pt(100, 350)},
		{8, image.Pt(200, 400), image.Pt(100, 350), image.Pt(100, 50)},
		{2, image.Pt(400, 200), image.Pt(350, 100), image.Pt(50, 100)},
	} {
		p := process(t, phototest.JPEG(400, 200, phototest.Red, phototest.Blue, tc.orientation))
		for name, data := range map[string][]byte{"stored": p.Stored, "model": p.Model} {
			img := decodeJPEG(t, data)
			if img.Bounds().Size() != tc.size {
				t.Errorf("orientation %d %s: size %v, want %v", tc.orientation, name, img.Bounds().Size(), tc.size)
				continue
			}
			if !near(img.At(tc.first.X, tc.first.Y), phototest.Red) || !near(img.At(tc.second.X, tc.second.Y), phototest.Blue) {
				t.Errorf("orientation %d %s: at %v %v, at %v %v", tc.orientation, name,
					tc.first, img.At(tc.first.X, tc.first.Y), tc.second, img.At(tc.second.X, tc.second.Y))
			}
		}
	}
}

// PNG (transparency over white) and WebP are accepted and become JPEG.
func TestPNGAndWebP(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = 0 // fully transparent
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	out := decodeJPEG(t, process(t, pngData.Bytes()).Stored)
	if !near(out.At(10, 10), color.RGBA{255, 255, 255, 255}) {
		t.Errorf("transparent PNG became %v, want white", out.At(10, 10))
	}

	webp := phototest.WebP(40, 30, color.NRGBA{20, 200, 20, 255})
	out = decodeJPEG(t, process(t, webp).Stored)
	if out.Bounds().Size() != image.Pt(40, 30) || !near(out.At(5, 5), color.RGBA{20, 200, 20, 255}) {
		t.Errorf("webp became %v %v", out.Bounds().Size(), out.At(5, 5))
	}
}

// jpegClaiming rewrites the SOF dimensions of a real JPEG.
func jpegClaiming(w, h uint16) []byte {
	data := phototest.JPEG(16, 16, phototest.Red, phototest.Blue, 0)
	for i := 2; i+9 < len(data); {
		if data[i+1] == 0xc0 {
			binary.BigEndian.PutUint16(data[i+5:], h)
			binary.BigEndian.PutUint16(data[i+7:], w)
			return data
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	panic("no SOF")
}

// hugeReader is a valid JPEG followed by zeros, n bytes in all, produced
// as it is read.
func hugeReader(n int64) io.Reader {
	head := phototest.JPEG(64, 64, phototest.Red, phototest.Blue, 0)
	return io.MultiReader(bytes.NewReader(head), io.LimitReader(zeros{}, n-int64(len(head))))
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// Every kind of bad upload is refused with its message, before any pixel
// is decoded where the header tells.
func TestBadUploadsAreRefused(t *testing.T) {
	good := phototest.JPEG(600, 400, phototest.Red, phototest.Blue, 6)
	avif := append([]byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1"), make([]byte, 100)...)
	for _, tc := range []struct {
		name string
		in   io.Reader
		want string
	}{
		{"empty", strings.NewReader(""), photo.MsgEmptyPhoto},
		{"a text file named .jpg", strings.NewReader("isto não é uma foto, é um texto renomeado para foto.jpg\n"), photo.MsgNotAPhoto},
		{"a gif", strings.NewReader("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), photo.MsgNotAPhoto},
		{"a pdf", strings.NewReader("%PDF-1.4\n%âãÏÓ\n"), photo.MsgNotAPhoto},
		{"heic", bytes.NewReader(phototest.HEIC), photo.MsgHEIC},
		{"avif", bytes.NewReader(avif), photo.MsgHEIC},
		{"a truncated jpeg", bytes.NewReader(good[:len(good)/2]), photo.MsgCorrupt},
		{"a jpeg cut in its header", bytes.NewReader(good[:40]), photo.MsgCorrupt},
		{"a jpeg with its scan garbled", bytes.NewReader(garble(good)), photo.MsgCorrupt},
		{"a png bomb", bytes.NewReader(phototest.PNGClaiming(100000, 100000)), photo.MsgTooManyPx},
		{"a png just over the cap", bytes.NewReader(phototest.PNGClaiming(10000, 5001)), photo.MsgTooManyPx},
		{"a jpeg bomb", bytes.NewReader(jpegClaiming(65000, 65000)), photo.MsgTooManyPx},
		{"over 10 MB", hugeReader(photo.MaxFileBytes + 1), photo.MsgTooLarge},
		{"far over 10 MB", hugeReader(1 << 30), photo.MsgTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := photo.Process(context.Background(), tc.in)
			var refused *photo.Error
			if !errors.As(err, &refused) {
				t.Fatalf("got %v, want a refusal", err)
			}
			if refused.Message != tc.want {
				t.Errorf("message %q, want %q", refused.Message, tc.want)
			}
		})
	}
}

// Exactly 10 MB (a real photo plus trailing bytes, as phones append
// videos) is accepted.
func TestExactlyTheLimitIsAccepted(t *testing.T) {
	p, err := photo.Process(context.Background(), hugeReader(photo.MaxFileBytes))
	if err != nil {
		t.Fatal(err)
	}
	decodeJPEG(t, p.Stored)
}

// A reader that fails is the server's problem, not the photo's.
func TestReadErrorIsNotARefusal(t *testing.T) {
	broken := io.MultiReader(bytes.NewReader(phototest.JPEG(64, 64, phototest.Red, phototest.Blue, 0)[:300]), failing{})
	_, err := photo.Process(context.Background(), broken)
	var refused *photo.Error
	if err == nil || errors.As(err, &refused) {
		t.Fatalf("got %v, want a read error", err)
	}
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func garble(jpg []byte) []byte {
	out := bytes.Clone(jpg)
	// Overwrite the middle of the entropy-coded data with markers no
	// decoder accepts there.
	for i := len(out) / 2; i < len(out)/2+64; i += 2 {
		out[i], out[i+1] = 0xff, 0xc4
	}
	return out
}

// Over a megabyte of metadata before the frame (ICC profiles, a maker's
// blocks) is still a photo; none of it is kept.
func TestLargeMetadataIsStripped(t *testing.T) {
	p := process(t, bigHeader())
	if segments := phototest.Segments(p.Stored); bytes.IndexByte(segments, 0xe2) >= 0 || len(p.Stored) > 100<<10 {
		t.Errorf("stored %d bytes, segments %x", len(p.Stored), segments)
	}
}

// bigHeader is a JPEG whose APP segments before the frame exceed 1 MB.
func bigHeader() []byte {
	jpg := phototest.JPEG(16, 16, phototest.Red, phototest.Blue, 0)
	out := append([]byte{}, jpg[:2]...)
	seg := make([]byte, 65000)
	for range 20 {
		out = append(out, 0xff, 0xe2)
		out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
		out = append(out, seg...)
	}
	return append(out, jpg[2:]...)
}

// blocked is a reader that waits until released, like a client that
// stopped sending halfway through a photo.
type blocked chan struct{}

func (b blocked) Read([]byte) (int, error) { <-b; return 0, io.ErrUnexpectedEOF }

// A client that stalls halfway through a big photo holds no part of the
// decode budget: other uploads, each needing most of it, go through.
func TestStalledUploadBlocksNoOne(t *testing.T) {
	big := phototest.JPEG(4000, 3000, phototest.Red, phototest.Blue, 0)
	stall := make(blocked)
	defer close(stall)
	stalled := make(chan error, 1)
	go func() {
		_, err := photo.Process(context.Background(), io.MultiReader(bytes.NewReader(big[:len(big)/2]), stall))
		stalled <- err
	}()
	done := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := photo.Process(context.Background(), bytes.NewReader(big))
			done <- err
		}()
	}
	for range 3 {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case err := <-stalled:
			t.Fatalf("the stalled upload returned: %v", err)
		case <-time.After(60 * time.Second):
			t.Fatal("uploads wait behind a stalled one")
		}
	}
}

// Files under both limits (10 MB, 50 megapixels) whose decoding would take
// more than the whole budget are refused from their header, before any
// pixel is decoded: a 0.4 MB 16-bit PNG of 7071×7071 would take 400 MB.
// The same pixel count in a layout that fits (a palette PNG, a baseline
// 4:2:0 JPEG of 50 MP, a CMYK JPEG, which decodes at a quarter of its size)
// is accepted.
func TestHeavyDecodesAreRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"16-bit png 7071x7071", phototest.FlatPNG(7071, 7071, phototest.PNGRGBA, 16, false)},
		{"8-bit rgb png 7071x7071", phototest.FlatPNG(7071, 7071, phototest.PNGRGB, 8, false)},
		{"interlaced png 4000x3000", phototest.FlatPNG(4000, 3000, phototest.PNGRGB, 8, true)},
		{"progressive jpeg 7071x7071", phototest.FlatJPEG(7071, 7071, phototest.YCbCr420, true)},
		{"progressive cmyk jpeg 7071x7071", phototest.FlatJPEG(7071, 7071, phototest.CMYK, true)},
		{"lossless webp 7071x7071", phototest.WebP(7071, 7071, color.NRGBA{1, 2, 3, 255})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.data) > photo.MaxFileBytes {
				t.Fatalf("fixture of %d bytes is over the file limit", len(tc.data))
			}
			_, err := photo.Process(context.Background(), bytes.NewReader(tc.data))
			var refused *photo.Error
			if !errors.As(err, &refused) || refused.Message != photo.MsgTooHeavy {
				t.Fatalf("got %v, want %q", err, photo.MsgTooHeavy)
			}
		})
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"palette png 7071x7071", phototest.FlatPNG(7071, 7071, phototest.PNGPalette, 8, false)},
		{"baseline jpeg 8000x6000", phototest.FlatJPEG(8000, 6000, phototest.YCbCr420, false)},
		{"cmyk jpeg 7071x7071", phototest.FlatJPEG(7071, 7071, phototest.CMYK, false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := process(t, tc.data)
			if p.Width != 1600 {
				t.Errorf("stored %dx%d", p.Width, p.Height)
			}
		})
	}
}
