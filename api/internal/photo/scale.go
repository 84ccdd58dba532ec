package photo

import (
	"image"
	"image/color"
	"math/bits"
)

// scale reduces img to a copy whose long edge is at most edge by area
// averaging: each output pixel is the mean of the source area it covers,
// source pixels on its border counted for the part inside. Right for any
// reduction (no aliasing from skipped pixels, unlike bilinear), exact when
// one reduction follows another (the model's copy from the stored one),
// and its memory is two rows of sums, where x/image/draw's kernels
// allocate 32 bytes per output column per source row. Transparent pixels
// are composed over white: JPEG has no alpha.
func scale(img image.Image, edge int) *image.RGBA {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dw, dh := fitWithin(sw, sh, edge)
	_, ycc := img.(*image.YCbCr)
	cols := spans(sw, dw)
	rows := spans(sh, dh)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	mean := newDivider(uint64(sw) * uint64(sh))
	row := make([]uint8, 3*sw)
	hsum := make([]uint32, 3*(dw+1))
	acc := [2][]uint64{make([]uint64, 3*dw), make([]uint64, 3*dw)}
	cur := 0 // output row acc[0] holds
	for y := range sh {
		readRow(img, b.Min.Y+y, row)
		clear(hsum)
		// This loop runs once per source pixel, millions of times per
		// photo: each source pixel adds to at most two output columns.
		for x, c := range cols {
			p := row[3*x : 3*x+3 : 3*x+3]
			d := 3 * int(c.to)
			s := hsum[d : d+6 : d+6]
			w0, w1 := c.w0, c.w1
			s[0] += uint32(p[0]) * w0
			s[1] += uint32(p[1]) * w0
			s[2] += uint32(p[2]) * w0
			s[3] += uint32(p[0]) * w1
			s[4] += uint32(p[1]) * w1
			s[5] += uint32(p[2]) * w1
		}
		r := rows[y]
		if int(r.to) != cur {
			writeRow(dst, cur, acc[0], mean, ycc)
			acc[0], acc[1] = acc[1], acc[0]
			clear(acc[1])
			cur = int(r.to)
		}
		for i, v := range hsum[:3*dw] {
			acc[0][i] += uint64(v) * uint64(r.w0)
			acc[1][i] += uint64(v) * uint64(r.w1)
		}
	}
	writeRow(dst, cur, acc[0], mean, ycc)
	return dst
}

// span is where a source pixel falls in the output: the output index to
// and to+1, with the overlaps w0 and w1 (in units where a source pixel is
// dn wide and an output pixel sn).
type span struct {
	to     int32
	w0, w1 uint32
}

// spans maps each of sn source pixels to the dn output pixels (dn ≤ sn).
func spans(sn, dn int) []span {
	out := make([]span, sn)
	for x := range sn {
		// Scaled by dn·sn: source pixel x spans [x·dn, (x+1)·dn), output
		// pixel k spans [k·sn, (k+1)·sn).
		start, end := x*dn, (x+1)*dn
		to := start / sn
		w0 := min(end, (to+1)*sn) - start
		out[x] = span{to: int32(to), w0: uint32(w0), w1: uint32(dn - w0)}
	}
	return out
}

// writeRow stores output row y from its weighted sums (total weight
// mean.n).
func writeRow(dst *image.RGBA, y int, sums []uint64, mean divider, ycc bool) {
	if y >= dst.Rect.Dy() {
		return
	}
	out := dst.Pix[y*dst.Stride:]
	for dx := range dst.Rect.Dx() {
		var v [3]uint8
		for c := range 3 {
			v[c] = uint8(mean.round(sums[3*dx+c]))
		}
		if ycc {
			// Averaging commutes with the affine conversion, so it runs
			// once per output pixel instead of per input.
			v[0], v[1], v[2] = color.YCbCrToRGB(v[0], v[1], v[2])
		}
		out[4*dx], out[4*dx+1], out[4*dx+2], out[4*dx+3] = v[0], v[1], v[2], 0xff
	}
}

// divider rounds sums of weighted samples to their mean, x/n to the
// nearest, by a multiplication: ⌈2^64/n⌉ times x+n/2, high word, is
// ⌊(x+n/2)/n⌋ exactly while (x+n/2)·n < 2^64, and a sum is at most 255·n
// with n below 2^28 (50 megapixels). A division per output sample was a
// good part of the scaling's time.
type divider struct {
	n, half, m uint64
}

func newDivider(n uint64) divider {
	d := divider{n: n, half: n / 2}
	if n > 1 {
		d.m = ^uint64(0)/n + 1
	}
	return d
}

func (d divider) round(x uint64) uint64 {
	if d.m == 0 {
		return x // n = 1
	}
	hi, _ := bits.Mul64(x+d.half, d.m)
	return hi
}

// fitWithin is the size of a sw×sh picture scaled to a long edge of at
// most edge, keeping the aspect ratio; smaller pictures are not enlarged.
func fitWithin(sw, sh, edge int) (int, int) {
	long := max(sw, sh)
	if long <= edge {
		return sw, sh
	}
	dw := max(1, (sw*edge+long/2)/long)
	dh := max(1, (sh*edge+long/2)/long)
	return dw, dh
}

