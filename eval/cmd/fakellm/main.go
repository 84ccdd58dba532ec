// Command fakellm serves the fake OpenAI-compatible provider (package
// fakellm) for scripts, Playwright tests and benchmarks. It prints
// "fakellm listening on http://HOST:PORT" once it accepts connections.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rekan/rekan/eval/fakellm"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fakellm:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	flags := flag.NewFlagSet("fakellm", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	latency := flags.Duration("latency", 0, "delay of default (unscripted) replies, e.g. 300ms")
	portFile := flags.String("port-file", "", "also write the base URL to this file once listening")
	allowRemote := flags.Bool("allow-remote", false, "allow a non-loopback listen address")
	fault := flags.String("fault", "", fmt.Sprintf("plant this mistake in every unscripted post reply, one of %v", fakellm.Faults))
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", flags.Args())
	}
	if !fakellm.Fault(*fault).Valid() {
		return fmt.Errorf("unknown -fault %q (known: %v)", *fault, fakellm.Faults)
	}
	if err := checkLoopback(*addr, *allowRemote); err != nil {
		return err
	}

	if *portFile != "" {
		// A file left by an earlier run would hand pollers a dead URL.
		if err := os.Remove(*portFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove stale port file: %w", err)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	fake := fakellm.New()
	fake.SetLatency(*latency)
	fake.SetFault(fakellm.Fault(*fault))
	server := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}

	url := "http://" + listener.Addr().String()
	if *portFile != "" {
		// Write then rename so a polling script never reads half a URL.
		tmp := *portFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(url+"\n"), 0o644); err != nil {
			listener.Close()
			return fmt.Errorf("write port file: %w", err)
		}
		if err := os.Rename(tmp, *portFile); err != nil {
			listener.Close()
			return fmt.Errorf("write port file: %w", err)
		}
	}
	fmt.Printf("fakellm listening on %s\n", url)

	serveErr := make(chan error, 1)
	go func() { serveErr <- server.Serve(listener) }()

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		slog.Warn("fakellm: shutdown", slog.Any("error", err))
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// checkLoopback refuses non-loopback addresses: the fake records API keys
// and answers anyone, so it must not be reachable from the network by
// accident.
func checkLoopback(addr string, allowRemote bool) error {
	if allowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid --addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to listen on non-loopback address %q (use --allow-remote)", addr)
	}
	return nil
}
