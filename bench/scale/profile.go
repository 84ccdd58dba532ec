package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rekan/rekan/eval/stack"
)

// profileGenerations builds the server with its bench-only CPU profile
// (api/benchprofile.go, tag benchprofile), runs n generations without
// photos at concurrency 16 on a copy of the template (fakellm answering at
// once), and prints the server's CPU per generation and the profile's top.
func (b *bench) profileGenerations(apiSrc, template, fakeBin string, n, top int) error {
	bin := filepath.Join(b.work, "api-profile")
	build := exec.Command("go", "build", "-tags", "benchprofile", "-o", bin, ".")
	build.Dir = apiSrc
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build the profiling server: %w: %s", err, out)
	}
	dir := filepath.Join(b.work, "data-profile")
	if out, err := exec.Command("cp", "-a", template, dir).CombinedOutput(); err != nil {
		return fmt.Errorf("copy: %w: %s", err, out)
	}
	fake, err := stack.StartFakeProcess(context.Background(), fakeBin)
	if err != nil {
		return err
	}
	defer fake.Stop()
	env := append(slices.Clone(b.env), fake.Env()...)
	profile := filepath.Join(b.work, "server.pprof")
	s, base, _, err := start(bin, dir, env, b.work, "--cpuprofile", profile)
	if err != nil {
		return err
	}
	defer s.Stop(0)
	if err := waitHealthy(base, s.Server); err != nil {
		return err
	}
	token, err := operatorToken(base)
	if err != nil {
		return err
	}
	generate := func() error {
		return callJSON(base, "POST", "/api/rekan/businesses/"+b.business+"/posts:generate", token, `{"brief":"bolo de cenoura com calda de chocolate","count":1}`, nil)
	}
	for range 20 { // warm-up: connections, the runtime's first calls
		if err := generate(); err != nil {
			return err
		}
	}
	cpu0, wall0 := procCPU(s.Pid()), time.Now()
	jobs := make(chan struct{}, n)
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				if err := generate(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	cpu, wall := procCPU(s.Pid())-cpu0, time.Since(wall0)
	_ = s.Stop(15 * time.Second) // writes the profile
	fmt.Printf("generation without photos, %d at concurrency 16: server CPU %.2f ms per generation (checks included; issue 23 target ≤ 2.5 ms without them), %.0f/s\n",
		n, float64(cpu.Microseconds())/1000/float64(n), float64(n)/wall.Seconds())
	for _, view := range []struct{ title, args string }{
		{"flat", "-top"},
		{"cumulative, Rekan's own functions", "-top -cum -show=rekan/rekan/"},
		{"cumulative, SQLite and PocketBase's database layer", "-top -cum -show=modernc.org/sqlite|pocketbase/dbx"},
	} {
		args := append([]string{"tool", "pprof"}, strings.Fields(view.args)...)
		args = append(args, fmt.Sprintf("-nodecount=%d", top), bin, profile)
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("pprof: %w: %s", err, out)
		}
		fmt.Printf("top %d of the server's CPU profile (%s):\n", top, view.title)
		for _, line := range strings.Split(string(bytes.TrimSpace(out)), "\n") {
			if strings.Contains(line, "%") {
				fmt.Println("  " + line)
			}
		}
	}
	return nil
}

// waitHealthy waits for a 200 from /api/rekan/health (the BAML runtime up).
func waitHealthy(base string, srv *stack.Server) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		status, _, _, err := stack.Call(context.Background(), client, "GET", base+"/api/rekan/health", "", "")
		if err == nil && status == 200 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server not healthy after 60s:\n%s", srv.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// procCPU is a process's user + system CPU time from /proc/PID/stat.
func procCPU(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which may hold spaces: utime and
	// stime are the 14th and 15th fields, in clock ticks (100 a second).
	rest := string(raw[bytes.LastIndexByte(raw, ')')+2:])
	f := strings.Fields(rest)
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
