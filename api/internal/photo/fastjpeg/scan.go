// Copyright 2012 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package fastjpeg

import (
	"image"
	"math"
)

// makeImg allocates and initializes the destination image.
func (d *decoder) makeImg(mxx, myy int) {
	bs := 8 >> d.shift // pixels per block edge in the output
	size := image.Rect(0, 0, ScaledSize(d.width, int(d.shift)), ScaledSize(d.height, int(d.shift)))
	if d.nComp == 1 {
		m := image.NewGray(image.Rect(0, 0, bs*mxx, bs*myy))
		d.img1 = m.SubImage(size).(*image.Gray)
		return
	}

	h0 := d.comp[0].h
	v0 := d.comp[0].v
	hRatio := h0 / d.comp[1].h
	vRatio := v0 / d.comp[1].v
	var subsampleRatio image.YCbCrSubsampleRatio
	switch hRatio<<4 | vRatio {
	case 0x11:
		subsampleRatio = image.YCbCrSubsampleRatio444
	case 0x12:
		subsampleRatio = image.YCbCrSubsampleRatio440
	case 0x21:
		subsampleRatio = image.YCbCrSubsampleRatio422
	case 0x22:
		subsampleRatio = image.YCbCrSubsampleRatio420
	case 0x41:
		subsampleRatio = image.YCbCrSubsampleRatio411
	case 0x42:
		subsampleRatio = image.YCbCrSubsampleRatio410
	default:
		panic("unreachable")
	}
	m := image.NewYCbCr(image.Rect(0, 0, bs*h0*mxx, bs*v0*myy), subsampleRatio)
	d.img3 = m.SubImage(size).(*image.YCbCr)

	if d.nComp == 4 {
		h3, v3 := d.comp[3].h, d.comp[3].v
		d.blackPix = make([]byte, bs*h3*mxx*bs*v3*myy)
		d.blackStride = bs * h3 * mxx
	}
}

