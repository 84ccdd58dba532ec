package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A refusal given before an upload is read (here the generation rate
// limit) comes once the upload is read, on a connection still in step. The
// server used to answer at once and keep the connection alive with the
// upload still arriving: it parsed the rest of the upload as the next
// request, answered a 400 nobody sent and reset the connection. A client
// that reads only after sending its body, as a proxy does, could meet the
// reset first: behind Caddy on a loaded machine the operator saw Caddy's
// 502 ("the AI provider failed") for a refused upload.
func TestServeEarlyAnswerToAnUploadKeepsTheConnection(t *testing.T) {
	s := startServerUntil(t, t.TempDir(), dataWithAlice(t), []string{"REKAN_BAML_CLI=/nonexistent"}, "/api/health")
	token, businessID := s.loginWithBusiness(t, "alice@example.com", "a-long-password")
	for range 10 { // the generation limit: 10 a minute per client address
		s.call(t, "POST", "/api/rekan/businesses/"+businessID+"/posts:generate", token, `{"brief":"x"}`)
	}

	const boundary = "earlyboundary"
	body := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"brief\"\r\n\r\nbolo\r\n" +
		"--" + boundary + "\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" +
		strings.Repeat("x", 2<<20) + // never decoded: the refusal comes first
		"\r\n--" + boundary + "--\r\n"
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go fmt.Fprintf(conn, "POST /api/rekan/businesses/%s/posts:generate HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n"+
		"Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n%s",
		businessID, token, boundary, len(body), body)
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(conn)
	res, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("no answer to a rate-limited upload: %v", err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "60" {
		t.Errorf("answer to a rate-limited upload: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res.Close {
		t.Fatal("the refusal closes the connection with the upload unread")
	}
	// In step: the next request on the connection is answered.
	fmt.Fprint(conn, "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
	next, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("the connection after the refusal: %v", err)
	}
	next.Body.Close()
	if next.StatusCode != 200 {
		t.Errorf("health on the kept connection: %d", next.StatusCode)
	}
}