// readRow writes row y of img into row: Y, Cb, Cr for a YCbCr picture,
// 8-bit RGB over white for any other. The types image/jpeg, image/png and
// x/image/webp return for photos have fast paths; anything else (CMYK
// JPEGs, 16-bit PNGs) goes through At.
func readRow(img image.Image, y int, row []uint8) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		hs, vs := chromaShifts(m.SubsampleRatio)
		ys := m.Y[(y-m.Rect.Min.Y)*m.YStride:]
		base := ((y >> vs) - (m.Rect.Min.Y >> vs)) * m.CStride
		minX := m.Rect.Min.X
		cb, cr := m.Cb[base:], m.Cr[base:]
		for x := range b.Dx() {
			ci := ((x + minX) >> hs) - (minX >> hs)
			row[3*x], row[3*x+1], row[3*x+2] = ys[x], cb[ci], cr[ci]
		}
	case *image.Gray:
		pix := m.Pix[(y-m.Rect.Min.Y)*m.Stride:]
		for x := range b.Dx() {
			v := pix[x]
			row[3*x], row[3*x+1], row[3*x+2] = v, v, v
		}
	case *image.Paletted:
		pix := m.Pix[(y-m.Rect.Min.Y)*m.Stride:]
		var rgb [256][3]uint8
		for i, c := range m.Palette[:min(len(m.Palette), 256)] {
			r, g, bl, a := c.RGBA()
			white := 0xffff - a
			rgb[i] = [3]uint8{uint8((r + white) >> 8), uint8((g + white) >> 8), uint8((bl + white) >> 8)}
		}
		for x := range b.Dx() {
			p := &rgb[pix[x]]
			row[3*x], row[3*x+1], row[3*x+2] = p[0], p[1], p[2]
		}
	case *image.NRGBA:
		pix := m.Pix[(y-m.Rect.Min.Y)*m.Stride:]
		for x := range b.Dx() {
			p := pix[4*x : 4*x+4]
			a := uint32(p[3])
			for c := range 3 {
				row[3*x+c] = uint8((uint32(p[c])*a + 255*(255-a) + 127) / 255)
			}
		}
	case *image.RGBA:
		pix := m.Pix[(y-m.Rect.Min.Y)*m.Stride:]
		for x := range b.Dx() {
			p := pix[4*x : 4*x+4]
			white := 255 - p[3]
			row[3*x], row[3*x+1], row[3*x+2] = p[0]+white, p[1]+white, p[2]+white
		}
	case *image.Gray16:
		pix := m.Pix[(y-m.Rect.Min.Y)*m.Stride:]
		for x := range b.Dx() {
			v := pix[2*x]
			row[3*x], row[3*x+1], row[3*x+2] = v, v, v
		}
	case *image.RGBA64:
		pix := m.Pix[(y-m.Rect.Min.Y)*m.Stride:]
		for x := range b.Dx() {
			p := pix[8*x : 8*x+8 : 8*x+8]
			white := 0xffff - (uint32(p[6])<<8 | uint32(p[7]))
			for c := range 3 {
				row[3*x+c] = uint8((uint32(p[2*c])<<8 | uint32(p[2*c+1]) + white) >> 8)
			}
		}
	case *image.NRGBA64:
		pix := m.Pix[(y-m.Rect.Min.Y)*m.Stride:]
		for x := range b.Dx() {
			p := pix[8*x : 8*x+8 : 8*x+8]
			a := uint32(p[6])<<8 | uint32(p[7])
			for c := range 3 {
				v := uint32(p[2*c])<<8 | uint32(p[2*c+1])
				row[3*x+c] = uint8((v*a/0xffff + 0xffff - a) >> 8)
			}
		}
	case *image.CMYK:
		pix := m.Pix[(y-m.Rect.Min.Y)*m.Stride:]
		for x := range b.Dx() {
			p := pix[4*x : 4*x+4 : 4*x+4]
			row[3*x], row[3*x+1], row[3*x+2] = color.CMYKToRGB(p[0], p[1], p[2], p[3])
		}
	default:
		// Anything else goes through At, which allocates a colour per
		// pixel: slow, and garbage the budget does not count. The
		// decoders return the types above for every file accepted.
		for x := range b.Dx() {
			r, g, bl, a := img.At(b.Min.X+x, y).RGBA()
			white := 0xffff - a
			row[3*x], row[3*x+1], row[3*x+2] = uint8((r+white)>>8), uint8((g+white)>>8), uint8((bl+white)>>8)
		}
	}
}

// chromaShifts are the horizontal and vertical subsampling of a YCbCr
// picture as shifts.
func chromaShifts(r image.YCbCrSubsampleRatio) (h, v int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 1, 0
	case image.YCbCrSubsampleRatio420:
		return 1, 1
	case image.YCbCrSubsampleRatio440:
		return 0, 1
	case image.YCbCrSubsampleRatio411:
		return 2, 0
	case image.YCbCrSubsampleRatio410:
		return 2, 1
	}
	return 0, 0
}

// orient applies an EXIF orientation (1-8) so the picture is upright
// without it.
func orient(src *image.RGBA, orientation int) *image.RGBA {
	if orientation <= 1 || orientation > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewRGBA(orientedSize(w, h, orientation))
	for y := range h {
		for x := range w {
			dx, dy := orientedAt(x, y, w, h, orientation)
			copy(dst.Pix[dy*dst.Stride+4*dx:dy*dst.Stride+4*dx+4], src.Pix[y*src.Stride+4*x:y*src.Stride+4*x+4])
		}
	}
	return dst
}