// Specified in section B.2.3.
func (d *decoder) processSOS(n int) error {
	if d.nComp == 0 {
		return FormatError("missing SOF marker")
	}
	if n < 6 || 4+2*d.nComp < n || n%2 != 0 {
		return FormatError("SOS has wrong length")
	}
	if err := d.readFull(d.tmp[:n]); err != nil {
		return err
	}
	nComp := int(d.tmp[0])
	if n != 4+2*nComp {
		return FormatError("SOS length inconsistent with number of components")
	}
	var scan [maxComponents]struct {
		compIndex uint8
		td        uint8 // DC table selector.
		ta        uint8 // AC table selector.
	}
	totalHV := 0
	for i := 0; i < nComp; i++ {
		cs := d.tmp[1+2*i] // Component selector.
		compIndex := -1
		for j, comp := range d.comp[:d.nComp] {
			if cs == comp.c {
				compIndex = j
			}
		}
		if compIndex < 0 {
			return FormatError("unknown component selector")
		}
		scan[i].compIndex = uint8(compIndex)
		// Section B.2.3 states that "the value of Cs_j shall be different from
		// the values of Cs_1 through Cs_(j-1)". Since we have previously
		// verified that a frame's component identifiers (C_i values in section
		// B.2.2) are unique, it suffices to check that the implicit indexes
		// into d.comp are unique.
		for j := 0; j < i; j++ {
			if scan[i].compIndex == scan[j].compIndex {
				return FormatError("repeated component selector")
			}
		}
		totalHV += d.comp[compIndex].h * d.comp[compIndex].v

		// The baseline t <= 1 restriction is specified in table B.3.
		scan[i].td = d.tmp[2+2*i] >> 4
		if t := scan[i].td; t > maxTh || (d.baseline && t > 1) {
			return FormatError("bad Td value")
		}
		scan[i].ta = d.tmp[2+2*i] & 0x0f
		if t := scan[i].ta; t > maxTh || (d.baseline && t > 1) {
			return FormatError("bad Ta value")
		}
	}
	// Section B.2.3 states that if there is more than one component then the
	// total H*V values in a scan must be <= 10.
	if d.nComp > 1 && totalHV > 10 {
		return FormatError("total sampling factors too large")
	}

	// zigStart and zigEnd are the spectral selection bounds.
	// ah and al are the successive approximation high and low values.
	// The spec calls these values Ss, Se, Ah and Al.
	//
	// For progressive JPEGs, these are the two more-or-less independent
	// aspects of progression. Spectral selection progression is when not
	// all of a block's 64 DCT coefficients are transmitted in one pass.
	// For example, three passes could transmit coefficient 0 (the DC
	// component), coefficients 1-5, and coefficients 6-63, in zig-zag
	// order. Successive approximation is when not all of the bits of a
	// band of coefficients are transmitted in one pass. For example,
	// three passes could transmit the 6 most significant bits, followed
	// by the second-least significant bit, followed by the least
	// significant bit.
	//
	// For sequential JPEGs, these parameters are hard-coded to 0/63/0/0, as
	// per table B.3.
	zigStart, zigEnd, ah, al := int32(0), int32(blockSize-1), uint32(0), uint32(0)
	if d.progressive {
		zigStart = int32(d.tmp[1+2*nComp])
		zigEnd = int32(d.tmp[2+2*nComp])
		ah = uint32(d.tmp[3+2*nComp] >> 4)
		al = uint32(d.tmp[3+2*nComp] & 0x0f)
		if (zigStart == 0 && zigEnd != 0) || zigStart > zigEnd || blockSize <= zigEnd {
			return FormatError("bad spectral selection bounds")
		}
		if zigStart != 0 && nComp != 1 {
			return FormatError("progressive AC coefficients for more than one component")
		}
		if ah != 0 && ah != al+1 {
			return FormatError("bad successive approximation values")
		}
	}

	// mxx and myy are the number of MCUs (Minimum Coded Units) in the image.
	h0, v0 := d.comp[0].h, d.comp[0].v // The h and v values from the Y components.
	mxx := (d.width + 8*h0 - 1) / (8 * h0)
	myy := (d.height + 8*v0 - 1) / (8 * v0)
	if d.img1 == nil && d.img3 == nil {
		d.makeImg(mxx, myy)
	}
	if d.progressive {
		for i := 0; i < nComp; i++ {
			compIndex := scan[i].compIndex
			if d.progCoeffs[compIndex] == nil {
				d.progCoeffs[compIndex] = make([]block, mxx*myy*d.comp[compIndex].h*d.comp[compIndex].v)
			}
		}
	}

	d.bits = bits{}
	mcu, expectedRST := 0, uint8(rst0Marker)
	var (
		// b is the decoded coefficients, in natural (not zig-zag) order.
		b  block
		dc [maxComponents]int32
		// bx and by are the location of the current block, in units of 8x8
		// blocks: the third block in the first row has (bx, by) = (2, 0).
		bx, by     int
		blockCount int
	)
	for my := 0; my < myy; my++ {
		for mx := 0; mx < mxx; mx++ {
			for i := 0; i < nComp; i++ {
				compIndex := scan[i].compIndex
				hi := d.comp[compIndex].h
				vi := d.comp[compIndex].v
				for j := 0; j < hi*vi; j++ {
					// The blocks are traversed one MCU at a time. For 4:2:0 chroma
					// subsampling, there are four Y 8x8 blocks in every 16x16 MCU.
					//
					// For a sequential 32x16 pixel image, the Y blocks visiting order is:
					//	0 1 4 5
					//	2 3 6 7
					//
					// For progressive images, the interleaved scans (those with nComp > 1)
					// are traversed as above, but non-interleaved scans are traversed left
					// to right, top to bottom:
					//	0 1 2 3
					//	4 5 6 7
					// Only DC scans (zigStart == 0) can be interleaved. AC scans must have
					// only one component.
					//
					// To further complicate matters, for non-interleaved scans, there is no
					// data for any blocks that are inside the image at the MCU level but
					// outside the image at the pixel level. For example, a 24x16 pixel 4:2:0
					// progressive image consists of two 16x16 MCUs. The interleaved scans
					// will process 8 Y blocks:
					//	0 1 4 5
					//	2 3 6 7
					// The non-interleaved scans will process only 6 Y blocks:
					//	0 1 2
					//	3 4 5
					if nComp != 1 {
						bx = hi*mx + j%hi
						by = vi*my + j/hi
					} else {
						q := mxx * hi
						bx = blockCount % q
						by = blockCount / q
						blockCount++
						if bx*8 >= d.width || by*8 >= d.height {
							continue
						}
					}

					if !d.progressive {
						b = block{}
						if err := d.decodeSequential(&b, &d.huff[dcTable][scan[i].td], &d.huff[acTable][scan[i].ta], &dc[compIndex]); err != nil {
							return err
						}
						if err := d.reconstructBlock(&b, bx, by, int(compIndex)); err != nil {
							return err
						}
						continue
					}

					// Load the previous partially decoded coefficients, if applicable.
					if d.progressive {
						b = d.progCoeffs[compIndex][by*mxx*hi+bx]
					} else {
						b = block{}
					}

					if ah != 0 {
						if err := d.refine(&b, &d.huff[acTable][scan[i].ta], zigStart, zigEnd, 1<<al); err != nil {
							return err
						}
					} else {
						zig := zigStart
						if zig == 0 {
							zig++
							// Decode the DC coefficient, as specified in section F.2.2.1.
							value, err := d.decodeHuffman(&d.huff[dcTable][scan[i].td])
							if err != nil {
								return err
							}
							if value > 16 {
								return UnsupportedError("excessive DC component")
							}
							dcDelta, err := d.receiveExtend(value)
							if err != nil {
								return err
							}
							dc[compIndex] += dcDelta
							b[0] = dc[compIndex] << al
						}

						if zig <= zigEnd && d.eobRun > 0 {
							d.eobRun--
						} else {
							// Decode the AC coefficients, as specified in section F.2.2.2.
							huff := &d.huff[acTable][scan[i].ta]
							for ; zig <= zigEnd; zig++ {
								value, err := d.decodeHuffman(huff)
								if err != nil {
									return err
								}
								val0 := value >> 4
								val1 := value & 0x0f
								if val1 != 0 {
									zig += int32(val0)
									if zig > zigEnd {
										break
									}
									ac, err := d.receiveExtend(val1)
									if err != nil {
										return err
									}
									b[unzig[zig]] = ac << al
								} else {
									if val0 != 0x0f {
										d.eobRun = uint16(1 << val0)
										if val0 != 0 {
											bits, err := d.decodeBits(int32(val0))
											if err != nil {
												return err
											}
											d.eobRun |= uint16(bits)
										}
										d.eobRun--
										break
									}
									zig += 0x0f
								}
							}
						}
					}

					if d.progressive {
						// Save the coefficients.
						d.progCoeffs[compIndex][by*mxx*hi+bx] = b
						// At this point, we could call reconstructBlock to dequantize and perform the
						// inverse DCT, to save early stages of a progressive image to the *image.YCbCr
						// buffers (the whole point of progressive encoding), but in Go, the jpeg.Decode
						// function does not return until the entire image is decoded, so we "continue"
						// here to avoid wasted computation. Instead, reconstructBlock is called on each
						// accumulated block by the reconstructProgressiveImage method after all of the
						// SOS markers are processed.
						continue
					}
					if err := d.reconstructBlock(&b, bx, by, int(compIndex)); err != nil {
						return err
					}
				} // for j
			} // for i
			mcu++
			if d.ri > 0 && mcu%d.ri == 0 && mcu < mxx*myy {
				// For well-formed input, the RST[0-7] restart marker follows
				// immediately. For corrupt input, call findRST to try to
				// resynchronize.
				if err := d.readFull(d.tmp[:2]); err != nil {
					return err
				} else if d.tmp[0] != 0xff || d.tmp[1] != expectedRST {
					if err := d.findRST(expectedRST); err != nil {
						return err
					}
				}
				expectedRST++
				if expectedRST == rst7Marker+1 {
					expectedRST = rst0Marker
				}
				// Reset the Huffman decoder.
				d.bits = bits{}
				// Reset the DC components, as per section F.2.1.3.1.
				dc = [maxComponents]int32{}
				// Reset the progressive decoder state, as per section G.1.2.2.
				d.eobRun = 0
			}
		} // for mx
	} // for my

	return nil
}

