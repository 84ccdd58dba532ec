package phototest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
)

// The pictures below are valid, tiny on disk and large once decoded: what
// a hostile upload sends to exhaust the server's memory. Each is one flat
// colour, so its encoding is a few bits per block or row.

// Sampling is a JPEG component's sampling factors (H, V).
type Sampling struct{ H, V int }

// Layouts of FlatJPEG.
var (
	YCbCr420 = []Sampling{{2, 2}, {1, 1}, {1, 1}}
	YCbCr444 = []Sampling{{1, 1}, {1, 1}, {1, 1}}
	CMYK     = []Sampling{{1, 1}, {1, 1}, {1, 1}, {1, 1}}
	Gray     = []Sampling{{1, 1}}
)

// FlatJPEG is a w×h JPEG of mid-grey with the given components, baseline
// or progressive (a single DC scan; the AC coefficients stay zero). A
// four-component file carries an Adobe marker (transform 2, YCCK) as
// CMYK cameras' and Photoshop's do.
func FlatJPEG(w, h int, comps []Sampling, progressive bool) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xff, 0xd8})
	segment := func(marker byte, data []byte) {
		b.Write([]byte{0xff, marker})
		binary.Write(&b, binary.BigEndian, uint16(len(data)+2))
		b.Write(data)
	}
	if len(comps) == 4 {
		segment(0xee, []byte("Adobe\x00\x64\x00\x00\x00\x00\x02"))
	}
	dqt := make([]byte, 65)
	for i := 1; i < 65; i++ {
		dqt[i] = 1
	}
	segment(0xdb, dqt)
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(comps))}
	for i, c := range comps {
		sof = append(sof, byte(i+1), byte(c.H<<4|c.V), 0)
	}
	marker := byte(0xc0)
	if progressive {
		marker = 0xc2
	}
	segment(marker, sof)
	// The standard luminance tables' first codes: DC category 0 is "00",
	// AC end-of-block "1010".
	dcTable := append([]byte{0x00, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	segment(0xc4, dcTable)
	acTable := append([]byte{0x10, 0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d},
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12) // enough symbols for EOB (0x00) at "1010"
	acTable = append(acTable, make([]byte, 162-8)...)
	for i := 8; i < 162; i++ {
		acTable[17+i] = byte(0x13 + i) // filler symbols, never coded
	}
	segment(0xc4, acTable)
	sos := []byte{byte(len(comps))}
	for i := range comps {
		sos = append(sos, byte(i+1), 0x00)
	}
	if progressive {
		sos = append(sos, 0, 0, 0) // DC only, first scan
	} else {
		sos = append(sos, 0, 63, 0)
	}
	segment(0xda, sos)

	h0, v0 := comps[0].H, comps[0].V
	if len(comps) == 1 {
		h0, v0 = 1, 1
	}
	mcus := ((w + 8*h0 - 1) / (8 * h0)) * ((h + 8*v0 - 1) / (8 * v0))
	blocksPerMCU := 0
	for _, c := range comps {
		if len(comps) == 1 {
			c = Sampling{1, 1}
		}
		blocksPerMCU += c.H * c.V
	}
	bits := bitPattern{}
	for range mcus * blocksPerMCU {
		bits.put(0b00, 2)
		if !progressive {
			bits.put(0b1010, 4)
		}
	}
	b.Write(bits.flush())
	b.Write([]byte{0xff, 0xd9})
	return b.Bytes()
}

// bitPattern writes JPEG entropy-coded bits, most significant first, with
// 0xff bytes stuffed.
type bitPattern struct {
	out   []byte
	acc   uint32
	nbits uint
}

func (p *bitPattern) put(v uint32, n uint) {
	p.acc = p.acc<<n | v
	p.nbits += n
	for p.nbits >= 8 {
		c := byte(p.acc >> (p.nbits - 8))
		p.out = append(p.out, c)
		if c == 0xff {
			p.out = append(p.out, 0)
		}
		p.nbits -= 8
	}
}

func (p *bitPattern) flush() []byte {
	if p.nbits > 0 {
		p.put(1<<(8-p.nbits)-1, 8-p.nbits) // pad with ones
	}
	return p.out
}

// PNG colour types.
const (
	PNGGray    = 0
	PNGRGB     = 2
	PNGPalette = 3
	PNGRGBA    = 6
)

// FlatPNG is a w×h PNG of zero bytes (black, or the palette's first
// colour) of the given colour type and depth, Adam7-interlaced or not,
// written pass by pass so no picture is held.
func FlatPNG(w, h, colorType, depth int, interlaced bool) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := append([]byte(kind), data...)
		b.Write(c)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	interlace := byte(0)
	if interlaced {
		interlace = 1
	}
	ihdr = append(ihdr, byte(depth), byte(colorType), 0, 0, interlace)
	chunk("IHDR", ihdr)
	if colorType == PNGPalette {
		chunk("PLTE", []byte{200, 120, 60})
	}
	channels := map[int]int{PNGGray: 1, PNGRGB: 3, PNGPalette: 1, PNGRGBA: 4}[colorType]
	rowBytes := func(width int) int { return (channels*depth*width + 7) / 8 }
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	passes := [][4]int{{0, 0, 8, 8}} // x0, y0, dx, dy
	if interlaced {
		passes = [][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	} else {
		passes = [][4]int{{0, 0, 1, 1}}
	}
	for _, p := range passes {
		pw := (w - p[0] + p[2] - 1) / p[2]
		ph := (h - p[1] + p[3] - 1) / p[3]
		if pw <= 0 || ph <= 0 {
			continue
		}
		row := make([]byte, 1+rowBytes(pw))
		for range ph {
			z.Write(row)
		}
	}
	z.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}
