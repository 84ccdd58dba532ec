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
	a := newBoxScaler(sw, sh, edgeA)
	c := newBoxScaler(sw, sh, edgeB)
	row := make([]uint8, 3*sw)
	for y := range sh {
		readRow(img, b.Min.Y+y, row)
		a.add(y, row)
		c.add(y, row)
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
	dst            *image.RGBA
	colOf          []int    // output column of each source column
	colCount       []uint32 // source columns per output column
	sums           []uint32 // r, g, b sums of the current output row
	row, rows      int      // current output row, source rows summed into it
}

func newBoxScaler(sw, sh, edge int) *boxScaler {
	dw, dh := fitWithin(sw, sh, edge)
	s := &boxScaler{
		sw: sw, sh: sh, dw: dw, dh: dh,
		dst:      image.NewRGBA(image.Rect(0, 0, dw, dh)),
		colOf:    make([]int, sw),
		colCount: make([]uint32, dw),
		sums:     make([]uint32, 3*dw),
	}
	for x := range sw {
		dx := x * dw / sw
		s.colOf[x] = dx
		s.colCount[dx]++
	}
	return s
}

func (s *boxScaler) add(y int, row []uint8) {
	if dy := y * s.dh / s.sh; dy != s.row {
		s.flush()
		s.row = dy
	}
	for x, dx := range s.colOf {
		s.sums[3*dx] += uint32(row[3*x])
		s.sums[3*dx+1] += uint32(row[3*x+1])
		s.sums[3*dx+2] += uint32(row[3*x+2])
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
		for c := range 3 {
			out[4*dx+c] = uint8((s.sums[3*dx+c] + n/2) / n)
			s.sums[3*dx+c] = 0
		}
		out[4*dx+3] = 0xff
	}
	s.rows = 0
}

// readRow writes row y of img as 8-bit RGB over white into row. The types
// image/jpeg, image/png and x/image/webp return for photos have fast
// paths; anything else (CMYK JPEGs, 16-bit PNGs) goes through At.
func readRow(img image.Image, y int, row []uint8) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		for x := range b.Dx() {
			yi := m.YOffset(b.Min.X+x, y)
			ci := m.COffset(b.Min.X+x, y)
			r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
			row[3*x], row[3*x+1], row[3*x+2] = r, g, bl
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
