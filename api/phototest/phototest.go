// Package phototest makes pictures for tests (of photo, the routes and the
// benchmark): real encodings, made at run time, so no binary fixture is
// committed.
package phototest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// Two colours far apart, to find where a half of a picture went.
var (
	Red  = color.RGBA{220, 20, 20, 255}
	Blue = color.RGBA{20, 20, 220, 255}
)

// JPEG is a w×h JPEG whose left half is left and right half is right,
// carrying an EXIF block with the given orientation (0: none) and a GPS
// position (the latitude rational's bytes are GPSMarker), and an XMP block.
func JPEG(w, h int, left, right color.RGBA, orientation int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := left
			if x >= w/2 {
				c = right
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return WithMetadata(buf.Bytes(), orientation)
}

// GPSMarker is the numerator of the fake GPS latitude JPEG writes,
// big-endian; it must not survive processing.
var GPSMarker = []byte{0x17, 0x5e, 0xc4, 0x11}

// WithMetadata inserts, after SOI, an EXIF APP1 segment (orientation when
// not 0, and a GPS IFD) and an XMP APP1 segment.
func WithMetadata(jpg []byte, orientation int) []byte {
	// TIFF, big-endian: header, IFD0 at 8.
	var t bytes.Buffer
	t.WriteString("MM\x00\x2a")
	binary.Write(&t, binary.BigEndian, uint32(8))
	entries := 1
	if orientation != 0 {
		entries++
	}
	binary.Write(&t, binary.BigEndian, uint16(entries))
	gpsIFD := uint32(8 + 2 + 12*entries + 4)
	if orientation != 0 {
		binary.Write(&t, binary.BigEndian, []uint16{0x0112, 3})
		binary.Write(&t, binary.BigEndian, uint32(1))
		binary.Write(&t, binary.BigEndian, []uint16{uint16(orientation), 0})
	}
	binary.Write(&t, binary.BigEndian, []uint16{0x8825, 4}) // GPS IFD pointer
	binary.Write(&t, binary.BigEndian, uint32(1))
	binary.Write(&t, binary.BigEndian, gpsIFD)
	binary.Write(&t, binary.BigEndian, uint32(0)) // no IFD1
	// GPS IFD: GPSLatitudeRef "S", GPSLatitude (3 rationals, after the IFD).
	binary.Write(&t, binary.BigEndian, uint16(2))
	binary.Write(&t, binary.BigEndian, []uint16{0x0001, 2})
	binary.Write(&t, binary.BigEndian, uint32(2))
	t.WriteString("S\x00\x00\x00")
	latitude := gpsIFD + 2 + 2*12 + 4
	binary.Write(&t, binary.BigEndian, []uint16{0x0002, 5})
	binary.Write(&t, binary.BigEndian, uint32(3))
	binary.Write(&t, binary.BigEndian, latitude)
	binary.Write(&t, binary.BigEndian, uint32(0))
	t.Write(GPSMarker)
	binary.Write(&t, binary.BigEndian, []uint32{1000000, 46, 1, 38, 1})

	exif := append([]byte("Exif\x00\x00"), t.Bytes()...)
	xmp := []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>23,33.0S</exif:GPSLatitude></x:xmpmeta>")
	out := append([]byte{}, jpg[:2]...)
	for _, seg := range [][]byte{exif, xmp} {
		out = append(out, 0xff, 0xe1)
		out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
		out = append(out, seg...)
	}
	return append(out, jpg[2:]...)
}

// WebP is a w×h lossless WebP of one colour: VP8L with a single-symbol
// prefix code per channel, so the pixels take no bits.
func WebP(w, h int, c color.NRGBA) []byte {
	var bits bitWriter
	bits.write(uint32(w-1), 14)
	bits.write(uint32(h-1), 14)
	bits.write(1, 1) // alpha is used
	bits.write(0, 3) // version
	bits.write(0, 1) // no transform
	bits.write(0, 1) // no colour cache
	bits.write(0, 1) // no meta prefix codes
	for _, symbol := range []uint8{c.G, c.R, c.B, c.A, 0} {
		bits.write(1, 1) // simple code
		bits.write(0, 1) // one symbol
		bits.write(1, 1) // of 8 bits
		bits.write(uint32(symbol), 8)
	}
	data := append([]byte{0x2f}, bits.bytes()...)
	var out bytes.Buffer
	chunk := len(data) + len(data)%2
	out.WriteString("RIFF")
	binary.Write(&out, binary.LittleEndian, uint32(4+8+chunk))
	out.WriteString("WEBPVP8L")
	binary.Write(&out, binary.LittleEndian, uint32(len(data)))
	out.Write(data)
	if len(data)%2 == 1 {
		out.WriteByte(0)
	}
	return out.Bytes()
}

type bitWriter struct {
	buf   []byte
	acc   uint64
	nbits uint
}

// write appends the n low bits of v, least significant first (VP8L order).
func (b *bitWriter) write(v uint32, n uint) {
	b.acc |= uint64(v&(1<<n-1)) << b.nbits
	b.nbits += n
	for b.nbits >= 8 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc >>= 8
		b.nbits -= 8
	}
}

