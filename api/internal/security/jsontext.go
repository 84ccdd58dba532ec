package security

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// JSONTextID names the JSON text check, for routes that check their own
// bodies to unbind it.
const JSONTextID = "rekanJSONText"

// Messages of the JSON text check.
const (
	MsgInvalidJSON = "JSON inválido no corpo da requisição."
	MsgBadBody     = "Corpo da requisição inválido."
	MsgTooLarge    = "Corpo da requisição grande demais."
)

// jsonText refuses, with a 400 and before any handler binds it, a JSON body
// that is not valid text: invalid UTF-8 bytes, or an escape of half a
// surrogate pair ("\ud800"). encoding/json turns both into U+FFFD, so a
// record (a business's name, a post's caption) would be stored with a
// character nobody wrote. It runs after PocketBase's body limit, so the
// body it reads is bounded; the handler reads the same bytes again.
func jsonText() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       JSONTextID,
		Priority: apis.DefaultBodyLimitMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			mediaType, _, _ := mime.ParseMediaType(e.Request.Header.Get("Content-Type"))
			if mediaType != "application/json" || e.Request.Body == nil || e.Request.Body == http.NoBody {
				return e.Next()
			}
			body, err := io.ReadAll(e.Request.Body)
			if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) || errors.Is(err, apis.ErrRequestEntityTooLarge) {
				return e.Error(http.StatusRequestEntityTooLarge, MsgTooLarge, nil)
			}
			if err != nil {
				return e.BadRequestError(MsgBadBody, err)
			}
			if !utf8.Valid(body) || HasLoneSurrogateEscape(body) {
				return e.BadRequestError(MsgInvalidJSON, nil)
			}
			// Handed on rereadable, as PocketBase's router hands every body:
			// its binders read it again, and a route that unwraps it to read
			// the raw stream (routes.streamBody) finds these same bytes.
			e.Request.Body = &router.RereadableReadCloser{ReadCloser: io.NopCloser(bytes.NewReader(body))}
			return e.Next()
		},
	}
}

// HasLoneSurrogateEscape reports whether a JSON text escapes half of a UTF-16
// surrogate pair: a high one (\ud800-\udbff) not followed by a low one,
// or a low one (\udc00-\udfff) on its own. Such an escape names no
// character, like an invalid UTF-8 byte.
func HasLoneSurrogateEscape(body []byte) bool {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		if i+1 < len(body) && body[i+1] != 'u' {
			i++ // \", \\, \n…: the escaped byte is no escape itself
			continue
		}
		r, ok := unicodeEscape(body, i)
		if !ok {
			continue // json.Unmarshal has refused the body already
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		case r >= 0xD800 && r <= 0xDBFF:
			low, ok := unicodeEscape(body, i+6)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11
		default:
			i += 5
		}
	}
	return false
}

// unicodeEscape reads the \uXXXX escape at body[i:].
func unicodeEscape(body []byte, i int) (rune, bool) {
	if i+6 > len(body) || body[i] != '\\' || body[i+1] != 'u' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(body[i+2:i+6]), 16, 32)
	return rune(v), err == nil
}
