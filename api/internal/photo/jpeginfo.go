package photo

import "encoding/binary"

// jpegInfo is what Process needs from a JPEG's header that image/jpeg does
// not report.
type jpegInfo struct {
	// orientation is the EXIF Orientation (1-8; 1 when absent or invalid).
	orientation int
	// chromaDivisor is how much smaller each chroma plane is than the luma
	// plane (4 for 4:2:0); 0 when unknown.
	chromaDivisor int
	// progressive: the frame is progressive (SOF2), whose decoding holds
	// all coefficients besides the picture.
	progressive bool
}

// scanJPEG walks the marker segments of a JPEG header up to the start of
// the scan. It never fails: a header it does not understand yields the
// defaults, and the decoder has the last word on validity.
func scanJPEG(b []byte) jpegInfo {
	info := jpegInfo{orientation: 1}
	if len(b) < 2 || b[0] != 0xff || b[1] != 0xd8 {
		return info
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return info
		}
		marker := b[i+1]
		if marker == 0xff { // fill byte
			i++
			continue
		}
		if marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker == 0x01 {
			i += 2
			continue
		}
		if marker == 0xda || marker == 0xd9 { // start of scan, end of image
			return info
		}
		length := int(binary.BigEndian.Uint16(b[i+2:]))
		if length < 2 || i+2+length > len(b) {
			return info
		}
		segment := b[i+4 : i+2+length]
		switch {
		case marker == 0xe1 && len(segment) > 6 && string(segment[:6]) == "Exif\x00\x00":
			if o := exifOrientation(segment[6:]); o >= 1 && o <= 8 {
				info.orientation = o
			}
		case isSOF(marker):
			info.chromaDivisor = chromaDivisor(segment)
			info.progressive = marker == 0xc2 || marker == 0xc6 || marker == 0xca || marker == 0xce
		}
		i += 2 + length
	}
	return info
}

func isSOF(marker byte) bool {
	return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc
}

// chromaDivisor reads a SOF segment: precision, height, width, components,
// then per component id, sampling (H<<4 | V), table.
func chromaDivisor(sof []byte) int {
	if len(sof) < 6 || sof[5] != 3 || len(sof) < 6+3*3 {
		return 0
	}
	luma := sof[7]
	chroma := sof[10]
	lh, lv := int(luma>>4), int(luma&0xf)
	ch, cv := int(chroma>>4), int(chroma&0xf)
	if ch == 0 || cv == 0 || lh*lv < ch*cv {
		return 0
	}
	return (lh * lv) / (ch * cv)
}

// exifOrientation reads tag 0x0112 of IFD0 from a TIFF structure.
func exifOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int(order.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > len(tiff) {
		return 0
	}
	n := int(order.Uint16(tiff[ifd:]))
	for k := range n {
		entry := ifd + 2 + 12*k
		if entry+12 > len(tiff) {
			return 0
		}
		if order.Uint16(tiff[entry:]) == 0x0112 && order.Uint16(tiff[entry+2:]) == 3 {
			return int(order.Uint16(tiff[entry+8:]))
		}
	}
	return 0
}
