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
