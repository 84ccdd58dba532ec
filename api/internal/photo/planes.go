package photo

import "image"

// The YCbCr path: a JPEG decodes into planes (full-size luma, subsampled
// chroma), and image/jpeg encodes from planes. Scaling each plane on its
// own (luma once per pixel, chroma once per chroma sample) and handing the
// encoder planes skips the conversion to RGB and back, and touches a
// quarter of the samples the RGB path does for chroma: most of a large
// photo's scaling time.

// scaleYCbCr reduces src to a 4:2:0 picture whose long edge is at most
// edge, by area averaging each plane. ok is false for a layout whose
// chroma would have to be enlarged (4:1:1 reduced a little), which the
// RGB path (scale) handles.
func scaleYCbCr(src *image.YCbCr, edge int) (*image.YCbCr, bool) {
	b := src.Rect
	if b.Min != (image.Point{}) {
		return nil, false
	}
	sw, sh := b.Dx(), b.Dy()
	dw, dh := fitWithin(sw, sh, edge)
	cw, ch := chromaSize(src)
	dcw, dch := (dw+1)/2, (dh+1)/2
	if dcw > cw || dch > ch {
		return nil, false
	}
	dst := image.NewYCbCr(image.Rect(0, 0, dw, dh), image.YCbCrSubsampleRatio420)
	scalePlane(src.Y, src.YStride, sw, sh, dst.Y, dst.YStride, dw, dh)
	scalePlane(src.Cb, src.CStride, cw, ch, dst.Cb, dst.CStride, dcw, dch)
	scalePlane(src.Cr, src.CStride, cw, ch, dst.Cr, dst.CStride, dcw, dch)
	return dst, true
}

// chromaSize is the size of src's chroma planes (its Rect at the origin).
func chromaSize(src *image.YCbCr) (int, int) {
	hs, vs := chromaShifts(src.SubsampleRatio)
	w, h := src.Rect.Dx(), src.Rect.Dy()
	return (w + 1<<hs - 1) >> hs, (h + 1<<vs - 1) >> vs
}

// scalePlane area-averages the sw×sh plane src into the dw×dh plane dst
// (dw ≤ sw, dh ≤ sh); see scale for the method.
func scalePlane(src []uint8, sstride, sw, sh int, dst []uint8, dstride, dw, dh int) {
	cols, rows := gathers(spans(sw, dw), dw), spans(sh, dh)
	hsum := make([]uint32, dw)
	acc := [2][]uint64{make([]uint64, dw), make([]uint64, dw)}
	mean := newDivider(uint64(sw) * uint64(sh))
	flush := func(y int, sums []uint64) {
		if y >= dh {
			return
		}
		out := dst[y*dstride : y*dstride+dw]
		for x, s := range sums {
			out[x] = uint8(mean.round(s))
		}
	}
	cur := 0
	for y := range sh {
		row := src[y*sstride : y*sstride+sw]
		for k, g := range cols {
			var mid uint32
			for _, v := range row[g.lo : g.hi-1] {
				mid += uint32(v)
			}
			hsum[k] = mid*uint32(dw) + uint32(row[g.hi-1])*g.wLast + uint32(row[g.prev])*g.wPrev
		}
		r := rows[y]
		if int(r.to) != cur {
			flush(cur, acc[0])
			acc[0], acc[1] = acc[1], acc[0]
			clear(acc[1])
			cur = int(r.to)
		}
		a0, a1 := acc[0], acc[1]
		w0, w1 := uint64(r.w0), uint64(r.w1)
		for i, v := range hsum[:dw] {
			a0[i] += uint64(v) * w0
			a1[i] += uint64(v) * w1
		}
	}
	flush(cur, acc[0])
}

// gather is where output pixel k of a row takes its sum from (the same
// weights as span's, read per output instead of scattered per source):
// sources lo to hi-1 fall in it, wholly but the last (weight wLast), and
// source prev, the one before lo, spills into it with weight wPrev.
type gather struct {
	lo, hi, prev int32
	wLast, wPrev uint32
}

// gathers turns spans (sn sources into dn outputs, dn ≤ sn, so each
// output has at least one source starting in it) into their gathers.
func gathers(cols []span, dn int) []gather {
	out := make([]gather, dn)
	x := 0
	for k := range out {
		lo := x
		for x < len(cols) && int(cols[x].to) == k {
			x++
		}
		g := gather{lo: int32(lo), hi: int32(x), wLast: cols[x-1].w0}
		if lo > 0 {
			g.prev, g.wPrev = int32(lo-1), cols[lo-1].w1
		}
		out[k] = g
	}
	return out
}

// orientYCbCr turns a 4:2:0 picture upright (EXIF orientation 2-8), plane
// by plane.
func orientYCbCr(src *image.YCbCr, orientation int) *image.YCbCr {
	if orientation <= 1 || orientation > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewYCbCr(orientedSize(w, h, orientation), image.YCbCrSubsampleRatio420)
	orientPlane(src.Y, src.YStride, w, h, dst.Y, dst.YStride, orientation)
	cw, ch := (w+1)/2, (h+1)/2
	orientPlane(src.Cb, src.CStride, cw, ch, dst.Cb, dst.CStride, orientation)
	orientPlane(src.Cr, src.CStride, cw, ch, dst.Cr, dst.CStride, orientation)
	return dst
}

// orientPlane writes the w×h plane src into dst turned by orientation.
func orientPlane(src []uint8, sstride, w, h int, dst []uint8, dstride, orientation int) {
	for y := range h {
		for x := range w {
			dx, dy := orientedAt(x, y, w, h, orientation)
			dst[dy*dstride+dx] = src[y*sstride+x]
		}
	}
}

// orientedSize is the size of a w×h picture once turned upright.
func orientedSize(w, h, orientation int) image.Rectangle {
	if orientation >= 5 {
		w, h = h, w
	}
	return image.Rect(0, 0, w, h)
}

// orientedAt is where pixel (x, y) of a w×h picture lands once turned by
// an EXIF orientation.
func orientedAt(x, y, w, h, orientation int) (int, int) {
	switch orientation {
	case 2: // mirrored
		return w - 1 - x, y
	case 3: // rotated 180°
		return w - 1 - x, h - 1 - y
	case 4: // mirrored vertically
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // rotated 90° clockwise to view
		return h - 1 - y, x
	case 7: // transversed
		return h - 1 - y, w - 1 - x
	case 8: // rotated 90° counter-clockwise to view
		return y, w - 1 - x
	}
	return x, y
}
