package stack

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Upstream is how a site block file names the server's address; the
// module's block (nix/caddy-site.nix) is rendered with it as upstream.
const Upstream = "@UPSTREAM@"

// Caddy is a running `caddy run` serving one loopback site per block.
type Caddy struct {
	// URLs are the sites' base URLs, in the order of the blocks.
	URLs []string

	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
	file *os.File
	done chan struct{}
}

// StartCaddy writes a Caddyfile with one http://127.0.0.1:PORT site per
// block (Upstream replaced by upstream, e.g. 127.0.0.1:8090) into dir and
// runs binary on it, with dir as its home and its output in dir/caddy.log
// too. It returns once the first site
// answers /api/rekan/config (Caddy and the server's listener are up).
func StartCaddy(ctx context.Context, binary, dir, upstream string, blocks ...string) (*Caddy, error) {
	var file strings.Builder
	file.WriteString("{\n\tadmin off\n\tauto_https off\n\tpersist_config off\n}\n")
	c := &Caddy{done: make(chan struct{})}
	for _, block := range blocks {
		port, err := FreePort()
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&file, "http://127.0.0.1:%d {\n\tbind 127.0.0.1\n%s\n}\n", port, strings.ReplaceAll(block, Upstream, upstream))
		c.URLs = append(c.URLs, "http://127.0.0.1:"+strconv.Itoa(port))
	}
	path := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(path, []byte(file.String()), 0o644); err != nil {
		return nil, err
	}
	home := filepath.Join(dir, "caddy-home")
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_DATA_HOME=" + home}
	if out, err := command(binary, env, "validate", "--adapter", "caddyfile", "--config", path).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("caddy rejects the site block: %w: %s", err, out)
	}
	var err error
	if c.file, err = os.Create(filepath.Join(dir, "caddy.log")); err != nil {
		return nil, err
	}
	c.cmd = command(binary, env, "run", "--adapter", "caddyfile", "--config", path)
	c.cmd.Stdout, c.cmd.Stderr = c, c
	if err := c.cmd.Start(); err != nil {
		c.file.Close()
		return nil, fmt.Errorf("start caddy: %w", err)
	}
	go func() { _ = c.cmd.Wait(); c.file.Close(); close(c.done) }()
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	for {
		if status, _, _, err := Call(ctx, nil, "GET", c.URLs[0]+"/api/rekan/config", "", ""); err == nil && status == http.StatusOK {
			return c, nil
		}
		select {
		case <-c.done:
			return nil, fmt.Errorf("caddy exited; logs:\n%s", c.Log())
		case <-ctx.Done():
			c.Stop()
			return nil, fmt.Errorf("caddy did not answer within %s; logs:\n%s", ReadyTimeout, c.Log())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func command(binary string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	return cmd
}

func (c *Caddy) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = c.file.Write(p)
	return c.logs.Write(p)
}

// Log returns what Caddy printed so far.
func (c *Caddy) Log() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.logs.String()
}

// Stop stops Caddy (SIGTERM, SIGKILL after ten seconds).
func (c *Caddy) Stop() {
	if c == nil {
		return
	}
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}