// decodeSequential decodes one block of a sequential scan into b (zeroed),
// as the progressive loop in processSOS does with zigStart 0, zigEnd 63 and
// al 0, but with the bit accumulator in locals, and while at least 32 bits
// are buffered (a code is at most 16 bits, a value at most 16) each symbol
// from one look-up of the next fastBits bits: its code and, when they fit,
// its value too (huffman.fast). Near a marker or the end of the
// buffer it takes each symbol the generic way (acStep), so a truncated or
// corrupt scan fails as it does in image/jpeg.
func (d *decoder) decodeSequential(b *block, dcH, acH *huffman, dc *int32) error {
	if d.bits.n < 32 {
		d.fillFast()
	}
	var dcDelta int32
	if d.bits.n >= 32 && dcH.nCodes != 0 && !dcH.generic {
		a, n := d.bits.a, d.bits.n
		e := dcH.fast[(a>>uint(n-fastBits))&(1<<fastBits-1)]
		var size uint32
		switch {
		case e&fastComplete != 0:
			n -= int32(e & 0x1f)
			dcDelta = int32(int16(e >> 16))
		case e != 0:
			n -= int32(e & 0x1f)
			size = e >> 8 & 0xff
		default:
			sym, ok := slowSymbol(dcH, a, &n)
			if !ok {
				return FormatError("bad Huffman code")
			}
			size = uint32(sym)
		}
		if size > 16 {
			return UnsupportedError("excessive DC component")
		}
		if size != 0 {
			n -= int32(size)
			x := int32(a>>uint(n)) & (1<<size - 1)
			if x < 1<<(size-1) {
				x += -1<<size + 1
			}
			dcDelta = x
		}
		d.bits.a, d.bits.n, d.bits.m = a, n, mask(n)
	} else {
		value, err := d.decodeHuffman(dcH)
		if err != nil {
			return err
		}
		if value > 16 {
			return UnsupportedError("excessive DC component")
		}
		if dcDelta, err = d.receiveExtend(value); err != nil {
			return err
		}
	}
	*dc += dcDelta
	b[0] = *dc
	if d.eobRun > 0 {
		d.eobRun--
		return nil
	}
	if acH.nCodes == 0 {
		return FormatError("uninitialized Huffman table")
	}
	a, n := d.bits.a, d.bits.n
	for zig := int32(1); zig < blockSize; zig++ {
		if n < 32 || acH.generic {
			d.bits.a, d.bits.n = a, n
			if !acH.generic {
				d.fillFast()
			}
			if d.bits.n < 32 || acH.generic {
				d.bits.m = mask(d.bits.n)
				next, done, err := d.acStep(b, acH, zig)
				if err != nil || done {
					return err
				}
				zig = next
				a, n = d.bits.a, d.bits.n
				continue
			}
			a, n = d.bits.a, d.bits.n
		}
		e := acH.fast[(a>>uint(n-fastBits))&(1<<fastBits-1)]
		var sym uint8
		if e&fastComplete != 0 && e>>8&0x0f != 0 {
			// Code and value in one: the usual case.
			run := int32(e >> 12 & 0x0f)
			if zig+run >= blockSize {
				// image/jpeg stops before the value's bits.
				n -= int32(e&0x1f) - int32(e>>8&0x0f)
				break
			}
			zig += run
			n -= int32(e & 0x1f)
			b[unzig[zig]] = int32(int16(e >> 16))
			continue
		}
		if e != 0 {
			n -= int32(e & 0x1f)
			sym = uint8(e >> 8)
		} else {
			var ok bool
			if sym, ok = slowSymbol(acH, a, &n); !ok {
				return FormatError("bad Huffman code")
			}
		}
		run, size := int32(sym>>4), uint(sym&0x0f)
		if size != 0 {
			zig += run
			if zig >= blockSize {
				break
			}
			n -= int32(size)
			x := int32(a>>uint(n)) & (1<<size - 1)
			if x < 1<<(size-1) {
				x += -1<<size + 1
			}
			b[unzig[zig]] = x
			continue
		}
		if run == 0x0f {
			zig += 0x0f
			continue
		}
		// End of block, or an end-of-band run (progressive syntax, which
		// image/jpeg accepts here too).
		d.bits.a, d.bits.n, d.bits.m = a, n, mask(n)
		return d.startEOBRun(run)
	}
	d.bits.a, d.bits.n, d.bits.m = a, n, mask(n)
	return nil
}

