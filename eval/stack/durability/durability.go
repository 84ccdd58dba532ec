// Package durability drives the real server binary through a crash run:
// concurrent writers, optionally a backup and the admin command while they
// write, then SIGKILL, a restart, and every acknowledged write looked up.
// The api tests assert on its Result; bench/durability prints it. It lives
// beside the stack it starts (eval/stack), outside the server's module.
//
// It only speaks HTTP and runs the binary, so it needs nothing of the
// server's code and cannot share a database handle with it by accident.
package durability

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rekan/rekan/eval/stack"
)

// Superuser and Operator are the accounts a run creates.
const (
	SuperuserEmail = "root@example.com"
	OperatorEmail  = "alice@example.com"
	Password       = "a-long-password"
)

// Config describes one crash run.
type Config struct {
	// Binary is the server (bin/api).
	Binary string
	// DataDir is an empty directory for the instance.
	DataDir string
	// Writers write concurrently, each to its own businesses.
	Writers int
	// Before and After are how long the writers run before the backup and
	// admin command, and between them and the kill.
	Before, After time.Duration
	// Backup takes a backup through POST /api/backups mid-run.
	Backup bool
	// AdminCommands is how many times `operator list` runs against the live
	// data directory mid-run (after the backup when both are set), spaced
	// over After.
	AdminCommands int
	// Env is the server's and the admin command's environment (stack.Env).
	Env []string
}

// ProbeTimeout bounds the probe write: well beyond PocketBase's 10 s
// SQLite busy timeout, so a write that is only slow still succeeds.
const ProbeTimeout = 30 * time.Second

// Result is what a run observed.
type Result struct {
	// Creates and Updates are the writes acknowledged with a 2xx.
	Creates, Updates int
	// LostCreates are acknowledged creates missing after the restart;
	// LostUpdates are acknowledged updates whose value went back.
	LostCreates, LostUpdates int
	// AdminOutput is what the last admin command printed (stdout and stderr).
	AdminOutput string
	// AdminExit is the highest exit code of the admin commands (-1 when none ran).
	AdminExit int
	// BackupTime is how long POST /api/backups took.
	BackupTime time.Duration
	// ProbeErr is the error of a single write made after the admin
	// commands, before the kill (nil when it was acknowledged).
	ProbeErr error
	// AckedAfterAdmin counts the writes acknowledged after the first admin
	// command: the ones an outside process that drops the WAL would lose.
	AckedAfterAdmin int
}

// Acked is every acknowledged write.
func (r Result) Acked() int { return r.Creates + r.Updates }

// Lost is every acknowledged write that did not survive.
func (r Result) Lost() int { return r.LostCreates + r.LostUpdates }

// Prepare creates the superuser and the operator with the admin command
// while no server runs.
func Prepare(binary, dataDir string, env []string) error {
	for _, args := range [][]string{
		{"superuser", "upsert", SuperuserEmail, Password},
		{"operator", "add", OperatorEmail, Password},
	} {
		code, out, err := stack.CLI(binary, dataDir, env, "", args...)
		if err != nil {
			return err
		}
		if code != 0 {
			return fmt.Errorf("%v: exit %d: %s", args, code, out)
		}
	}
	return nil
}

// Business is the body of a business the writers create.
func Business(owner, name string) map[string]any {
	return map[string]any{
		"owner": owner, "name": name, "segment": "confeitaria",
		"city": "Fortaleza", "state": "CE", "phone": "85999998888",
	}
}

// acked is what one writer got a 2xx for: business id -> last name.
type acked struct {
	names            map[string]string
	creates, updates int
}

// write creates a business, then renames it a few times, until ctx ends.
// Each writer owns its businesses, so its last acknowledged name is the
// one the database must hold.
func write(ctx context.Context, c *stack.Client, owner string, writer int, afterAdmin *atomic.Bool, ackedAfter *atomic.Int64) acked {
	a := acked{names: map[string]string{}}
	for seq := 0; ctx.Err() == nil; seq++ {
		name := fmt.Sprintf("w%d-%d", writer, seq)
		var rec struct {
			ID string `json:"id"`
		}
		if _, err := c.Do(ctx, "POST", "/api/collections/businesses/records", Business(owner, name), &rec); err != nil {
			continue
		}
		a.names[rec.ID] = name
		a.creates++
		if afterAdmin.Load() {
			ackedAfter.Add(1)
		}
		for u := 0; u < 3 && ctx.Err() == nil; u++ {
			seq++
			renamed := fmt.Sprintf("w%d-%d", writer, seq)
			if _, err := c.Do(ctx, "PATCH", "/api/collections/businesses/records/"+rec.ID, map[string]any{"name": renamed}, nil); err != nil {
				break
			}
			a.names[rec.ID] = renamed
			a.updates++
			if afterAdmin.Load() {
				ackedAfter.Add(1)
			}
		}
	}
	return a
}

