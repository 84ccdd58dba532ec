package photo

import "encoding/binary"

// jpegInfo is what Process needs from a JPEG's header that image/jpeg does
// not report: the orientation, and the frame's layout, which decides what
// the decoder allocates.
type jpegInfo struct {
	// orientation is the EXIF Orientation (1-8; 1 when absent or invalid).
	orientation int
	// sof: a frame header was found; the fields below are its.
	sof           bool
	width, height int
	// comps are the components' sampling factors, in frame order.
	comps []sampling
	// progressive: the frame is progressive (SOF2), whose decoding holds
	// all coefficients besides the picture.
	progressive bool
	// rgb: image/jpeg will convert the three components to an RGBA
	// picture (an Adobe transform 0, or components named R, G, B without
	// JFIF), allocated besides the planes it decoded into.
	rgb bool
}

type sampling struct{ h, v int }

// scanJPEG walks the marker segments of a JPEG header up to the start of
// the scan. It never fails: a header it does not understand yields the
// defaults, and the decoder has the last word on validity.
func scanJPEG(b []byte) jpegInfo {
	info := jpegInfo{orientation: 1}
	if len(b) < 2 || b[0] != 0xff || b[1] != 0xd8 {
		return info
	}
	var jfif, adobe bool
	var adobeTransform byte
	var ids []byte
	defer func() {
		// image/jpeg's isRGB.
		switch {
		case len(info.comps) != 3 || jfif:
		case adobe:
			info.rgb = adobeTransform == 0
		default:
			info.rgb = string(ids) == "RGB"
		}
	}()
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
		case marker == 0xe0 && len(segment) >= 5 && string(segment[:5]) == "JFIF\x00":
			jfif = true
		case marker == 0xee && len(segment) >= 12 && string(segment[:5]) == "Adobe":
			adobe, adobeTransform = true, segment[11]
		case marker == 0xe1 && len(segment) > 6 && string(segment[:6]) == "Exif\x00\x00":
			if o := exifOrientation(segment[6:]); o >= 1 && o <= 8 {
				info.orientation = o
			}
		case isSOF(marker) && !info.sof:
			ids = readSOF(&info, segment)
			info.progressive = marker == 0xc2 || marker == 0xc6 || marker == 0xca || marker == 0xce
		}
		i += 2 + length
	}
	return info
}

func isSOF(marker byte) bool {
	return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc
}

// readSOF reads a SOF segment: precision, height, width, components, then
// per component id, sampling (H<<4 | V), table. It returns the ids.
func readSOF(info *jpegInfo, sof []byte) []byte {
	if len(sof) < 6 {
		return nil
	}
	n := int(sof[5])
	if n == 0 || len(sof) < 6+3*n {
		return nil
	}
	info.sof = true
	info.height = int(binary.BigEndian.Uint16(sof[1:]))
	info.width = int(binary.BigEndian.Uint16(sof[3:]))
	ids := make([]byte, n)
	info.comps = make([]sampling, n)
	for k := range n {
		c := sof[6+3*k:]
		ids[k] = c[0]
		info.comps[k] = sampling{h: max(1, int(c[1]>>4)), v: max(1, int(c[1]&0xf))}
	}
	return ids
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
