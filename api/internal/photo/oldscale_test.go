package photo

// Today's scaler (before the model's copy came from the stored one), kept
// to compare the new copies with what Process used to return.

import (
	"image"
	"image/color"
)

func todaysScaleBoth(img image.Image, edgeA, edgeB int) (*image.RGBA, *image.RGBA) {
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
