// Command bench-durability prints what issue 11 measures about not losing
// data, on the real binary:
//
//   - acknowledged and lost writes of a crash run (concurrent writers,
//     SIGKILL, restart), plain and with a backup and admin commands against
//     the live data directory while the writers write;
//
//   - time and size of a backup of an instance with 2,000 posts, and the
//     longest write while it runs (writes pause while the databases are
//     copied).
//
//     go run . -api ../../bin/api
//
// Figures are printed next to their targets; it never fails on a missed
// target (targets are for people to read).
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rekan/rekan/eval/stack"
	"github.com/rekan/rekan/eval/stack/durability"
)

func main() {
	apiBin := flag.String("api", "../../bin/api", "the server binary")
	writers := flag.Int("writers", 8, "concurrent writers in the crash runs")
	posts := flag.Int("posts", 2000, "posts in the backed-up instance")
	flag.Parse()
	binary, err := filepath.Abs(*apiBin)
	if err == nil {
		err = run(binary, *writers, *posts)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-durability:", err)
		os.Exit(1)
	}
}

func run(binary string, writers, posts int) error {
	work, err := os.MkdirTemp("", "rekan-bench-durability-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	fmt.Printf("crash runs: %d writers, SIGKILL, restart, every acknowledged write looked up (target: 0 lost)\n", writers)
	fmt.Printf("  %-36s %12s %8s %12s  %s\n", "run", "acknowledged", "lost", "after admin", "write before the kill")
	for i, c := range []struct {
		name          string
		backup        bool
		adminCommands int
	}{
		{"plain crash", false, 0},
		{"backup + 6 admin commands, crash", true, 6},
	} {
		res, err := durability.Run(durability.Config{
			Binary:        binary,
			DataDir:       filepath.Join(work, fmt.Sprintf("crash-%d", i)),
			Writers:       writers,
			Before:        time.Second,
			After:         2 * time.Second,
			Backup:        c.backup,
			AdminCommands: c.adminCommands,
			Env:           stack.Env(stack.NoRuntime),
		})
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		after := "-"
		if c.adminCommands > 0 {
			after = fmt.Sprint(res.AckedAfterAdmin)
			if res.AdminExit != 0 {
				after += fmt.Sprintf(" (admin exit %d)", res.AdminExit)
			}
		}
		probe := "acknowledged"
		if res.ProbeErr != nil {
			probe = "failed: " + res.ProbeErr.Error()
		}
		fmt.Printf("  %-36s %12d %8d %12s  %s\n", c.name, res.Acked(), res.Lost(), after, probe)
	}

	return backupFigures(binary, filepath.Join(work, "backup"), posts)
}

// backupFigures fills an instance with posts and times three backups
// through the API while a writer keeps writing.
func backupFigures(binary, data string, posts int) error {
	env := stack.Env(stack.NoRuntime)
	if err := durability.Prepare(binary, data, env); err != nil {
		return err
	}
	srv, err := stack.StartServer(context.Background(), stack.ServerConfig{Binary: binary, DataDir: data, Env: env, Ready: stack.Listening})
	if err != nil {
		return err
	}
	defer srv.Stop(stack.StopGrace)
	root, _, err := stack.Login(context.Background(), srv.Base, "_superusers", durability.SuperuserEmail, durability.Password)
	if err != nil {
		return err
	}
	_, owner, err := stack.Login(context.Background(), srv.Base, "users", durability.OperatorEmail, durability.Password)
	if err != nil {
		return err
	}
	ctx := context.Background()
	var biz struct {
		ID string `json:"id"`
	}
	if _, err := root.Do(ctx, "POST", "/api/collections/businesses/records", durability.Business(owner, "Doceria Bench"), &biz); err != nil {
		return err
	}
	if err := fill(root, biz.ID, posts); err != nil {
		return err
	}

	var times, pauses []time.Duration
	for i := range 3 {
		stop := make(chan struct{})
		longest := make(chan time.Duration)
		go func() { longest <- writeDuring(root, biz.ID, stop) }()
		time.Sleep(100 * time.Millisecond)
		started := time.Now()
		_, err := root.Do(ctx, "POST", "/api/backups", map[string]string{"name": fmt.Sprintf("bench_%d.zip", i)}, nil)
		elapsed := time.Since(started)
		time.Sleep(100 * time.Millisecond)
		close(stop)
		pause := <-longest
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		times, pauses = append(times, elapsed), append(pauses, pause)
	}
	var list []struct {
		Key  string `json:"key"`
		Size int64  `json:"size"`
	}
	if _, err := root.Do(ctx, "GET", "/api/backups", nil, &list); err != nil {
		return err
	}
	var size int64
	for _, b := range list {
		if b.Key == "bench_0.zip" {
			size = b.Size
		}
	}
	fmt.Printf("backup of %d posts through POST /api/backups while a writer writes, median of 3\n", posts)
	fmt.Printf("  %-26s %8.0f ms\n", "time", ms(median(times)))
	fmt.Printf("  %-26s %8.2f MB  (on disk: data.db %.2f MB, its WAL %.2f MB)\n", "size", mb(size),
		mb(fileSize(filepath.Join(data, "data.db"))), mb(fileSize(filepath.Join(data, "data.db-wal"))))
	fmt.Printf("  %-26s %8.0f ms  (writes wait while the databases are copied; target: below the backup time)\n", "longest write meanwhile", ms(median(pauses)))
	return nil
}

// fill creates n posts as the superuser (only the server creates posts
// through the API), 8 at a time.
func fill(root *stack.Client, business string, n int) error {
	words := strings.Fields("bolo cenoura calda chocolate feito hoje cedinho jeitinho vó encomenda festa " +
		"aniversário casamento morango recheio brigadeiro massa fofinha forno entrega bairro sabor " +
		"carinho receita família domingo café tarde fatia cobertura granulado coco leite ninho")
	rng := rand.New(rand.NewPCG(11, 2000))
	// Captions of real length and vocabulary, not one repeated sentence
	// (which would make the archive look far smaller than it is).
	caption := func() string {
		out := make([]string, 110)
		for i := range out {
			out[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(out, " ")
	}
	captions := make([]string, n)
	for i := range captions {
		captions[i] = caption()
	}
	jobs := make(chan int)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &stack.Client{Base: root.Base, Token: root.Token, HTTP: &http.Client{}}
			for i := range jobs {
				var req struct {
					ID string `json:"id"`
				}
				request := map[string]any{"business": business, "brief": fmt.Sprintf("bolo %d", i), "count": 1}
				if _, err := c.Do(context.Background(), "POST", "/api/collections/requests/records", request, &req); err != nil {
					errs <- err
					return
				}
				body := map[string]any{
					"business": business, "request": req.ID, "caption": captions[i],
					"hashtags":        []string{"#bolo", "#confeitaria", "#fortaleza", "#docesartesanais"},
					"production_note": "Foto de cima, luz natural da janela, fundo de madeira.",
					"role":            "produto", "hook": "Olha esse bolo!", "status": "ready", "checks": []any{}, "model": "bench",
				}
				if _, err := c.Do(context.Background(), "POST", "/api/collections/posts/records", body, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range n {
		select {
		case jobs <- i:
		case err := <-errs:
			close(jobs)
			wg.Wait()
			return fmt.Errorf("create posts: %w", err)
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return fmt.Errorf("create posts: %w", err)
	default:
		return nil
	}
}

// writeDuring renames the business in a loop until stop and returns the
// longest write.
func writeDuring(root *stack.Client, business string, stop chan struct{}) time.Duration {
	var longest time.Duration
	for i := 0; ; i++ {
		select {
		case <-stop:
			return longest
		default:
		}
		started := time.Now()
		_, _ = root.Do(context.Background(), "PATCH", "/api/collections/businesses/records/"+business, map[string]any{"name": fmt.Sprintf("Doceria Bench %d", i)}, nil)
		longest = max(longest, time.Since(started))
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func fileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return info.Size()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
func mb(n int64) float64         { return float64(n) / (1 << 20) }
