// Package approval owns the client's approval links: an operator sends
// ready posts to the business owner, who approves them or asks for changes
// from a public page without an account. A link is a random token shown
// once; only its SHA-256 is stored. Decisions are kept, every one, against
// a hash of the content the client saw, so an edit after approval takes
// the approval away.
package approval

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/post"
)

// Collections.
const (
	Collection          = "approvals"
	DecisionsCollection = "approval_decisions"
)

// Decisions a client can make; a decision is the stage it moves the post
// to (clientMove), so it is spelled by the stage.
const (
	Approved = post.StageApproved
	Changes  = post.StageChanges
)

// TTLVariable holds how long a link stays valid, as a Go duration.
const TTLVariable = "REKAN_APPROVAL_TTL"

// DefaultTTL is a month of posts' worth of time to answer.
const DefaultTTL = 30 * 24 * time.Hour

// tokenBytes is the token's entropy: 256 bits, far beyond guessing.
const tokenBytes = 32

var (
	// ErrNotFound is every token that does not open a live approval:
	// unknown, expired and revoked alike, so no answer tells them apart.
	ErrNotFound = errors.New("approval not found")
	// ErrNotInApproval is a post the approval does not cover (or deleted).
	ErrNotInApproval = errors.New("post not in this approval")
	// ErrClosed is a post the operator already published (or archived).
	ErrClosed = errors.New("post no longer open for decisions")
	// ErrNotReady is a post that is not ready to be shown to a client.
	ErrNotReady = errors.New("post not ready")
)

// TTLFromEnv reads TTLVariable; empty means DefaultTTL.
func TTLFromEnv(getenv func(string) string) (time.Duration, error) {
	raw := strings.TrimSpace(getenv(TTLVariable))
	if raw == "" {
		return DefaultTTL, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive duration such as 720h", TTLVariable, raw)
	}
	return d, nil
}

// newToken returns a fresh token (base64url, no padding) and its hash.
func newToken() (token, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("read random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is what is stored of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Create stores an approval of postIDs (all ready posts of businessID) by
// operatorID, valid for ttl, and returns it with its token: the only time
// the token exists outside the client's link.
func Create(app core.App, businessID, operatorID string, postIDs []string, ttl time.Duration, now time.Time) (*core.Record, string, error) {
	collection, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return nil, "", fmt.Errorf("find approvals collection: %w", err)
	}
	token, hash, err := newToken()
	if err != nil {
		return nil, "", err
	}
	r := core.NewRecord(collection)
	r.Set("business", businessID)
	r.Set("posts", postIDs)
	r.Set("token_hash", hash)
	r.Set("created_by", operatorID)
	r.Set("expires", now.Add(ttl).UTC())
	for _, id := range postIDs {
		unlock := lockPost(id)
		err := toSent(app, id)
		unlock()
		if err != nil {
			return nil, "", fmt.Errorf("send post %s: %w", id, err)
		}
	}
	if err := app.Save(r); err != nil {
		return nil, "", fmt.Errorf("save approval: %w", err)
	}
	return r, token, nil
}

// FindLive returns the approval the token opens at now. The lookup is by
// the token's hash (an attacker controls no prefix of it, so the index
// leaks nothing); the comparison after it is constant-time anyway.
func FindLive(app core.App, token string, now time.Time) (*core.Record, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrNotFound
	}
	hash := HashToken(token)
	r, err := app.FindFirstRecordByData(Collection, "token_hash", hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find approval: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(r.GetString("token_hash")), []byte(hash)) != 1 || !Live(r, now) {
		return nil, ErrNotFound
	}
	return r, nil
}

// Live reports whether the approval neither expired nor was revoked.
func Live(r *core.Record, now time.Time) bool {
	return r.GetDateTime("revoked").IsZero() && now.Before(r.GetDateTime("expires").Time())
}

// Revoke ends an approval now; revoking twice keeps the first time.
func Revoke(app core.App, r *core.Record, now time.Time) error {
	if !r.GetDateTime("revoked").IsZero() {
		return nil
	}
	r.Set("revoked", now.UTC())
	if err := app.Save(r); err != nil {
		return fmt.Errorf("revoke approval %s: %w", r.Id, err)
	}
	return nil
}

