package fakellm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// StartTimeout bounds how long StartProcess waits for the binary to listen.
// It is the only such wait: bash and TypeScript start the stack through
// bin/stack (eval/cmd/stack), which serves the fake in process.
const StartTimeout = 15 * time.Second

// Process is a fakellm binary started by StartProcess, listening on a free
// loopback port.
type Process struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234 (OpenAI clients
	// want URL + "/v1").
	URL string

	cmd     *exec.Cmd
	dir     string
	exited  chan struct{}
	waitErr error
}

// StartProcess starts cmd, the fakellm binary with the caller's flags,
// environment and output, adding -port-file, and returns once the binary
// has written its URL there: the one way every caller learns the address
// (the binary writes the file only once it accepts connections). It fails
// when the binary exits first, after StartTimeout, or when ctx ends; the
// process is stopped then.
func StartProcess(ctx context.Context, cmd *exec.Cmd) (*Process, error) {
	dir, err := os.MkdirTemp("", "fakellm-")
	if err != nil {
		return nil, fmt.Errorf("start fakellm: %w", err)
	}
	portFile := filepath.Join(dir, "url")
	cmd.Args = append(cmd.Args, "-port-file", portFile)
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start fakellm: %w", err)
	}
	p := &Process{cmd: cmd, dir: dir, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()

	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if data, err := os.ReadFile(portFile); err == nil && strings.TrimSpace(string(data)) != "" {
			p.URL = strings.TrimSpace(string(data))
			return p, nil
		}
		select {
		case <-p.exited:
			os.RemoveAll(dir)
			return nil, fmt.Errorf("fakellm exited before listening: %v", p.waitErr)
		case <-ctx.Done():
			p.Stop()
			return nil, fmt.Errorf("fakellm did not write its URL: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// Pid is the process id (for CPU and memory figures).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stop asks fakellm to shut down (SIGTERM), kills it after ten seconds,
// and waits for it. Calling it again does nothing.
func (p *Process) Stop() {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	}
	os.RemoveAll(p.dir)
}
