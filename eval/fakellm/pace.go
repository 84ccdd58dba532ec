package fakellm

import (
	"context"
	"io"
	"net/http"
	"time"
)

// Pace shapes streamed replies ("stream": true) so tests and benches can
// watch text arrive: a realistic provider takes a while to the first token
// and then writes a few dozen tokens per second. The zero value streams at
// once in 24-rune chunks.
type Pace struct {
	// FirstToken is waited before the first content chunk.
	FirstToken time.Duration
	// TokensPerSecond, when positive, sends one token (4 runes, about a
	// Portuguese token) at a time at that rate.
	TokensPerSecond float64
	// HoldAfterChars, when positive, stops every stream after that many
	// runes of content until Release (a test sees partial text on screen).
	HoldAfterChars int
	// BreakAfterChars, when positive, aborts every stream's connection after
	// that many runes, the way a provider dropping mid-reply does.
	BreakAfterChars int
}

// tokenRunes is the size of a paced chunk.
const tokenRunes = 4

// SetPace shapes every streamed reply from now on; a new hold replaces a
// pending one (which is released).
func (s *Server) SetPace(p Pace) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold != nil {
		close(s.hold)
		s.hold = nil
	}
	s.pace = p
	if p.HoldAfterChars > 0 {
		s.hold = make(chan struct{})
	}
}

// Release lets held streams and replies go on; later streams no longer
// hold (a later Hold reply holds again).
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold != nil {
		close(s.hold)
		s.hold = nil
	}
	s.pace.HoldAfterChars = 0
}

// holdChan is the hold a scripted reply waits at (Reply.Hold): the open
// one, or a new one after a Release.
func (s *Server) holdChan() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold == nil {
		s.hold = make(chan struct{})
	}
	return s.hold
}

// Held reports how many streams or held replies are waiting now.
func (s *Server) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

func (s *Server) currentPace() (Pace, chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pace, s.hold
}

func (s *Server) waitHold(ctx context.Context, hold chan struct{}) bool {
	s.mu.Lock()
	s.held++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.held--
		s.mu.Unlock()
	}()
	select {
	case <-hold:
		return true
	case <-ctx.Done():
		return false
	}
}

// streamContent sends content's runes in chunks as pace says; false when
// the client went away.
func (s *Server) streamContent(ctx context.Context, content string, send func(string) bool) bool {
	pace, hold := s.currentPace()
	if !sleep(ctx, pace.FirstToken) {
		return false
	}
	size := streamChunkRunes
	var gap time.Duration
	if pace.TokensPerSecond > 0 {
		size = tokenRunes
		gap = time.Duration(float64(time.Second) / pace.TokensPerSecond)
	}
	runes := []rune(content)
	for start := 0; start < len(runes); {
		end := min(start+size, len(runes))
		// Stop exactly at the hold or the break, not a chunk later.
		for _, at := range []int{pace.HoldAfterChars, pace.BreakAfterChars} {
			if at > start && at < end {
				end = at
			}
		}
		if start > 0 && !sleep(ctx, gap) {
			return false
		}
		if !send(string(runes[start:end])) {
			return false
		}
		start = end
		if pace.BreakAfterChars > 0 && start >= pace.BreakAfterChars {
			// Abort the connection: no finish_reason, no [DONE].
			panic(http.ErrAbortHandler)
		}
		if hold != nil && pace.HoldAfterChars > 0 && start >= pace.HoldAfterChars {
			if !s.waitHold(ctx, hold) {
				return false
			}
			hold = nil
		}
	}
	return true
}

// PaceSpec is the JSON form of a Pace on POST /_fake/stream.
type PaceSpec struct {
	FirstTokenMS    int64   `json:"first_token_ms"`
	TokensPerSecond float64 `json:"tokens_per_second"`
	HoldAfterChars  int     `json:"hold_after_chars"`
	BreakAfterChars int     `json:"break_after_chars"`
}

func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {
	var spec PaceSpec
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err == nil {
		err = strictUnmarshal(data, &spec)
	}
	if err != nil || spec.FirstTokenMS < 0 || spec.TokensPerSecond < 0 || spec.HoldAfterChars < 0 || spec.BreakAfterChars < 0 {
		writeError(w, http.StatusBadRequest, `body must be {"first_token_ms","tokens_per_second","hold_after_chars","break_after_chars"}, none negative`)
		return
	}
	s.SetPace(Pace{
		FirstToken:      time.Duration(spec.FirstTokenMS) * time.Millisecond,
		TokensPerSecond: spec.TokensPerSecond,
		HoldAfterChars:  spec.HoldAfterChars,
		BreakAfterChars: spec.BreakAfterChars,
	})
	writeJSONBody(w, http.StatusOK, spec)
}

func (s *Server) handleRelease(w http.ResponseWriter, _ *http.Request) {
	held := s.Held()
	s.Release()
	writeJSONBody(w, http.StatusOK, map[string]int{"released": held})
}

func (s *Server) handleHeld(w http.ResponseWriter, _ *http.Request) {
	writeJSONBody(w, http.StatusOK, map[string]int{"held": s.Held()})
}