func (b *bitWriter) bytes() []byte {
	if b.nbits > 0 {
		return append(b.buf, byte(b.acc))
	}
	return b.buf
}

// Segments lists the marker bytes of a JPEG's segments before the scan
// (0xe1 for APP1: EXIF or XMP).
func Segments(jpg []byte) []byte {
	var markers []byte
	for i := 2; i+4 <= len(jpg) && jpg[i] == 0xff; {
		m := jpg[i+1]
		markers = append(markers, m)
		if m == 0xda {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(jpg[i+2:]))
	}
	return markers
}

// HEIC is the start of an iPhone HEIC file (its ftyp box) and some bytes.
var HEIC = append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 64)...)

// PNGClaiming is a PNG signature and header claiming w×h pixels and no
// pixel data: a decoder that trusted it would allocate w*h*4 bytes.
func PNGClaiming(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	chunk = binary.BigEndian.AppendUint32(chunk, h)
	chunk = append(chunk, 8, 6, 0, 0, 0)
	binary.Write(&b, binary.BigEndian, uint32(len(chunk)-4))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// PhotoLike is a w×h JPEG that compresses like a phone's photo (gradients
// and sensor grain), for benchmarks.
func PhotoLike(w, h, quality int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(1, 13))
	for y := range h {
		for x := range w {
			img.Y[y*img.YStride+x] = uint8(max(0, min(255, 40+150*x/w+40*y/h+rng.IntN(48)-24)))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(100+rng.IntN(16)), uint8(140+rng.IntN(16))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// SSIM is the mean structural similarity of two pictures' luma, over 8×8
// windows every 4 pixels (Wang et al. 2004, with their constants). 1 is
// identical; below about 0.95 a viewer sees the difference.
func SSIM(a, b image.Image) float64 {
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

// ZonePlate is a w×h JPEG of concentric rings whose frequency rises to
// 0.4 cycles per pixel of a copy of long edge edge at the corners (80% of the
// finest detail it can hold): where a poor scaler shows aliasing (moiré
// rings). Finer detail cannot survive in the copy; how each scaler
// aliases it is not comparable.
func ZonePlate(w, h, edge int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	corner := math.Hypot(float64(w), float64(h)) / 2
	finest := 0.4 * min(1, float64(edge)/float64(max(w, h))) // cycles per source pixel
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

// Fabric is a w×h JPEG of a woven texture in colour (threads in three
// directions, down to three pixels a thread in a copy of long edge edge)
// with sensor grain.
func Fabric(w, h, edge int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(7, 7))
	period := 3 * float64(max(w, h)) / float64(edge) // source pixels a thread
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
