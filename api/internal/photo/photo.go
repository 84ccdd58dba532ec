// Package photo turns an uploaded photo into what Rekan keeps and what it
// sends the model: it reads at most MaxFileBytes, refuses anything that is
// not a whole JPEG, PNG or WebP picture of sane dimensions, applies the
// EXIF orientation, and re-encodes two JPEGs with no metadata at all (a
// client's photo must not carry the GPS position of their home): one of at
// most StoreEdge pixels on the long edge to store, one of at most ModelEdge
// for the LLM.
//
// An upload is received whole into an unlinked temporary file first, then
// decoded. Decoding is the only step whose memory grows with the upload (a
// 10 MB JPEG can hold 50 megapixels); decodes share one memory budget (see
// decodeBudget), so many concurrent uploads queue instead of adding up.
package photo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"runtime/debug"

	"golang.org/x/image/webp"

	"github.com/rekan/rekan/api/internal/photo/fastjpeg"
	"github.com/rekan/rekan/eval/content"
)

// Limits of an upload: aliases of eval/content/limits.go, which the web app
// and the migration share, except ModelEdge, which only the server uses.
const (
	// MaxFileBytes is the largest photo file accepted.
	MaxFileBytes = content.MaxPhotoBytes
	// MaxPixels bounds the decoded size; it is checked from the header,
	// before anything is decoded.
	MaxPixels = content.MaxPhotoPixels
	// StoreEdge is the long edge of the stored copy (what the web app
	// uploads, and more than Instagram shows).
	StoreEdge = content.PhotoEdge
	// ModelEdge is the long edge of the copy sent to the LLM: what vision
	// models look at, without paying for more tokens.
	ModelEdge = 1024
	// Quality of both JPEGs.
	Quality = 85
	// MediaType of both copies.
	MediaType = "image/jpeg"
)

// maxHeaderBytes is how much of a JPEG is searched for its EXIF
// orientation and frame header (the EXIF block is at most 64 KB and comes
// first; ICC profiles may precede the frame).
const maxHeaderBytes = 1 << 20

// decodeBudget bounds the memory of the photos being processed, all
// uploads together: each holds its decoded picture, its scaled copies and
// their encodings (decodeCost + workingBytes, from the header) from before
// it decodes until both copies are encoded. A photo that would need more
// than the whole budget is refused before decoding, so the bound holds for
// every format, depth and layout. Operators take turns (fairBudget).
var decodeBudget = newFairBudget(DecodeBudgetBytes)

// DecodeBudgetBytes fits a 50-megapixel baseline JPEG from a phone (75 MB
// of 4:2:0 planes) with its copies.
const DecodeBudgetBytes = 96 << 20

// collectAfterBytes: a decode at least this large is collected right away
// (a 12-megapixel photo is about 18 MB; a web upload of 1600 px, 3 MB).
const collectAfterBytes = 16 << 20

// Messages for the operator.
var (
	MsgTooLarge   = fmt.Sprintf("Cada foto pode ter no máximo %d MB.", MaxFileBytes>>20)
	MsgHEIC       = "Fotos HEIC (padrão do iPhone) não são aceitas: envie em JPEG, PNG ou WebP."
	MsgNotAPhoto  = "O arquivo não é uma foto JPEG, PNG ou WebP."
	MsgCorrupt    = "A foto está incompleta ou corrompida. Envie o arquivo original de novo."
	MsgTooManyPx  = fmt.Sprintf("A foto tem resolução grande demais (máximo de %d megapixels).", MaxPixels/1_000_000)
	MsgEmptyPhoto = "A foto está vazia."
	MsgTooHeavy   = "A foto ocupa memória demais para ser lida (por exemplo, PNG de 16 bits ou JPEG progressivo de alta resolução). Envie em JPEG ou com menos resolução."
)

// Error is a photo refused for what it is; Message is for the operator.
type Error struct {
	Message string
	cause   error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("photo refused: %s: %v", e.Message, e.cause)
	}
	return "photo refused: " + e.Message
}

func (e *Error) Unwrap() error { return e.cause }

func refuse(msg string, cause error) error { return &Error{Message: msg, cause: cause} }

// Photo is an accepted upload, re-encoded.
type Photo struct {
	// Stored is the copy to keep (long edge ≤ StoreEdge).
	Stored []byte
	// Model is the copy for the LLM (long edge ≤ ModelEdge).
	Model []byte
	// Width and Height are the stored copy's, after orientation.
	Width, Height int
}

