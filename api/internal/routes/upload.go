package routes

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rekan/rekan/api/internal/photo"
	"github.com/rekan/rekan/api/internal/post"
	"github.com/rekan/rekan/api/internal/security"
	"github.com/rekan/rekan/eval/content"
)

// maxMultipartBytes bounds a posts:generate upload: the photos at their
// limit plus room for the fields and the part headers.
const maxMultipartBytes = content.MaxPhotos*photo.MaxFileBytes + 1<<20

// maxFieldBytes bounds a text field of a multipart body (a brief of 2000
// characters of up to 4 bytes each).
const maxFieldBytes = 4*content.MaxBriefRunes + 1024

// The body errors say what the server's global JSON check says.
var (
	msgBadBody  = security.MsgBadBody
	msgTooLarge = security.MsgTooLarge
)

// streamBody hands the route the request body as it arrives. PocketBase
// copies every body a handler reads so that it can be read again (16 MB in
// memory, the rest in a temporary file); an upload of four photos would be
// held whole, and eight of them would cost hundreds of megabytes. The route
// reads its body once. It runs before the body limit, which then wraps the
// raw body.
func streamBody() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "rekanStreamBody",
		Priority: apis.DefaultBodyLimitMiddlewarePriority - 1,
		Func: func(e *core.RequestEvent) error {
			if body, ok := e.Request.Body.(*router.RereadableReadCloser); ok {
				e.Request.Body = body.ReadCloser
			}
			return e.Next()
		},
	}
}

// UploadIdleTimeout is how long a request body may send nothing before
// its connection is cut: a stalled upload frees its connection and its
// spooled photo long before the server's five-minute read bound.
const UploadIdleTimeout = 30 * time.Second

// uploadDeadlines gives every request body (the generate route's photos,
// the records API's and the admin UI's file uploads) a read deadline that
// each read that returns bytes moves UploadIdleTimeout ahead, never past
// the server's own bound on the whole request. It wraps the raw body,
// under PocketBase's rereadable copy when one is kept, before the rate
// limiter and streamBody run.
//
// A request refused before its body was read whole (the rate limit, the
// session, the ownership check, a refused photo) is answered once the rest
// of the body is read, up to maxDrainBytes. Answered at once, the
// connection was kept alive with the upload still arriving: its next
// bytes were parsed as a request, answered with a 400 nobody sent, and the
// connection reset under them. A client sending its whole body before
// reading, as a proxy does, may meet the reset before the answer: behind
// Caddy on a loaded machine a refused upload read as Caddy's 502, "the AI
// provider failed". Read whole, the connection stays in step.
func uploadDeadlines() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "rekanUploadDeadlines",
		Priority: apis.DefaultRateLimitMiddlewarePriority - 2,
		Func: func(e *core.RequestEvent) error {
			if e.Request.Body == nil || e.Request.Body == http.NoBody || e.Request.ContentLength == 0 {
				return e.Next()
			}
			d := &deadlineBody{
				rc:    http.NewResponseController(e.Response),
				bound: time.Now().Add(requestReadBound),
			}
			if body, ok := e.Request.Body.(*router.RereadableReadCloser); ok {
				d.ReadCloser, body.ReadCloser = body.ReadCloser, d
			} else {
				d.ReadCloser, e.Request.Body = e.Request.Body, d
			}
			err := e.Next()
			if err != nil {
				d.drain(e.Request.ContentLength)
			}
			return err
		},
	}
}

// maxDrainBytes bounds what is read of a refused request's body before
// answering: the largest upload a route accepts. A body announced larger
// is refused at once (the body limits) and its connection closed.
const maxDrainBytes = maxMultipartBytes

// requestReadBound is PocketBase's http.Server ReadTimeout, which a moved
// deadline would otherwise lift.
const requestReadBound = 5 * time.Minute

type deadlineBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	bound time.Time
	moved time.Time // when the deadline was last moved
	read  int64
	done  bool // the body ended or failed: nothing more to read
}

// drain reads what is left of the body, announced as length bytes in all
// (-1: unknown), unless that is more than maxDrainBytes.
func (d *deadlineBody) drain(length int64) {
	if d.done || (length > 0 && length-d.read > maxDrainBytes) {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(d, maxDrainBytes+1))
}

func (d *deadlineBody) Read(p []byte) (int, error) {
	// Moving a deadline is cheap but not free; once a second is enough
	// for a bound of UploadIdleTimeout.
	if now := time.Now(); now.Sub(d.moved) > time.Second {
		d.moved = now
		// ErrNotSupported (a test recorder) leaves the server's bound.
		deadline := now.Add(UploadIdleTimeout)
		if deadline.After(d.bound) {
			deadline = d.bound
		}
		_ = d.rc.SetReadDeadline(deadline)
	}
	n, err := d.ReadCloser.Read(p)
	d.read += int64(n)
	if err != nil {
		d.done = true
	}
	if errors.Is(err, io.EOF) {
		// The body is over: net/http now reads the connection in the
		// background to notice a client leaving, and an idle deadline
		// would cancel the request while it waits on the LLM. Back to
		// the server's own bound. (After a timeout the deadline stays
		// past: net/http must not wait for the rest of the body.)
		_ = d.rc.SetReadDeadline(d.bound)
	}
	return n, err
}

