package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rekan/rekan/api/phototest"
	"github.com/rekan/rekan/eval/fakellm"
)

// spooling reports whether the server process holds a photo being
// received (the unlinked temporary file photo.Process spools into).
func spooling(pid int) bool {
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && strings.Contains(target, "rekan-photo-") {
			return true
		}
	}
	return false
}

// A client whose upload stalls halfway through a photo is not a
// generation in flight: SIGTERM does not wait the drain bound (ten
// minutes here) for it, and the server stops at once.
func TestEndToEndStalledUploadDoesNotHoldTheDrain(t *testing.T) {
	s, token, businessID := serveWithOperator(t, "REKAN_DRAIN_TIMEOUT=10m")

	conn := stallUpload(t, s, token, businessID)
	defer conn.Close()

	pid := s.Pid()
	deadline := time.Now().Add(20 * time.Second)
	for !spooling(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("the upload never reached the photo; logs:\n%s", s.Log())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Exited():
	case <-time.After(20 * time.Second):
		t.Fatalf("the server waits for a stalled upload; logs:\n%s", s.Log())
	}
	if strings.Contains(s.Log(), "waiting for generations in flight") {
		t.Errorf("the stalled upload was counted in flight; logs:\n%s", s.Log())
	}
}

// stallUpload starts a posts:generate whose body stops halfway through a
// photo, and returns its connection.
func stallUpload(t *testing.T, s *server, token, businessID string) net.Conn {
	t.Helper()
	photoBytes := phototest.JPEG(2000, 1500, phototest.Red, phototest.Blue, 0)
	const boundary = "stalledboundary"
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"brief\"\r\n\r\nbolo de pote\r\n" +
		"--" + boundary + "\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/rekan/businesses/%s/posts:generate HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n"+
		"Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n%s",
		businessID, token, boundary, len(head)+len(photoBytes)+64, head)
	conn.Write(photoBytes[:len(photoBytes)/2]) // and nothing more
	return conn
}

// An upload that stops sending is cut after routes.UploadIdleTimeout
// (30 s), not after the server's five-minute read bound: the client gets
// its 400.
func TestEndToEndStalledUploadIsCut(t *testing.T) {
	s, token, businessID := serveWithOperator(t)
	conn := stallUpload(t, s, token, businessID)
	defer conn.Close()
	// Far below the five-minute bound, well above the idle one.
	conn.SetReadDeadline(time.Now().Add(2 * time.Minute))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("no answer to the stalled upload after two minutes; logs:\n%s", s.Log())
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 400 || !strings.Contains(string(body), "Corpo da requisição inválido") {
		t.Errorf("answer to a stalled upload: %d %s", res.StatusCode, body)
	}
}

// serveWithOperator starts the server (fakellm as the provider, extra
// environment added) with an operator and a business of theirs.
func serveWithOperator(t *testing.T, extra ...string) (s *server, token, businessID string) {
	t.Helper()
	cli := requireCLI(t)
	fakeServer := httptest.NewServer(fakellm.New())
	t.Cleanup(fakeServer.Close)
	data := t.TempDir()
	if r := runCLI(t, data, "", "operator", "add", "alice@example.com", "a-long-password"); r.code != 0 {
		t.Fatalf("operator add: %+v", r)
	}
	s = startServer(t, t.TempDir(), data, append([]string{
		"REKAN_BAML_CLI=" + cli,
		"REKAN_LLM_BASE_URL=" + fakeServer.URL + "/v1",
		"REKAN_LLM_API_KEY=sk-upload-test",
		"REKAN_WRITER_MODEL=fake-writer",
	}, extra...))
	token, businessID = s.loginWithBusiness(t, "alice@example.com", "a-long-password")
	return s, token, businessID
}
