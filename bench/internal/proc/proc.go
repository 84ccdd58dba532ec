// Package proc holds the process plumbing the bench modules share: a free
// loopback port and stopping a child with a grace period. Each benchmark is
// its own module (bench/api, bench/restart); this one is required through a
// replace, and internal keeps it to bench/.
package proc

import (
	"net"
	"os"
	"os/exec"
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
