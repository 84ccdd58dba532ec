package approval

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// PhotoTTL is how long a photo URL of the public page works: long enough
// to look at the posts, short enough that a forwarded URL soon stops
// opening anything.
const PhotoTTL = time.Hour

// ErrBadTicket is a photo URL that was tampered with, expired or points
// outside its approval.
var ErrBadTicket = errors.New("invalid photo ticket")

// Signer issues photo tickets: an approval, one of its posts, one photo
// and an expiry, signed with a key that lives in memory only (a restart
// ends every ticket; the page asks for fresh ones when it loads). A ticket
// opens that one file and nothing else, unlike a PocketBase file token,
// which opens every file its holder may see.
type Signer struct {
	key []byte
}

// NewSigner makes a signer with a fresh random key.
func NewSigner() (*Signer, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("read photo key: %w", err)
	}
	return &Signer{key: key}, nil
}

type ticket struct {
	Approval string `json:"a"`
	Post     string `json:"p"`
	File     string `json:"f"`
	Expires  int64  `json:"e"`
}

// Ticket returns the opaque ticket of one photo.
func (s *Signer) Ticket(approvalID, postID, file string, now time.Time) string {
	raw, _ := json.Marshal(ticket{approvalID, postID, file, now.Add(PhotoTTL).Unix()})
	payload := base64.RawURLEncoding.EncodeToString(raw)
	return payload + "." + s.sign(payload)
}

func (s *Signer) sign(payload string) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// Open checks a ticket and returns the post and file name it opens, once
// the approval is still live and the photo still one of that post's.
func (s *Signer) Open(app core.App, raw string, now time.Time) (*core.Record, string, error) {
	payload, sig, ok := strings.Cut(raw, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.sign(payload))) {
		return nil, "", ErrBadTicket
	}
	data, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, "", ErrBadTicket
	}
	var t ticket
	if err := json.Unmarshal(data, &t); err != nil || now.Unix() > t.Expires {
		return nil, "", ErrBadTicket
	}
	a, err := app.FindRecordById(Collection, t.Approval)
	if err != nil || !Live(a, now) || !slices.Contains(a.GetStringSlice("posts"), t.Post) {
		return nil, "", ErrBadTicket
	}
	p, err := app.FindRecordById("posts", t.Post)
	if err != nil || !slices.Contains(postPhotos(p), t.File) {
		return nil, "", ErrBadTicket
	}
	return p, t.File, nil
}
