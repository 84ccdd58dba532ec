package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rekan/rekan/api/internal/security"
	"github.com/rekan/rekan/eval/fakellm"
	"github.com/rekan/rekan/eval/stack"
)

// These run the real binary: the boundaries the server holds by itself,
// with nothing in front of it.

// from returns an HTTP client whose connections leave from the loopback
// address local (127.0.0.0/8 is all local on Linux), so one test can be an
// allowed and a disallowed admin address.
func from(local string) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	return &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{DialContext: dialer.DialContext, Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func send(t *testing.T, client *http.Client, method, url string, headers map[string]string, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, strings.TrimSpace(string(raw))
}

func superuserUpsert(t *testing.T, data string) {
	t.Helper()
	if r := runCLI(t, data, "", "superuser", "upsert", "root@example.com", "a-long-password"); r.code != 0 {
		t.Fatalf("superuser upsert: %+v", r)
	}
}

const suLogin = `{"identity":"root@example.com","password":"a-long-password"}`

// superusersID reads the superusers collection id from the server itself
// (an allowed client lists collections).
func superusersID(t *testing.T, base, token string) string {
	t.Helper()
	status, _, body := send(t, from("127.0.0.2"), "GET", base+"/api/collections?filter=name='_superusers'", map[string]string{"Authorization": token}, "")
	var list struct {
		Items []struct{ ID string } `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &list); status != 200 || err != nil || len(list.Items) != 1 || !strings.HasPrefix(list.Items[0].ID, "pbc_") {
		t.Fatalf("collections: %d %s", status, body)
	}
	return list.Items[0].ID
}

func TestServeAdminAllowList(t *testing.T) {
	data := t.TempDir()
	superuserUpsert(t, data)
	s := startServerUntil(t, t.TempDir(), data, []string{"REKAN_ADMIN_ALLOWED_IPS=127.0.0.2/32", stack.NoRuntime}, stack.Listening)

	allowed, outside := from("127.0.0.2"), from("127.0.0.1")
	status, _, body := send(t, allowed, "POST", s.base+"/api/collections/_superusers/auth-with-password", nil, suLogin)
	var login struct{ Token string }
	if err := json.Unmarshal([]byte(body), &login); status != 200 || err != nil || login.Token == "" {
		t.Fatalf("login from the allowed address: %d %s", status, body)
	}
	id := superusersID(t, s.base, login.Token)
	token := map[string]string{"Authorization": login.Token}

	probes := []struct {
		name, method, path string
		headers            map[string]string
		body               string
	}{
		{"superuser login by name", "POST", "/api/collections/_superusers/auth-with-password", nil, suLogin},
		{"superuser login by id", "POST", "/api/collections/" + id + "/auth-with-password", nil, suLogin},
		{"existing token: settings", "GET", "/api/settings", token, ""},
		{"existing token: backups", "GET", "/api/backups", token, ""},
		{"admin UI", "GET", "/_/", nil, ""},
		{"forged X-Forwarded-For (no header trusted)", "POST", "/api/collections/" + id + "/auth-with-password",
			map[string]string{"X-Forwarded-For": "127.0.0.2", "X-Real-IP": "127.0.0.2"}, suLogin},
	}
	for _, p := range probes {
		status, _, body := send(t, outside, p.method, s.base+p.path, p.headers, p.body)
		t.Logf("from 127.0.0.1: %s %s -> %d", p.method, p.path, status)
		if status != 403 || strings.Contains(body, `"token"`) {
			t.Errorf("%s from a disallowed address: %d %.200s", p.name, status, body)
		}
		if status, _, body := send(t, allowed, p.method, s.base+p.path, p.headers, p.body); status != 200 {
			t.Errorf("%s from the allowed address: %d %.200s", p.name, status, body)
		}
	}
	// Operators are not superusers: their login works from anywhere.
	if status, _, body := send(t, outside, "POST", s.base+"/api/collections/users/auth-with-password", nil, `{"identity":"x@example.com","password":"wrong-password"}`); status != 400 {
		t.Errorf("operator login: %d %s", status, body)
	}
}

func TestServeDefaultAllowsOnlyLoopback(t *testing.T) {
	data := t.TempDir()
	superuserUpsert(t, data)
	// A previous start trusted a proxy header and allowed everyone; this
	// start sets neither, so both are back to their defaults.
	first := startServerUntil(t, t.TempDir(), data, []string{"REKAN_TRUSTED_PROXY_HEADERS=X-Forwarded-For", "REKAN_ADMIN_ALLOWED_IPS=0.0.0.0/0,::/0", stack.NoRuntime}, stack.Listening)
	first.Kill()

	s := startServerUntil(t, t.TempDir(), data, []string{stack.NoRuntime}, stack.Listening)
	// Loopback is allowed by default…
	status, _, body := send(t, from("127.0.0.1"), "POST", s.base+"/api/collections/_superusers/auth-with-password", nil, suLogin)
	if status != 200 {
		t.Fatalf("login from loopback: %d %s", status, body)
	}
	var login struct{ Token string }
	_ = json.Unmarshal([]byte(body), &login)
	status, _, body = send(t, from("127.0.0.1"), "GET", s.base+"/api/settings", map[string]string{"Authorization": login.Token}, "")
	if status != 200 || !strings.Contains(body, `"superuserIPs":["127.0.0.0/8","::1/128"]`) || !strings.Contains(body, `"trustedProxy":{"headers":[],"useLeftmostIP":false}`) {
		t.Errorf("settings in force (what the admin UI shows): %d %.600s", status, body)
	}
	// …and a forged X-Forwarded-For no longer counts: rotating it does not
	// escape the login rate limit (10 per minute).
	var statuses []int
	for i := range 11 {
		status, _, _ := send(t, from("127.0.0.1"), "POST", s.base+"/api/collections/users/auth-with-password",
			map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i+1)}, `{"identity":"x@example.com","password":"wrong-password"}`)
		statuses = append(statuses, status)
	}
	if statuses[10] != 429 {
		t.Errorf("11th wrong login with rotating X-Forwarded-For: %v, want 429 last", statuses)
	}
}

func TestServeDataDirIsPrivate(t *testing.T) {
	data := filepath.Join(t.TempDir(), "pb_data")
	// An existing data dir with loose permissions (an older version, another umask).
	if err := os.MkdirAll(filepath.Join(data, "storage"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "storage", "old.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServerUntil(t, t.TempDir(), data, []string{stack.NoRuntime}, stack.Listening)
	if !strings.Contains(s.Log(), "removed group and other permissions in the data directory") {
		t.Errorf("no log line about the tightened permissions:\n%s", s.Log())
	}
	checkPrivate(t, data)

	// A fresh data directory is private from the start.
	fresh := filepath.Join(t.TempDir(), "fresh")
	startServerUntil(t, t.TempDir(), fresh, []string{stack.NoRuntime}, stack.Listening)
	checkPrivate(t, fresh)
}

func checkPrivate(t *testing.T, dir string) {
	t.Helper()
	seen := 0
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Error(err)
			return nil
		}
		info, _ := d.Info()
		if info.Mode()&fs.ModeSymlink == 0 && info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v", path, info.Mode().Perm())
		}
		if d.Name() == "data.db" {
			seen++
		}
		return nil
	})
	if seen != 1 {
		t.Errorf("data.db not found under %s", dir)
	}
}

func TestServeHeadersCORSAndReservedPaths(t *testing.T) {
	work := withWebBuild(t)
	data := t.TempDir()
	s := startServerUntil(t, work, data, []string{stack.NoRuntime}, stack.Listening)
	client := from("127.0.0.1")

	_, header, body := send(t, client, "GET", s.base+"/app/negocios", nil, "")
	if body != "<html>spa</html>" {
		t.Fatalf("SPA route: %s", body)
	}
	want := map[string]string{}
	for k, v := range security.Headers.All {
		want[k] = v
	}
	for k, v := range security.Headers.HTML {
		want[k] = v
	}
	for name, value := range want {
		if got := header.Get(name); got != value {
			t.Errorf("HTML %s: %q, want %q", name, got, value)
		}
	}
	_, header, _ = send(t, client, "GET", s.base+"/api/health", nil, "")
	if header.Get("Referrer-Policy") == "" || header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("API headers: %v", header)
	}

	evil := map[string]string{"Origin": "https://evil.example"}
	for _, path := range []string{"/api/health", "/api/rekan/config", "/api/collections/users/auth-methods"} {
		if _, header, _ := send(t, client, "GET", s.base+path, evil, ""); header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s grants CORS to another origin: %q", path, header.Get("Access-Control-Allow-Origin"))
		}
	}
	preflight := map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
	if _, header, _ := send(t, client, "OPTIONS", s.base+"/api/rekan/businesses/x/posts:generate", preflight, ""); header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight grant: %v", header)
	}

	if status, header, _ := send(t, client, "GET", s.base+"/_", nil, ""); status/100 != 3 || header.Get("Location") != "/_/" {
		t.Errorf("/_: %d %v", status, header)
	}
	for _, path := range []string{"/API/unknown", "/Api/rekan/health", "/api/unknown", "/API", "/_app/", "/_app"} {
		status, header, body := send(t, client, "GET", s.base+path, nil, "")
		if status != 404 || strings.Contains(body, "<html") {
			t.Errorf("GET %s: %d %.80s", path, status, body)
		}
		if strings.HasPrefix(strings.ToLower(path), "/api") && (!strings.Contains(body, `"status":404`) || !strings.HasPrefix(header.Get("Content-Type"), "application/json")) {
			t.Errorf("GET %s is not the API's JSON 404: %s %s", path, header.Get("Content-Type"), body)
		}
	}
}

func TestServeOriginsFlag(t *testing.T) {
	srv, err := stack.StartServer(context.Background(), stack.ServerConfig{
		Binary: binary, DataDir: t.TempDir(), WorkDir: t.TempDir(), Env: stack.Env(stack.NoRuntime),
		Args: []string{"--origins", "https://rekan.example"}, Ready: stack.Listening,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop(5 * time.Second) })
	base := srv.Base
	_, header, _ := send(t, from("127.0.0.1"), "GET", base+"/api/health", map[string]string{"Origin": "https://rekan.example"}, "")
	if header.Get("Access-Control-Allow-Origin") != "https://rekan.example" {
		t.Errorf("own origin: %v", header)
	}
	_, header, _ = send(t, from("127.0.0.1"), "GET", base+"/api/health", map[string]string{"Origin": "https://evil.example"}, "")
	if header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin: %v", header)
	}
}

// A malformed chunked body, on the wire.
func TestServeMalformedChunkedBody(t *testing.T) {
	data := t.TempDir()
	if r := runCLI(t, data, "", "operator", "add", "alice@example.com", "a-long-password"); r.code != 0 {
		t.Fatalf("operator add: %+v", r)
	}
	s := startServerUntil(t, t.TempDir(), data, []string{stack.NoRuntime}, stack.Listening)
	_, _, body := s.call(t, "POST", "/api/collections/users/auth-with-password", "", `{"identity":"alice@example.com","password":"a-long-password"}`)
	var login struct {
		Token  string
		Record struct{ ID string }
	}
	_ = json.Unmarshal([]byte(body), &login)
	// Her own business: the route checks ownership before it reads the body.
	_, _, body = s.call(t, "POST", "/api/collections/businesses/records", login.Token,
		`{"owner":"`+login.Record.ID+`","name":"Confeitaria da Lu","segment":"confeitaria","city":"São Paulo","state":"SP"}`)
	var biz struct{ ID string }
	if err := json.Unmarshal([]byte(body), &biz); err != nil || biz.ID == "" {
		t.Fatalf("create business: %s", body)
	}

	conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST /api/rekan/businesses/%s/posts:generate HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n"+
		"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"bri\r\nzz-not-hex\r\n\r\n", biz.ID, login.Token)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 400 || !strings.Contains(string(raw), "Corpo da requisição inválido.") {
		t.Errorf("malformed chunked body: %d %s", res.StatusCode, raw)
	}
}

// The primary key never travels to a fallback on another origin.
func TestServeFallbackKeyStaysWithItsOrigin(t *testing.T) {
	primary := httptest.NewServer(fakellm.New())
	defer primary.Close()
	other := fakellm.New()
	fallback := httptest.NewServer(other)
	defer fallback.Close()

	srv, err := stack.StartServer(context.Background(), stack.ServerConfig{
		Binary: binary, DataDir: t.TempDir(), WorkDir: t.TempDir(), Ready: stack.Listening,
		Env: stack.Env(stack.NoRuntime, "REKAN_LLM_BASE_URL="+primary.URL+"/v1", "REKAN_LLM_API_KEY=sk-primary-secret",
			"REKAN_LLM_FALLBACK_BASE_URL="+fallback.URL+"/v1"),
	})
	if err == nil {
		_ = srv.Stop(5 * time.Second)
		t.Fatal("the server started with the primary key bound for another host")
	}
	// It must refuse to start, not hang until the wait gives up.
	if !strings.Contains(err.Error(), "exited before") || !strings.Contains(err.Error(), "(exit status ") {
		t.Fatalf("the server did not exit: %v", err)
	}
	out := err.Error()
	for _, want := range []string{"REKAN_LLM_FALLBACK_BASE_URL", "REKAN_LLM_BASE_URL", "REKAN_LLM_FALLBACK_API_KEY"} {
		if !strings.Contains(out, want) {
			t.Errorf("the error does not name %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "sk-primary-secret") {
		t.Errorf("the error shows the key:\n%s", out)
	}
	if n := len(other.Requests()); n != 0 {
		t.Errorf("the fallback host saw %d requests", n)
	}
}

// With a key of its own, the fallback gets that key and never the primary's,
// through the real BAML runtime.
func TestEndToEndFallbackGetsItsOwnKey(t *testing.T) {
	cli := requireCLI(t)
	first := fakellm.New()
	primary := httptest.NewServer(first)
	defer primary.Close()
	second := fakellm.New()
	fallback := httptest.NewServer(second)
	defer fallback.Close()
	first.Enqueue(fakellm.Reply{Status: 500, Times: 100})

	data := t.TempDir()
	if r := runCLI(t, data, "", "operator", "add", "alice@example.com", "a-long-password"); r.code != 0 {
		t.Fatalf("operator add: %+v", r)
	}
	s := startServer(t, t.TempDir(), data, []string{
		"REKAN_BAML_CLI=" + cli,
		"REKAN_LLM_BASE_URL=" + primary.URL + "/v1", "REKAN_LLM_API_KEY=sk-primary-secret", "REKAN_WRITER_MODEL=fake-writer",
		"REKAN_LLM_FALLBACK_BASE_URL=" + fallback.URL + "/v1", "REKAN_LLM_FALLBACK_API_KEY=sk-fallback-key",
	})
	token, business := s.loginWithBusiness(t, "alice@example.com", "a-long-password")
	status, _, body := s.call(t, "POST", "/api/rekan/businesses/"+business+"/posts:generate", token, `{"brief":"bolo de cenoura"}`)
	if status != 200 {
		t.Fatalf("generate through the fallback: %d %s", status, body)
	}
	if len(first.Requests()) == 0 || len(second.Requests()) == 0 {
		t.Fatalf("requests: primary %d, fallback %d", len(first.Requests()), len(second.Requests()))
	}
	for _, r := range second.Requests() {
		if r.Authorization != "Bearer sk-fallback-key" {
			t.Errorf("the fallback host got authorization %q", r.Authorization)
		}
	}
}