// slowSymbol decodes a code longer than fastBits bit by bit from the n
// bits of a (at least 16), as decodeHuffman's slow path does.
func slowSymbol(h *huffman, a uint64, n *int32) (uint8, bool) {
	code := int32(0)
	for i := 0; i < maxCodeLength; i++ {
		*n--
		code = code<<1 | int32(a>>uint(*n))&1
		if code <= h.maxCodes[i] {
			return h.vals[h.valsIndices[i]+code-h.minCodes[i]], true
		}
	}
	return 0, false
}

// acStep decodes one AC symbol of a sequential scan the generic way (the
// body of processSOS's loop): the next zig-zag index, and whether the
// block is done.
func (d *decoder) acStep(b *block, h *huffman, zig int32) (int32, bool, error) {
	value, err := d.decodeHuffman(h)
	if err != nil {
		return 0, false, err
	}
	val0, val1 := value>>4, value&0x0f
	if val1 != 0 {
		zig += int32(val0)
		if zig >= blockSize {
			return zig, true, nil
		}
		ac, err := d.receiveExtend(val1)
		if err != nil {
			return 0, false, err
		}
		b[unzig[zig]] = ac
		return zig, false, nil
	}
	if val0 != 0x0f {
		return zig, true, d.startEOBRun(int32(val0))
	}
	return zig + 0x0f, false, nil
}