// Process reads one photo from r (never more than MaxFileBytes+1 bytes) and
// re-encodes it: both copies come from one decode. A refused photo is an
// *Error; any other error is the context's or the reader's. The decode
// budget is shared fairly between the owners WithOwner names in ctx.
func Process(ctx context.Context, r io.Reader) (Photo, error) {
	f, size, err := spool(r)
	if err != nil {
		return Photo{}, err
	}
	defer f.Close()
	return process(ctx, f, size)
}

// spool receives the whole upload into an unlinked temporary file before
// anything is decoded: the decode budget is never held while a slow client
// trickles bytes in, and the file costs the page cache, not the process's
// memory. Nothing is left behind, even by a crash.
func spool(r io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "rekan-photo-")
	if err != nil {
		return nil, 0, fmt.Errorf("spool photo: %w", err)
	}
	_ = os.Remove(f.Name())
	n, err := io.Copy(f, io.LimitReader(r, MaxFileBytes+1))
	switch {
	case err != nil:
		f.Close()
		return nil, 0, fmt.Errorf("read photo: %w", err)
	case n > MaxFileBytes:
		f.Close()
		return nil, 0, refuse(MsgTooLarge, nil)
	case n == 0:
		f.Close()
		return nil, 0, refuse(MsgEmptyPhoto, nil)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("spool photo: %w", err)
	}
	return f, n, nil
}

func process(ctx context.Context, f *os.File, size int64) (Photo, error) {
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(32)
	head = bytes.Clone(head)
	format := sniff(head)
	if format == "" {
		if isHEIF(head) {
			return Photo{}, refuse(MsgHEIC, nil)
		}
		return Photo{}, refuse(MsgNotAPhoto, nil)
	}
	cfg, err := decodeConfig(format, br)
	if err != nil {
		return Photo{}, refuse(MsgCorrupt, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Photo{}, refuse(MsgCorrupt, errors.New("zero dimension"))
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return Photo{}, refuse(MsgTooManyPx, fmt.Errorf("%dx%d", cfg.Width, cfg.Height))
	}

	var info jpegInfo
	if format == "jpeg" {
		header := make([]byte, maxHeaderBytes)
		n, _ := f.ReadAt(header, 0)
		info = scanJPEG(header[:n])
	}
	shift := decodeShift(format, cfg.Width, cfg.Height)
	cost, err := decodeCost(format, f, head, cfg, info, size, shift)
	if err != nil {
		return Photo{}, refuse(MsgCorrupt, err)
	}
	weight := cost + workingBytes(fastjpeg.ScaledSize(cfg.Width, shift), fastjpeg.ScaledSize(cfg.Height, shift), info.orientation)
	if weight > DecodeBudgetBytes {
		return Photo{}, refuse(MsgTooHeavy, fmt.Errorf("%s %dx%d needs %d bytes", format, cfg.Width, cfg.Height, weight))
	}
	if err := decodeBudget.acquire(ctx, ownerOf(ctx), weight); err != nil {
		return Photo{}, err
	}
	defer decodeBudget.release(weight)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Photo{}, fmt.Errorf("rewind photo: %w", err)
	}
	img, err := decode(format, bufio.NewReaderSize(f, 64<<10), shift)
	if err != nil {
		return Photo{}, refuse(MsgCorrupt, err)
	}
	return reencode(img, info.orientation, cost >= collectAfterBytes)
}

// reencode makes both copies from the decoded picture. A picture already
// within StoreEdge and upright is encoded as it was decoded (no scaling,
// no conversion); the model's copy is scaled from the stored copy's
// pixels, never from a second decode.
func reencode(img image.Image, orientation int, collect bool) (Photo, error) {
	var stored image.Image
	if fits(img, StoreEdge) && orientation <= 1 && encodesDirectly(img) {
		stored = img
	} else {
		stored = scaleUpright(img, StoreEdge, orientation)
		img = nil
		if collect {
			// The decoded picture is garbage now. Left to GOGC's pacing
			// the heap would grow by about as much again before it is
			// reclaimed, and the scavenger would keep the pages for
			// minutes: collect it and hand its pages back, so the
			// process's RSS follows the budget.
			debug.FreeOSMemory()
		}
	}
	var p Photo
	var err error
	p.Width, p.Height = stored.Bounds().Dx(), stored.Bounds().Dy()
	if p.Stored, err = encode(stored); err != nil {
		return Photo{}, err
	}
	if fits(stored, ModelEdge) {
		p.Model = p.Stored
		return p, nil
	}
	if p.Model, err = encode(scaleUpright(stored, ModelEdge, 1)); err != nil {
		return Photo{}, err
	}
	return p, nil
}