// Run performs one crash run.
func Run(cfg Config) (Result, error) {
	res := Result{AdminExit: -1}
	if err := Prepare(cfg.Binary, cfg.DataDir, cfg.Env); err != nil {
		return res, fmt.Errorf("prepare: %w", err)
	}
	srv, err := start(cfg)
	if err != nil {
		return res, err
	}
	defer srv.Kill()
	root, _, err := stack.Login(context.Background(), srv.Base, "_superusers", SuperuserEmail, Password)
	if err != nil {
		return res, fmt.Errorf("superuser login: %w", err)
	}
	_, owner, err := stack.Login(context.Background(), srv.Base, "users", OperatorEmail, Password)
	if err != nil {
		return res, fmt.Errorf("operator login: %w", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make([]acked, cfg.Writers)
	var afterAdmin atomic.Bool
	var ackedAfter atomic.Int64
	var wg sync.WaitGroup
	for i := range cfg.Writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Own transport per writer: a killed server must not leave one
			// writer waiting on another's connection.
			results[i] = write(ctx, &stack.Client{Base: root.Base, Token: root.Token, HTTP: &http.Client{Transport: &http.Transport{}}}, owner, i, &afterAdmin, &ackedAfter)
		}()
	}

	time.Sleep(cfg.Before)
	if cfg.Backup {
		started := time.Now()
		if _, err := root.Do(context.Background(), "POST", "/api/backups", map[string]string{}, nil); err != nil {
			cancel()
			wg.Wait()
			return res, fmt.Errorf("backup: %w", err)
		}
		res.BackupTime = time.Since(started)
	}
	gap := cfg.After / time.Duration(cfg.AdminCommands+1)
	for range cfg.AdminCommands {
		afterAdmin.Store(true)
		code, out, err := stack.CLI(cfg.Binary, cfg.DataDir, cfg.Env, "", "operator", "list")
		if err != nil {
			cancel()
			wg.Wait()
			return res, err
		}
		res.AdminExit, res.AdminOutput = max(res.AdminExit, code), out
		time.Sleep(gap)
	}
	time.Sleep(gap)

	// One more write, on its own, after the admin commands: a server that
	// stopped taking writes (rather than losing them) fails here.
	probeCtx, probeCancel := context.WithTimeout(context.Background(), ProbeTimeout)
	var probe struct {
		ID string `json:"id"`
	}
	_, res.ProbeErr = root.Do(probeCtx, "POST", "/api/collections/businesses/records", Business(owner, "probe-0"), &probe)
	probeCancel()
	if res.ProbeErr == nil {
		results = append(results, acked{names: map[string]string{probe.ID: "probe-0"}, creates: 1})
	}

	srv.Kill()
	cancel()
	wg.Wait()
	res.AckedAfterAdmin = int(ackedAfter.Load())

	srv, err = start(cfg)
	if err != nil {
		return res, fmt.Errorf("restart: %w", err)
	}
	defer srv.Stop(stack.StopGrace)
	root.Base = srv.Base
	stored, err := names(root)
	if err != nil {
		return res, err
	}
	for _, a := range results {
		res.Creates += a.creates
		res.Updates += a.updates
		for id, want := range a.names {
			got, ok := stored[id]
			switch {
			case !ok:
				res.LostCreates++
			case seqOf(got) < seqOf(want):
				res.LostUpdates++
			}
		}
	}
	return res, nil
}

// names lists every business (id -> name) through the records API.
func names(c *stack.Client) (map[string]string, error) {
	out := map[string]string{}
	for page := 1; ; page++ {
		var list struct {
			Items []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"items"`
		}
		q := url.Values{"page": {strconv.Itoa(page)}, "perPage": {"500"}, "skipTotal": {"1"}, "fields": {"id,name"}}
		if _, err := c.Do(context.Background(), "GET", "/api/collections/businesses/records?"+q.Encode(), nil, &list); err != nil {
			return nil, fmt.Errorf("list businesses: %w", err)
		}
		for _, it := range list.Items {
			out[it.ID] = it.Name
		}
		if len(list.Items) < 500 {
			return out, nil
		}
	}
}

// seqOf reads the sequence number of a "w<writer>-<seq>" name.
func seqOf(name string) int {
	n, err := strconv.Atoi(name[strings.LastIndexByte(name, '-')+1:])
	if err != nil {
		return -1
	}
	return n
}

// start serves the run's data dir; the crash run needs the listener only.
func start(cfg Config) (*stack.Server, error) {
	return stack.StartServer(context.Background(), stack.ServerConfig{
		Binary: cfg.Binary, DataDir: cfg.DataDir, Env: cfg.Env, Ready: stack.Listening,
	})
}