// startEOBRun reads the length of an end-of-band run of 2^r blocks plus r
// bits' worth, this block included.
func (d *decoder) startEOBRun(r int32) error {
	d.eobRun = uint16(1 << r)
	if r != 0 {
		bits, err := d.decodeBits(r)
		if err != nil {
			return err
		}
		d.eobRun |= uint16(bits)
	}
	d.eobRun--
	return nil
}

// mask is bits.m for n unread bits.
func mask(n int32) uint64 {
	if n == 0 {
		return 0
	}
	return 1 << (n - 1)
}

// refine decodes a successive approximation refinement block, as specified in
// section G.1.2.
func (d *decoder) refine(b *block, h *huffman, zigStart, zigEnd, delta int32) error {
	// Refining a DC component is trivial.
	if zigStart == 0 {
		if zigEnd != 0 {
			panic("unreachable")
		}
		bit, err := d.decodeBit()
		if err != nil {
			return err
		}
		if bit {
			b[0] |= delta
		}
		return nil
	}

	// Refining AC components is more complicated; see sections G.1.2.2 and G.1.2.3.
	zig := zigStart
	if d.eobRun == 0 {
	loop:
		for ; zig <= zigEnd; zig++ {
			z := int32(0)
			value, err := d.decodeHuffman(h)
			if err != nil {
				return err
			}
			val0 := value >> 4
			val1 := value & 0x0f

			switch val1 {
			case 0:
				if val0 != 0x0f {
					d.eobRun = uint16(1 << val0)
					if val0 != 0 {
						bits, err := d.decodeBits(int32(val0))
						if err != nil {
							return err
						}
						d.eobRun |= uint16(bits)
					}
					break loop
				}
			case 1:
				z = delta
				bit, err := d.decodeBit()
				if err != nil {
					return err
				}
				if !bit {
					z = -z
				}
			default:
				return FormatError("unexpected Huffman code")
			}

			zig, err = d.refineNonZeroes(b, zig, zigEnd, int32(val0), delta)
			if err != nil {
				return err
			}
			if zig > zigEnd {
				return FormatError("too many coefficients")
			}
			if z != 0 {
				b[unzig[zig]] = z
			}
		}
	}
	if d.eobRun > 0 {
		d.eobRun--
		if _, err := d.refineNonZeroes(b, zig, zigEnd, -1, delta); err != nil {
			return err
		}
	}
	return nil
}

