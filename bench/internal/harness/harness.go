// Package harness holds the plumbing the bench modules share: a free
// loopback port, stopping a child with a grace period, one JSON call to the
// server. Each benchmark is its own module (bench/api, bench/restart); this
// one is required through a replace, and internal keeps it to bench/.
package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// FreePort asks the kernel for a free TCP port on 127.0.0.1.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Stop sends sig to a started, not yet waited for cmd and waits for it;
// after grace it kills it. A nil, unstarted or finished cmd is left alone.
func Stop(cmd *exec.Cmd, sig os.Signal, grace time.Duration) {
	if cmd == nil || cmd.Process == nil || cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Call sends body as JSON to base+path, with token as PocketBase's
// Authorization header when set, and returns the status and the body.
func Call(ctx context.Context, client *http.Client, base, method, path, token, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, string(raw), err
}

// CallJSON is Call expecting a 200, decoding the body into out (when not nil).
func CallJSON(ctx context.Context, client *http.Client, base, method, path, token, body string, out any) error {
	status, raw, err := Call(ctx, client, base, method, path, token, body)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, path, status, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal([]byte(raw), out)
}