// scaleUpright reduces img to a long edge of at most edge and turns it
// upright: plane by plane for a YCbCr picture, through RGB otherwise.
func scaleUpright(img image.Image, edge, orientation int) image.Image {
	if m, ok := img.(*image.YCbCr); ok {
		if scaled, ok := scaleYCbCr(m, edge); ok {
			return orientYCbCr(scaled, orientation)
		}
	}
	return orient(scale(img, edge), orientation)
}

func fits(img image.Image, edge int) bool {
	b := img.Bounds()
	return max(b.Dx(), b.Dy()) <= edge
}

// encodesDirectly: fastjpeg encodes these as they are (the decoders'
// YCbCr and Gray pictures), with nothing to compose over white.
func encodesDirectly(img image.Image) bool {
	switch img.(type) {
	case *image.YCbCr, *image.Gray:
		return true
	}
	return false
}

// workingBytes is what a photo of sw×sh holds besides its decoded
// picture: the stored copy (twice while it is turned upright), the model's
// copy, their encodings (at most about two bytes per pixel, with the
// buffer's growth) and the scaler's per-column and per-row tables.
func workingBytes(sw, sh, orientation int) int64 {
	dw, dh := fitWithin(sw, sh, StoreEdge)
	mw, mh := fitWithin(dw, dh, ModelEdge)
	stored, model := int64(dw)*int64(dh), int64(mw)*int64(mh)
	n := 4*stored + 4*model + 2*(stored+model) + 16*int64(sw) + 12*int64(sh)
	if orientation > 1 {
		n += 4 * stored
	}
	return n
}

func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	// The encoder writes no APP segments: no EXIF, no XMP, no ICC.
	if err := fastjpeg.Encode(&buf, img, &fastjpeg.Options{Quality: Quality}); err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	return buf.Bytes(), nil
}

// sniff names the format from the magic bytes, never from the file name or
// the client's content type.
func sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xff, 0xd8, 0xff}):
		return "jpeg"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return "webp"
	}
	return ""
}

// isHEIF recognises an ISO BMFF file of the HEIF family (HEIC, AVIF), so
// the operator learns what to change instead of "not a photo".
func isHEIF(head []byte) bool {
	if len(head) < 12 || !bytes.Equal(head[4:8], []byte("ftyp")) {
		return false
	}
	switch string(head[8:12]) {
	case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif", "avis":
		return true
	}
	return false
}

// decodeShift is the scale a JPEG of w×h is decoded at (fastjpeg's
// shift: 1/2, 1/4, 1/8): the smallest that is still at least StoreEdge on
// the long edge, so the stored copy is area-averaged from at least as many
// pixels as it has, never enlarged. A phone's 12 MP photo decodes at half
// size, a quarter of the pixels, which is most of the decode's time and
// memory and of the scaling's. Other formats decode whole.
func decodeShift(format string, w, h int) int {
	long := max(w, h)
	shift := 0
	for format == "jpeg" && shift < 3 && fastjpeg.ScaledSize(long, shift+1) >= StoreEdge {
		shift++
	}
	return shift
}

func decodeConfig(format string, r io.Reader) (image.Config, error) {
	switch format {
	case "jpeg":
		return fastjpeg.DecodeConfig(r)
	case "png":
		return png.DecodeConfig(r)
	default:
		return webp.DecodeConfig(r)
	}
}

// decode decodes a picture, a JPEG at 1/(1<<shift) of its size. A decoder
// that panics on a crafted file (fastjpeg is a tuned fork, FuzzDecode
// guards it) refuses that photo instead of taking the request down with the
// decode budget still held.
func decode(format string, r io.Reader, shift int) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%s decoder panicked: %v", format, p)
		}
	}()
	switch format {
	case "jpeg":
		return fastjpeg.DecodeScaled(r, shift)
	case "png":
		return png.Decode(r)
	default:
		return webp.Decode(r)
	}
}