// ContentHash is the SHA-256 of what the client sees of a post: caption,
// hashtags and photos. A decision holds the hash it was made on.
func ContentHash(p *core.Record) string {
	var hashtags []string
	_ = json.Unmarshal([]byte(p.GetString("hashtags")), &hashtags)
	raw, _ := json.Marshal(struct {
		Caption  string   `json:"caption"`
		Hashtags []string `json:"hashtags"`
		Photos   []string `json:"photos"`
	}{p.GetString("caption"), hashtags, postPhotos(p)})
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// Shareable reports whether a post can be sent to the client: generated,
// and not published or archived.
func Shareable(p *core.Record) bool {
	return p.GetString("status") == post.StatusReady && decisionOpen(p)
}

// Decide records the client's decision on a post of the approval (the
// approval must be live: the caller found it by its token). A decision
// equal to the latest one on the same content is not stored again (double
// taps, retries after a lost connection); otherwise it is kept, and the
// last one wins. The post's stage follows (moved first, under the post's
// lock, so concurrent decisions leave the stage of the last one stored).
func Decide(app core.App, a *core.Record, postID, decision, note, name string) (*core.Record, error) {
	if !slices.Contains(a.GetStringSlice("posts"), postID) {
		return nil, ErrNotInApproval
	}
	collection, err := app.FindCachedCollectionByNameOrId(DecisionsCollection)
	if err != nil {
		return nil, fmt.Errorf("find decisions collection: %w", err)
	}
	defer lockPost(postID)()
	p, err := app.FindRecordById(post.Collection, postID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotInApproval
	}
	if err != nil {
		return nil, fmt.Errorf("find post %s: %w", postID, err)
	}
	if p.GetString("business") != a.GetString("business") || p.GetString("status") != post.StatusReady {
		return nil, ErrNotInApproval
	}
	if !decisionOpen(p) {
		return nil, ErrClosed
	}
	hash := ContentHash(p)
	last, err := latest(app, postID)
	if err != nil {
		return nil, err
	}
	if last != nil && last.GetString("content_hash") == hash && last.GetString("decision") == decision &&
		last.GetString("note") == note && last.GetString("name") == name && p.GetString("stage") == decision {
		return last, nil
	}
	// The stage first: a move the rules refuse stores no decision.
	if err := clientMove(app, postID, decision, name, note); err != nil {
		return nil, fmt.Errorf("move post %s: %w", postID, err)
	}
	stored := core.NewRecord(collection)
	stored.Set("approval", a.Id)
	stored.Set("business", a.GetString("business"))
	stored.Set("post", postID)
	stored.Set("content_hash", hash)
	stored.Set("decision", decision)
	stored.Set("note", note)
	stored.Set("name", name)
	if err := app.Save(stored); err != nil {
		return nil, fmt.Errorf("save decision: %w", err)
	}
	return stored, nil
}

// latest is the post's most recent decision from any approval (nil when
// none): SQLite's rowid is the order decisions were written in, which a
// millisecond timestamp cannot break ties of.
func latest(app core.App, postID string) (*core.Record, error) {
	records, err := latestOf(app, []string{postID})
	if err != nil {
		return nil, err
	}
	return records[postID], nil
}

// latestOf maps each post id to its most recent decision.
func latestOf(app core.App, postIDs []string) (map[string]*core.Record, error) {
	out := map[string]*core.Record{}
	if len(postIDs) == 0 {
		return out, nil
	}
	ids := make([]any, len(postIDs))
	for i, id := range postIDs {
		ids[i] = id
	}
	var records []*core.Record
	err := app.RecordQuery(DecisionsCollection).
		AndWhere(dbx.In("post", ids...)).
		AndWhere(dbx.NewExp("rowid IN (SELECT MAX(rowid) FROM " + DecisionsCollection + " GROUP BY post)")).
		All(&records)
	if err != nil {
		return nil, fmt.Errorf("latest decisions: %w", err)
	}
	for _, r := range records {
		out[r.GetString("post")] = r
	}
	return out, nil
}