// isMultipart reports whether the request is multipart/form-data.
func isMultipart(r *http.Request) bool {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == "multipart/form-data"
}

// bindGenerateMultipart reads brief, count and up to content.MaxPhotos
// photos from a multipart body, part by part as they arrive: each photo is
// spooled to an unlinked temporary file and re-encoded (photo.Process)
// before the next part is read, so the body is never held whole in memory.
// The route's apis.BodyLimit bounds the whole body. Unknown parts are
// skipped, like unknown JSON fields.
func bindGenerateMultipart(e *core.RequestEvent) (generateForm, error) {
	reader, err := e.Request.MultipartReader()
	if err != nil {
		return generateForm{}, e.BadRequestError(msgBadBody, nil)
	}
	form := generateForm{Count: 1}
	errs := validation.Errors{}
	for {
		part, err := reader.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return generateForm{}, bodyError(e, err)
		}
		switch part.FormName() {
		case "brief":
			value, err := readField(part)
			if err != nil {
				return generateForm{}, bodyError(e, err)
			}
			if !utf8.ValidString(value) {
				errs["brief"] = validation.NewError("validation_invalid_type", msgBriefType)
			}
			form.Brief = value
		case "count":
			value, err := readField(part)
			if err != nil {
				return generateForm{}, bodyError(e, err)
			}
			if form.Count, err = strconv.Atoi(strings.TrimSpace(value)); err != nil {
				errs["count"] = validation.NewError("validation_invalid_count", msgCount)
			}
		case "types":
			value, err := readField(part)
			if err != nil {
				return generateForm{}, bodyError(e, err)
			}
			// Comma-separated, one per post; an empty entry is automático.
			form.Types = strings.Split(value, ",")
			for i := range form.Types {
				form.Types[i] = strings.TrimSpace(form.Types[i])
			}
		case "occasion", "publish_on":
			value, err := readField(part)
			if err != nil {
				return generateForm{}, bodyError(e, err)
			}
			if !utf8.ValidString(value) {
				errs[part.FormName()] = validation.NewError("validation_invalid_type", msgPlanType)
			}
			if part.FormName() == "occasion" {
				form.Occasion = value
			} else {
				form.PublishOn = value
			}
		case post.PhotosField:
			p, err := acceptPhoto(e, part, len(form.Photos))
			if err != nil {
				return generateForm{}, err
			}
			form.Photos = append(form.Photos, p)
		default:
			if _, err := io.Copy(io.Discard, part); err != nil {
				return generateForm{}, bodyError(e, err)
			}
		}
	}
	if len(errs) > 0 {
		return generateForm{}, e.BadRequestError(msgInvalidData, errs)
	}
	return form, nil
}

var errFieldTooLong = errors.New("multipart field too long")

func readField(part io.Reader) (string, error) {
	raw, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
	if err != nil {
		return "", err
	}
	if len(raw) > maxFieldBytes {
		return "", errFieldTooLong
	}
	return string(raw), nil
}

// bodyError is the answer to a body that could not be read: too large
// (the whole body or a field), or broken (a malformed multipart body, a
// connection cut mid-upload).
func bodyError(e *core.RequestEvent, err error) error {
	if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) || errors.Is(err, apis.ErrRequestEntityTooLarge) {
		return e.Error(http.StatusRequestEntityTooLarge, msgTooLarge, nil)
	}
	if errors.Is(err, errFieldTooLong) {
		return e.BadRequestError(msgInvalidData, validation.Errors{
			"brief": validation.NewError("validation_max_text_constraint", msgBriefLong),
		})
	}
	return e.BadRequestError(msgBadBody, nil)
}

// acceptPhoto re-encodes one photo part, the have+1th of its body; a
// refused photo or one too many is the 400 naming the photos field.
func acceptPhoto(e *core.RequestEvent, part io.Reader, have int) (photo.Photo, error) {
	if have == content.MaxPhotos {
		return photo.Photo{}, post.PhotoError(e, post.MsgTooManyPhotos)
	}
	p, err := photo.Process(photo.WithOwner(e.Request.Context(), e.Auth.Id), part)
	var refused *photo.Error
	if errors.As(err, &refused) {
		return photo.Photo{}, post.PhotoError(e, refused.Message)
	}
	if err != nil {
		return photo.Photo{}, bodyError(e, err)
	}
	return p, nil
}

// bindPhotos reads the photo parts of a multipart body (other parts are
// skipped), each re-encoded as it arrives, like bindGenerateMultipart.
func bindPhotos(e *core.RequestEvent) ([]photo.Photo, error) {
	reader, err := e.Request.MultipartReader()
	if err != nil {
		return nil, e.BadRequestError(msgBadBody, nil)
	}
	var photos []photo.Photo
	for {
		part, err := reader.NextPart()
		if errors.Is(err, io.EOF) {
			return photos, nil
		}
		if err != nil {
			return nil, bodyError(e, err)
		}
		if part.FormName() != post.PhotosField {
			if _, err := io.Copy(io.Discard, part); err != nil {
				return nil, bodyError(e, err)
			}
			continue
		}
		p, err := acceptPhoto(e, part, len(photos))
		if err != nil {
			return nil, err
		}
		photos = append(photos, p)
	}
}
