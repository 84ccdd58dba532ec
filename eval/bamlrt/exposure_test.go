package bamlrt_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/bamlrt/bamlrttest"
)

// What the runtime exposes, as PEP 012 and the README state it: it listens
// on every interface (baml-cli serve 0.223.0 cannot bind loopback, so the
// NixOS firewall keeps the port from other hosts), and without the password
// only /_debug/ping answers. When a BAML upgrade changes either fact, this
// fails and the docs (and maybe bamlrt) must follow.
func TestExposedSurface(t *testing.T) {
	rt := bamlrttest.Start(t, nil)
	u, err := url.Parse(rt.BaseURL())
	if err != nil {
		t.Fatal(err)
	}

	if addr := listenAddress(t, u.Port()); addr != "00000000" && addr != "00000000000000000000000000000000" {
		t.Errorf("the runtime listens on %s; docs say 0.0.0.0 (update PEP 012, the README and the module's firewall story)", addr)
	}

	get := func(method, path string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, rt.BaseURL()+path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if status, body := get("GET", "/_debug/ping"); status != 200 || !strings.Contains(body, "pong") {
		t.Errorf("/_debug/ping without password: %d %q", status, body)
	}
	for _, p := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/docs"}, {"GET", "/openapi.json"}, {"GET", "/_debug/status"},
		{"POST", "/call/WritePosts"}, {"POST", "/stream/WritePosts"}, {"GET", "/nope"},
	} {
		if status, body := get(p.method, p.path); status != http.StatusForbidden {
			t.Errorf("%s %s without password: %d %.100q", p.method, p.path, status, body)
		}
	}
}

// listenAddress is the hex local address of the LISTEN socket on port, from
// /proc/net/tcp and tcp6.
func listenAddress(t *testing.T, port string) string {
	t.Helper()
	var portHex string
	var n int
	fmt.Sscan(port, &n)
	portHex = fmt.Sprintf("%04X", n)
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(raw), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) < 4 || fields[3] != "0A" { // 0A: LISTEN
				continue
			}
			addr, p, ok := strings.Cut(fields[1], ":")
			if ok && p == portHex {
				return addr
			}
		}
	}
	t.Fatalf("no listening socket on port %s", port)
	return ""
}
