package fakellm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// ReplySpec is the JSON form of a Reply on POST /_fake/replies.
type ReplySpec struct {
	Status  int    `json:"status"`
	DelayMS int64  `json:"delay_ms"`
	Content string `json:"content"`
	Body    string `json:"body"`
	Times   int    `json:"times"`
	// Fault names a mistake to plant in the default reply (see Faults).
	Fault string `json:"fault"`
	// Match, when set, keeps the reply for a request whose prompt contains
	// it (one client of a batch, whatever order the calls come in).
	Match string `json:"match"`
	// Hold keeps the reply until POST /_fake/release (Reply.Hold).
	Hold bool `json:"hold"`
}

// Reply converts the JSON form.
func (rs ReplySpec) Reply() Reply {
	return Reply{
		Status:  rs.Status,
		Delay:   time.Duration(rs.DelayMS) * time.Millisecond,
		Content: rs.Content,
		Body:    rs.Body,
		Times:   rs.Times,
		Fault:   Fault(rs.Fault),
		Match:   rs.Match,
		Hold:    rs.Hold,
	}
}

// handleReplies accepts a JSON array of ReplySpec (or a single object) and
// answers {"pending": N}, the number of requests the script now covers.
func (s *Server) handleReplies(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err != nil {
		writeError(w, http.StatusBadRequest, "could not read request body: "+err.Error())
		return
	}
	var specs []ReplySpec
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var one ReplySpec
		err = strictUnmarshal(trimmed, &one)
		specs = []ReplySpec{one}
	} else {
		err = strictUnmarshal(trimmed, &specs)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "body must be a JSON array of {status, delay_ms, content, body, times, fault, match, hold}: "+err.Error())
		return
	}
	replies := make([]Reply, 0, len(specs))
	for _, spec := range specs {
		if spec.Status != 0 && (spec.Status < 100 || spec.Status > 599) {
			writeError(w, http.StatusBadRequest, "status must be an HTTP status code")
			return
		}
		if !Fault(spec.Fault).Valid() {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown fault %q (known: %v)", spec.Fault, Faults))
			return
		}
		if spec.DelayMS < 0 || spec.Times < 0 {
			writeError(w, http.StatusBadRequest, "delay_ms and times must not be negative")
			return
		}
		replies = append(replies, spec.Reply())
	}
	s.Enqueue(replies...)
	writeJSONBody(w, http.StatusOK, map[string]int{"pending": s.Pending()})
}

// handleLatency sets the default latency from {"ms": N}.
func (s *Server) handleLatency(w http.ResponseWriter, r *http.Request) {
	var body struct {
		MS *int64 `json:"ms"`
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err == nil {
		err = strictUnmarshal(data, &body)
	}
	if err != nil || body.MS == nil || *body.MS < 0 {
		writeError(w, http.StatusBadRequest, `body must be {"ms": N} with N >= 0`)
		return
	}
	s.SetLatency(time.Duration(*body.MS) * time.Millisecond)
	writeJSONBody(w, http.StatusOK, map[string]int64{"ms": *body.MS})
}

// handleRequests lists the records. Images come without their bytes (a
// few photos would make the listing megabytes long) unless ?image_data=1.
func (s *Server) handleRequests(w http.ResponseWriter, r *http.Request) {
	requests := s.Requests()
	if r.URL.Query().Get("image_data") != "1" {
		for i := range requests {
			images := make([]Image, len(requests[i].Images))
			for j, img := range requests[i].Images {
				img.Data = nil
				images[j] = img
			}
			requests[i].Images = images
		}
	}
	writeJSONBody(w, http.StatusOK, requests)
}

func (s *Server) handleReset(w http.ResponseWriter, _ *http.Request) {
	s.Reset()
	writeJSONBody(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSONBody(w, http.StatusOK, map[string]any{"status": "ok", "pending": s.Pending()})
}

// strictUnmarshal rejects unknown fields so a typo in a test script fails
// loudly instead of silently queueing a default reply.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