// refineNonZeroes refines non-zero entries of b in zig-zag order. If nz >= 0,
// the first nz zero entries are skipped over.
func (d *decoder) refineNonZeroes(b *block, zig, zigEnd, nz, delta int32) (int32, error) {
	for ; zig <= zigEnd; zig++ {
		u := unzig[zig]
		if b[u] == 0 {
			if nz == 0 {
				break
			}
			nz--
			continue
		}
		bit, err := d.decodeBit()
		if err != nil {
			return 0, err
		}
		if !bit {
			continue
		}
		if b[u] >= 0 {
			b[u] += delta
		} else {
			b[u] -= delta
		}
	}
	return zig, nil
}

func (d *decoder) reconstructProgressiveImage() error {
	// The h0, mxx, by and bx variables have the same meaning as in the
	// processSOS method.
	h0 := d.comp[0].h
	mxx := (d.width + 8*h0 - 1) / (8 * h0)
	for i := 0; i < d.nComp; i++ {
		if d.progCoeffs[i] == nil {
			continue
		}
		v := 8 * d.comp[0].v / d.comp[i].v
		h := 8 * d.comp[0].h / d.comp[i].h
		stride := mxx * d.comp[i].h
		for by := 0; by*v < d.height; by++ {
			for bx := 0; bx*h < d.width; bx++ {
				if err := d.reconstructBlock(&d.progCoeffs[i][by*stride+bx], bx, by, i); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// reconstructBlock dequantizes, performs the inverse DCT and stores the block
// to the image, reduced to 8>>d.shift pixels a side (reducedIDCT; at 1/8
// the block's mean, its DC coefficient).
func (d *decoder) reconstructBlock(b *block, bx, by, compIndex int) error {
	qt := &d.quant[d.comp[compIndex].tq]
	bs := 8 >> d.shift
	dst, stride := []byte(nil), 0
	if d.nComp == 1 {
		dst, stride = d.img1.Pix[bs*(by*d.img1.Stride+bx):], d.img1.Stride
	} else {
		switch compIndex {
		case 0:
			dst, stride = d.img3.Y[bs*(by*d.img3.YStride+bx):], d.img3.YStride
		case 1:
			dst, stride = d.img3.Cb[bs*(by*d.img3.CStride+bx):], d.img3.CStride
		case 2:
			dst, stride = d.img3.Cr[bs*(by*d.img3.CStride+bx):], d.img3.CStride
		case 3:
			dst, stride = d.blackPix[bs*(by*d.blackStride+bx):], d.blackStride
		default:
			return UnsupportedError("too many components")
		}
	}
	if d.shift == 3 {
		// idct's output for a block is its input scaled by 1/8, and the
		// DC basis function is flat: the block's mean is DC/8.
		dst[0] = clip(div(b[0]*qt[0], 8))
		return nil
	}
	if d.shift != 0 {
		reducedIDCT(b, qt, int(8>>d.shift), dst, stride)
		return nil
	}
	var ac int32
	for _, c := range b[1:] {
		ac |= c
	}
	if dc := b[0] * qt[0]; ac == 0 && dc > -1<<13 && dc < 1<<13 {
		// A flat block (most of a photo's chroma, its sky and walls):
		// idct gives (dc+4)>>3 everywhere, without overflow in this range.
		v := clip((dc + 4) >> 3)
		for y := 0; y < 8; y++ {
			row := dst[y*stride : y*stride+8 : y*stride+8]
			for x := range row {
				row[x] = v
			}
		}
		return nil
	}
	for zig := 0; zig < blockSize; zig++ {
		b[unzig[zig]] *= qt[zig]
	}
	idct(b)
	// Level shift by +128, clip to [0, 255], and write to dst.
	for y := 0; y < 8; y++ {
		y8 := y * 8
		yStride := y * stride
		for x := 0; x < 8; x++ {
			dst[yStride+x] = clip(b[y8+x])
		}
	}
	return nil
}

// reducedIDCT writes the n×n picture (n = 4 or 2) of the block whose
// coefficients are b (natural order, quantized by qt in zig-zag order):
// the inverse DCT of its n×n lowest frequencies, sampled at the centres of
// the n×n cells (libjpeg's scaled IDCT, jidctred.c). It is the block's
// picture with what an n-pixel grid cannot hold cut off, not blurred
// (a box average of the full IDCT attenuates what it keeps and aliases
// what it does not), and it reads n² coefficients instead of 64.
func reducedIDCT(b *block, qt *block, n int, dst []byte, stride int) {
	if n == 4 {
		reducedIDCT4(b, qt, dst, stride)
		return
	}
	basis := &reducedBasis[n/4]
	var rows [4][4]float32 // rows[v][x]: frequency row v transformed along x
	for v := 0; v < n; v++ {
		var f [4]float32
		nonzero := false
		for u := 0; u < n; u++ {
			if c := b[8*v+u]; c != 0 {
				f[u] = float32(c * qt[zigOf[8*v+u]])
				nonzero = true
			}
		}
		if !nonzero {
			continue
		}
		for x := 0; x < n; x++ {
			var sum float32
			for u := 0; u < n; u++ {
				sum += basis[x][u] * f[u]
			}
			rows[v][x] = sum
		}
	}
	for y := 0; y < n; y++ {
		out := dst[y*stride : y*stride+n]
		for x := range out {
			sum := float32(128.5)
			for v := 0; v < n; v++ {
				sum += basis[y][v] * rows[v][x]
			}
			switch {
			case sum < 0:
				out[x] = 0
			case sum >= 255:
				out[x] = 255
			default:
				out[x] = uint8(sum)
			}
		}
	}
}

// The 4-point inverse DCT's factors: α(0) and α(u)·cos(uπ/8) for u = 1-3.
var (
	idct4A0 = float32(math.Sqrt(1.0 / 8))
	idct4B1 = float32(0.5 * math.Cos(math.Pi/8))
	idct4A2 = float32(0.5 * math.Cos(2*math.Pi/8))
	idct4B3 = float32(0.5 * math.Cos(3*math.Pi/8))
)

// zig4 are the zig-zag indexes of the 4×4 lowest frequencies, row by row.
var zig4 = func() (z [16]uint8) {
	for v := 0; v < 4; v++ {
		for u := 0; u < 4; u++ {
			z[4*v+u] = uint8(zigOf[8*v+u])
		}
	}
	return z
}()

// reducedIDCT4 is reducedIDCT for n = 4 (a decode at half size, the usual
// one), each 4-point transform as two butterflies.
func reducedIDCT4(b *block, qt *block, dst []byte, stride int) {
	a0, b1, a2, b3 := idct4A0, idct4B1, idct4A2, idct4B3
	var r [16]float32 // r[4v+x]: frequency row v transformed along x
	for v := 0; v < 4; v++ {
		c := b[8*v : 8*v+4 : 8*v+4]
		if c[0]|c[1]|c[2]|c[3] == 0 {
			continue
		}
		z := zig4[4*v : 4*v+4 : 4*v+4]
		f0, f1 := float32(c[0]*qt[z[0]&63]), float32(c[1]*qt[z[1]&63])
		f2, f3 := float32(c[2]*qt[z[2]&63]), float32(c[3]*qt[z[3]&63])
		e0, e1 := a0*f0+a2*f2, a0*f0-a2*f2
		o0, o1 := b1*f1+b3*f3, b3*f1-b1*f3
		row := r[4*v : 4*v+4 : 4*v+4]
		row[0], row[1], row[2], row[3] = e0+o0, e1+o1, e1-o1, e0-o0
	}
	_ = dst[3*stride+3]
	for x := 0; x < 4; x++ {
		f0, f1, f2, f3 := r[x], r[4+x], r[8+x], r[12+x]
		e0, e1 := a0*f0+a2*f2+128.5, a0*f0-a2*f2+128.5
		o0, o1 := b1*f1+b3*f3, b3*f1-b1*f3
		dst[x] = clampf(e0 + o0)
		dst[stride+x] = clampf(e1 + o1)
		dst[2*stride+x] = clampf(e1 - o1)
		dst[3*stride+x] = clampf(e0 - o0)
	}
}

// clampf is v (level-shifted, plus a half for rounding) as a sample.
func clampf(v float32) uint8 {
	switch {
	case v < 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v)
}

// reducedBasis[n/4][k][u] is the inverse DCT's basis function for
// frequency u at the centre of cell k of an n-cell grid (n = 2, 4), with
// the 8-point transform's scale (α(0) = √(1/8), α(u) = 1/2, as idct).
var reducedBasis = func() (t [2][4][4]float32) {
	for i, n := range []int{2, 4} {
		for k := 0; k < n; k++ {
			for u := 0; u < n; u++ {
				alpha := 0.5
				if u == 0 {
					alpha = math.Sqrt(1.0 / 8)
				}
				t[i][k][u] = float32(alpha * math.Cos(float64((2*k+1)*u)*math.Pi/float64(2*n)))
			}
		}
	}
	return t
}()

// zigOf is unzig's inverse: the zig-zag index of each natural position.
var zigOf = func() (z [blockSize]int) {
	for zig, natural := range unzig {
		z[natural] = zig
	}
	return z
}()

// clip level-shifts an inverse DCT output by +128 and clips it to [0, 255].
func clip(c int32) uint8 {
	if c < -128 {
		return 0
	} else if c > 127 {
		return 255
	}
	return uint8(c + 128)
}

// findRST advances past the next RST restart marker that matches expectedRST.
// Other than I/O errors, it is also an error if we encounter an {0xFF, M}
// two-byte marker sequence where M is not 0x00, 0xFF or the expectedRST.
//
// This is similar to libjpeg's jdmarker.c's next_marker function.
// https://github.com/libjpeg-turbo/libjpeg-turbo/blob/2dfe6c0fe9e18671105e94f7cbf044d4a1d157e6/jdmarker.c#L892-L935
//
// Precondition: d.tmp[:2] holds the next two bytes of JPEG-encoded input
// (input in the d.readFull sense).
func (d *decoder) findRST(expectedRST uint8) error {
	for {
		// i is the index such that, at the bottom of the loop, we read 2-i
		// bytes into d.tmp[i:2], maintaining the invariant that d.tmp[:2]
		// holds the next two bytes of JPEG-encoded input. It is either 0 or 1,
		// so that each iteration advances by 1 or 2 bytes (or returns).
		i := 0

		if d.tmp[0] == 0xff {
			if d.tmp[1] == expectedRST {
				return nil
			} else if d.tmp[1] == 0xff {
				i = 1
			} else if d.tmp[1] != 0x00 {
				// libjpeg's jdmarker.c's jpeg_resync_to_restart does something
				// fancy here, treating RST markers within two (modulo 8) of
				// expectedRST differently from RST markers that are 'more
				// distant'. Until we see evidence that recovering from such
				// cases is frequent enough to be worth the complexity, we take
				// a simpler approach for now. Any marker that's not 0x00, 0xff
				// or expectedRST is a fatal FormatError.
				return FormatError("bad RST marker")
			}

		} else if d.tmp[1] == 0xff {
			d.tmp[0] = 0xff
			i = 1
		}

		if err := d.readFull(d.tmp[i:2]); err != nil {
			return err
		}
	}
}
