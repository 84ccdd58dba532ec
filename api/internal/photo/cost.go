package photo

import (
	"encoding/binary"
	"errors"
	"image"
	"io"

	"github.com/rekan/rekan/api/internal/photo/fastjpeg"
)

// What a decode costs, from the header alone. Each function mirrors what
// its decoder allocates (fastjpeg, image/png, x/image/webp at the
// versions in go.mod) for the picture and its working state, so a file
// small on disk cannot claim a fraction of the memory it takes: a 0.4 MB
// 16-bit PNG of 50 megapixels decodes into 400 MB.

// jpegCost is fastjpeg's allocation (image/jpeg's at full size) for a
// frame: its component planes, rounded up to whole MCUs; a fourth (black)
// plane and the CMYK picture built from them; the RGBA picture of an RGB
// JPEG; and for a progressive frame every DCT coefficient (an int32 per
// sample) until the last scan.
// Decoded at 1/(1<<shift) (fastjpeg), the planes and pictures shrink by
// 4^shift; the coefficients do not.
func jpegCost(info jpegInfo, w, h, shift int) int64 {
	comps := info.comps
	if !info.sof || len(comps) == 0 {
		// The decoder read a frame scanJPEG did not: assume the worst
		// layout the decoder accepts (4:4:4:4 CMYK, progressive).
		comps = []sampling{{1, 1}, {1, 1}, {1, 1}, {1, 1}}
		info.progressive = true
	}
	if len(comps) == 1 {
		comps = []sampling{{1, 1}} // the decoder ignores a lone component's factors
	}
	h0, v0 := int64(comps[0].h), int64(comps[0].v)
	mxx := (int64(w) + 8*h0 - 1) / (8 * h0)
	myy := (int64(h) + 8*v0 - 1) / (8 * v0)
	var samples int64
	for _, c := range comps {
		samples += 64 * int64(c.h) * int64(c.v) * mxx * myy
	}
	cost := samples >> (2 * shift)
	pixels := int64(fastjpeg.ScaledSize(w, shift)) * int64(fastjpeg.ScaledSize(h, shift))
	if len(comps) == 4 || info.rgb {
		cost += 4 * pixels
	}
	if info.progressive {
		cost += 4 * samples
	}
	return cost
}

// pngHeader is what a PNG's chunks before its image data say.
type pngHeader struct {
	width, height       int
	depth, colorType    int
	interlaced, hasTRNS bool
}

// readPNGHeader reads IHDR and looks for tRNS (which turns a grey or RGB
// picture into NRGBA) among the chunks before the first IDAT, skipping
// over their data.
func readPNGHeader(r io.ReaderAt) (pngHeader, error) {
	var hdr pngHeader
	var buf [8 + 13]byte
	off := int64(8)
	for range 1024 {
		if _, err := r.ReadAt(buf[:8], off); err != nil {
			return hdr, err
		}
		length := int64(binary.BigEndian.Uint32(buf[:4]))
		switch string(buf[4:8]) {
		case "IHDR":
			if length != 13 {
				return hdr, errors.New("png: bad IHDR")
			}
			if _, err := r.ReadAt(buf[8:], off+8); err != nil {
				return hdr, err
			}
			ihdr := buf[8:]
			hdr.width = int(binary.BigEndian.Uint32(ihdr[0:]))
			hdr.height = int(binary.BigEndian.Uint32(ihdr[4:]))
			hdr.depth, hdr.colorType = int(ihdr[8]), int(ihdr[9])
			hdr.interlaced = ihdr[12] != 0
		case "tRNS":
			hdr.hasTRNS = true
		case "IDAT":
			if hdr.width == 0 {
				return hdr, errors.New("png: no IHDR")
			}
			return hdr, nil
		}
		off += 12 + length
	}
	return hdr, errors.New("png: too many chunks before the image data")
}

// pngCost is image/png's allocation: the picture in the type it returns
// for the colour type and depth, two rows of filtered bytes, and for an
// Adam7-interlaced file the seven pass pictures merged into it (together
// one more picture, none collected before the decode returns).
func pngCost(hdr pngHeader) int64 {
	pixels := int64(hdr.width) * int64(hdr.height)
	channels := map[int]int64{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[hdr.colorType]
	if channels == 0 {
		channels = 4
	}
	var perPixel int64
	switch {
	case hdr.colorType == 3:
		perPixel = 1 // Paletted
	case (hdr.colorType == 0 && !hdr.hasTRNS) && hdr.depth <= 8:
		perPixel = 1 // Gray
	case (hdr.colorType == 0 && !hdr.hasTRNS) && hdr.depth == 16:
		perPixel = 2 // Gray16
	case hdr.depth == 16:
		perPixel = 8 // RGBA64, NRGBA64
	default:
		perPixel = 4 // RGBA, NRGBA
	}
	rowBytes := (channels*int64(hdr.depth)*int64(hdr.width)+7)/8 + 1
	cost := perPixel*pixels + 2*rowBytes
	if hdr.interlaced {
		cost += perPixel * pixels
	}
	return cost
}

// webpCost is x/image/webp's allocation. A lossy (VP8) frame decodes into
// 4:2:0 planes of whole macroblocks and buffers its partitions (at most
// the file); an alpha plane costs a byte per pixel plus, compressed, the
// lossless NRGBA picture it is taken from; a lossless (VP8L) picture is
// NRGBA, twice over when a colour-indexing transform expands it.
func webpCost(head []byte, w, h int, fileBytes int64) int64 {
	pixels := int64(w) * int64(h)
	mbs := int64((w+15)/16) * int64((h+15)/16)
	lossy := mbs*256*3/2 + mbs*8 + fileBytes
	lossless := 8 * pixels
	if len(head) < 16 {
		return max(lossy, lossless) + 5*pixels
	}
	switch string(head[12:16]) {
	case "VP8 ":
		return lossy
	case "VP8L":
		return lossless
	}
	// VP8X: either kind of frame, and an alpha plane when flagged.
	cost := max(lossy, lossless)
	if len(head) < 21 || head[20]&0x10 != 0 {
		cost += 5 * pixels
	}
	return cost
}

// decoderStateBytes covers what every decode allocates besides the
// picture: Huffman tables, zlib's window, the reader's buffer (measured
// at about 100 kB by TestDecodeCostCoversTheDecoder).
const decoderStateBytes = 256 << 10

// decodeCost is the memory decoding f takes, from its header.
func decodeCost(format string, f io.ReaderAt, head []byte, cfg image.Config, info jpegInfo, fileBytes int64, shift int) (int64, error) {
	switch format {
	case "jpeg":
		return decoderStateBytes + jpegCost(info, cfg.Width, cfg.Height, shift), nil
	case "png":
		hdr, err := readPNGHeader(f)
		if err != nil {
			return 0, err
		}
		return decoderStateBytes + pngCost(hdr), nil
	default:
		return decoderStateBytes + webpCost(head, cfg.Width, cfg.Height, fileBytes), nil
	}
}
