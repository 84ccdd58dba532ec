package fakellm

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/gif" // registered so DecodeConfig reads what a client may send
	_ "image/jpeg"
	_ "image/png"
	"strings"
)

// Image is one image part (OpenAI `image_url`) of a recorded request, as
// decoded by the fake, so tests can assert what reached the provider:
// how many photos, their type, size in pixels and bytes, and whether any
// metadata survived on the way.
type Image struct {
	// Message is the index of the message carrying the image; Part its index
	// among that message's content parts.
	Message int `json:"message"`
	Part    int `json:"part"`
	// MediaType is the one the data URL declares ("image/jpeg").
	MediaType string `json:"media_type"`
	// Format is what the bytes really are ("jpeg", "png", "gif", "webp"),
	// whatever the URL declares.
	Format string `json:"format"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// Detail is the part's `detail` ("low", "high", "auto") when sent.
	Detail string `json:"detail,omitempty"`
	// Segments lists the metadata-capable blocks of the file: JPEG APPn
	// markers and comments ("APP0 JFIF", "APP1 Exif", "APP1 XMP",
	// "APP2 ICC_PROFILE", "APP13 Photoshop", "COM"), PNG text and EXIF chunks
	// ("tEXt", "iTXt", "zTXt", "eXIf"), WebP EXIF and XMP chunks.
	Segments []string `json:"segments"`
	// HasEXIF: an EXIF block is present (where a camera writes GPS).
	HasEXIF bool `json:"has_exif"`
	// HasMetadata: any segment beyond a bare JFIF header (APP0), which
	// carries only the pixel density.
	HasMetadata bool `json:"has_metadata"`
	// URL is set only for an image that is not a data URL (a remote URL
	// the fake does not fetch).
	URL string `json:"url,omitempty"`
	// Error says why the image could not be read (bad data URL, bytes that
	// do not decode); the other fields hold what was learnt before.
	Error string `json:"error,omitempty"`
	// Data is the decoded file. In process it is always kept; over HTTP
	// GET /_fake/requests leaves it out unless asked (?image_data=1),
	// as base64 in JSON.
	Data []byte `json:"data,omitempty"`
}

// readImage records one image_url part.
func readImage(message, part int, url, detail string) Image {
	img := Image{Message: message, Part: part, Detail: detail, Segments: []string{}}
	rest, ok := strings.CutPrefix(url, "data:")
	if !ok {
		img.URL = url
		img.Error = "not a data URL (the fake fetches nothing)"
		return img
	}
	header, payload, ok := strings.Cut(rest, ",")
	if !ok {
		img.Error = "data URL without a comma"
		return img
	}
	mediaType, isBase64 := strings.CutSuffix(header, ";base64")
	img.MediaType = mediaType
	if !isBase64 {
		img.Error = "data URL is not base64"
		return img
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		img.Error = "data URL payload is not base64: " + err.Error()
		return img
	}
	img.Data = data
	img.Bytes = len(data)
	sum := sha256.Sum256(data)
	img.SHA256 = hex.EncodeToString(sum[:])
	img.Format = sniffFormat(data)
	img.Segments = metadataSegments(img.Format, data)
	for _, s := range img.Segments {
		if s == "APP1 Exif" || s == "eXIf" || s == "EXIF" {
			img.HasEXIF = true
		}
		if s != "APP0 JFIF" {
			img.HasMetadata = true
		}
	}
	if img.Format == "webp" {
		// The standard library has no WebP decoder; Rekan sends JPEG.
		return img
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		img.Error = "image does not decode: " + err.Error()
		return img
	}
	img.Format, img.Width, img.Height = format, cfg.Width, cfg.Height
	return img
}

func sniffFormat(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8}):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte("GIF8")):
		return "gif"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

func metadataSegments(format string, data []byte) []string {
	switch format {
	case "jpeg":
		return jpegSegments(data)
	case "png":
		return pngChunks(data)
	case "webp":
		return webpChunks(data)
	}
	return []string{}
}

// jpegSegments walks the markers before the image data (SOS) and names the
// APPn and COM ones by their identifier string.
func jpegSegments(data []byte) []string {
	out := []string{}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			break
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xD9 || marker == 0xDA { // EOI, SOS: no metadata after
			break
		}
		length := int(binary.BigEndian.Uint16(data[i+2 : i+4]))
		if length < 2 || i+2+length > len(data) {
			break
		}
		payload := data[i+4 : i+2+length]
		switch {
		case marker >= 0xE0 && marker <= 0xEF:
			out = append(out, fmt.Sprintf("APP%d %s", marker-0xE0, appIdentifier(payload)))
		case marker == 0xFE:
			out = append(out, "COM")
		}
		i += 2 + length
	}
	return out
}

// appIdentifier is the NUL-terminated name an APPn payload starts with,
// shortened the usual way ("http://ns.adobe.com/xap/1.0/" is XMP).
func appIdentifier(payload []byte) string {
	name, _, _ := bytes.Cut(payload, []byte{0})
	id := string(name)
	switch {
	case strings.HasPrefix(id, "http://ns.adobe.com/xap/"):
		return "XMP"
	case strings.HasPrefix(id, "Photoshop"):
		return "Photoshop"
	case id == "":
		return "?"
	}
	if len(id) > 16 {
		id = id[:16]
	}
	return id
}

func pngChunks(data []byte) []string {
	out := []string{}
	for i := 8; i+8 <= len(data); {
		length := int(binary.BigEndian.Uint32(data[i : i+4]))
		kind := string(data[i+4 : i+8])
		switch kind {
		case "tEXt", "iTXt", "zTXt", "eXIf":
			out = append(out, kind)
		}
		if kind == "IEND" || length < 0 || i+12+length > len(data) {
			break
		}
		i += 12 + length
	}
	return out
}

func webpChunks(data []byte) []string {
	out := []string{}
	for i := 12; i+8 <= len(data); {
		kind := string(data[i : i+4])
		length := int(binary.LittleEndian.Uint32(data[i+4 : i+8]))
		if kind == "EXIF" || kind == "XMP " {
			out = append(out, strings.TrimSpace(kind))
		}
		i += 8 + length + length%2
	}
	return out
}
