package photo

import (
	"image"
	"image/color"
)

// scaleBoth reduces img to two copies whose long edges are at most edgeA
// and edgeB, in one pass over the source rows. Each output pixel is the
// average of the source pixels that fall on it (a box filter: right for
// large reductions, and its memory is one row of sums per output, where
// x/image/draw's kernels allocate 32 bytes per output column per source
// row). Transparent pixels are composed over white: JPEG has no alpha.
func scaleBoth(img image.Image, edgeA, edgeB int) (*image.RGBA, *image.RGBA) {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	_, ycc := img.(*image.YCbCr)
	a := newBoxScaler(sw, sh, edgeA, ycc)
	c := newBoxScaler(sw, sh, edgeB, ycc)
	row := make([]uint8, 3*sw)
	for y := range sh {
		readRow(img, b.Min.Y+y, row)
		a.startRow(y)
		c.startRow(y)
		// One pass over the row for both outputs: this loop runs once per
		// source pixel, tens of millions of times per photo.
		as, cs := a.sums, c.sums
		for x, dx := range a.colOf {
			p := row[3*x : 3*x+3 : 3*x+3]
			da, dc := 3*int(dx), 3*int(c.colOf[x])
			as[da] += uint32(p[0])
			as[da+1] += uint32(p[1])
			as[da+2] += uint32(p[2])
			cs[dc] += uint32(p[0])
			cs[dc+1] += uint32(p[1])
			cs[dc+2] += uint32(p[2])
		}
	}
	a.flush()
	c.flush()
	return a.dst, c.dst
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

type boxScaler struct {
	sw, sh, dw, dh int
	// ycc: the sums are of Y, Cb, Cr (averaging commutes with the affine
	// conversion, so it runs once per output pixel instead of per input).
	ycc       bool
	dst       *image.RGBA
	colOf     []int32  // output column of each source column
	colCount  []uint32 // source columns per output column
	sums      []uint32 // r, g, b sums of the current output row
	row, rows int      // current output row, source rows summed into it
}

func newBoxScaler(sw, sh, edge int, ycc bool) *boxScaler {
	dw, dh := fitWithin(sw, sh, edge)
	s := &boxScaler{
		sw: sw, sh: sh, dw: dw, dh: dh, ycc: ycc,
		dst:      image.NewRGBA(image.Rect(0, 0, dw, dh)),
		colOf:    make([]int32, sw),
		colCount: make([]uint32, dw),
		sums:     make([]uint32, 3*dw),
	}
	for x := range sw {
		dx := x * dw / sw
		s.colOf[x] = int32(dx)
		s.colCount[dx]++
	}
	return s
}

// startRow moves to the output row of source row y, storing the finished
// one.
func (s *boxScaler) startRow(y int) {
	if dy := y * s.dh / s.sh; dy != s.row {
		s.flush()
		s.row = dy
	}
	s.rows++
}

func (s *boxScaler) flush() {
	if s.rows == 0 {
		return
	}
	out := s.dst.Pix[s.row*s.dst.Stride:]
	for dx := range s.dw {
		n := s.colCount[dx] * uint32(s.rows)
		var v [3]uint8
		for c := range 3 {
			v[c] = uint8((s.sums[3*dx+c] + n/2) / n)
			s.sums[3*dx+c] = 0
		}
		if s.ycc {
			v[0], v[1], v[2] = color.YCbCrToRGB(v[0], v[1], v[2])
		}
		out[4*dx], out[4*dx+1], out[4*dx+2], out[4*dx+3] = v[0], v[1], v[2], 0xff
	}
	s.rows = 0
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
	default:
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
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch orientation {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // rotated 180°
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored vertically
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // rotated 90° clockwise to view
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // rotated 90° counter-clockwise to view
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dy*dst.Stride+4*dx:dy*dst.Stride+4*dx+4], src.Pix[y*src.Stride+4*x:y*src.Stride+4*x+4])
		}
	}
	return dst
}
