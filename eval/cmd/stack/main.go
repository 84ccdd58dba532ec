// Command stack starts Rekan's real stack the way Go tests do (package
// eval/stack) for callers in other languages: the Playwright global setup
// (web/tests/e2e) and the shell checks (scripts/stack.sh, nix/checks). Once
// everything is ready it prints one line of JSON (stack.Info: URLs, the
// accounts it created, the data dir) and stays up until SIGTERM/SIGINT, or
// until stdin closes with -stdin; then it stops the whole process tree.
//
//	stack -api bin/api -web web/build -operator ana -operator bruno -superuser root
//	stack                 # only the fake LLM (served in this process)
//	stack -api bin/api -no-llm -operator ana.x@example.com:pw
//	stack -api bin/api -caddy caddy -site inside.caddy -site outside.caddy
//
// It fails (exit 1, the reason on stderr) when any part does not start
// within stack.ReadyTimeout: callers need no timeout of their own.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/rekan/rekan/eval/fakellm"
	"github.com/rekan/rekan/eval/stack"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("stack", flag.ContinueOnError)
	var cfg stack.Config
	var operators, sites, env list
	fs.StringVar(&cfg.API, "api", "", "server binary (bin/api); empty starts only the fake LLM")
	fs.StringVar(&cfg.BAMLCLI, "baml-cli", "", "BAML runtime for the server (default: REKAN_BAML_CLI, then eval/node_modules/.bin/baml-cli)")
	fs.BoolVar(&cfg.NoRuntime, "no-runtime", false, "start the server without a BAML runtime")
	fs.StringVar(&cfg.FakeBinary, "fakellm", "", "run this fakellm binary instead of serving the fake in this process")
	fault := fs.String("fault", "", "fault the in-process fake plants in every reply (fakellm -fault)")
	fs.BoolVar(&cfg.NoLLM, "no-llm", false, "no fake LLM: the server runs without a provider")
	fs.StringVar(&cfg.Dir, "dir", "", "directory for the data and logs (default: a temporary one, removed at exit)")
	fs.StringVar(&cfg.DataDir, "data", "", "the server's --dir (default: DIR/pb_data)")
	fs.StringVar(&cfg.WebDir, "web", "", "REKAN_WEB_DIR: the web build the server serves")
	fs.Var(&env, "env", "KEY=VALUE for the server (repeatable)")
	fs.Var(&operators, "operator", "operator to create: NAME (a fresh NAME.<random>@example.com) or EMAIL:PASSWORD (repeatable)")
	superuser := fs.String("superuser", "", "superuser to create, NAME or EMAIL:PASSWORD")
	fs.StringVar(&cfg.Caddy, "caddy", "", "caddy binary: serve the -site blocks before the server")
	fs.Var(&sites, "site", "file with a Caddy site block body, the server written as @UPSTREAM@ (repeatable)")
	jsonFile := fs.String("json", "", "also write the JSON line to this file once ready (renamed into place)")
	logFile := fs.String("log", "", "append the server's output to this file")
	untilEOF := fs.Bool("stdin", false, "stop when stdin closes (the caller died)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Env = env
	for _, o := range operators {
		cfg.Operators = append(cfg.Operators, account(o))
	}
	if *superuser != "" {
		a := account(*superuser)
		cfg.Superuser = &a
	}
	for _, path := range sites {
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		cfg.Sites = append(cfg.Sites, string(raw))
	}
	if *fault != "" {
		if cfg.FakeBinary != "" {
			return fmt.Errorf("-fault is for the in-process fake; pass it to -fakellm's binary instead")
		}
		if !fakellm.Fault(*fault).Valid() {
			return fmt.Errorf("unknown -fault %q (known: %v)", *fault, fakellm.Faults)
		}
		cfg.Fake = fakellm.New()
		cfg.Fake.SetFault(fakellm.Fault(*fault))
	}
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg.Log = f
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *untilEOF {
		go func() {
			_, _ = io.Copy(io.Discard, stdin)
			stop()
		}()
	}
	st, err := stack.Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Stop()
	line, err := json.Marshal(st.Info())
	if err != nil {
		return err
	}
	if *jsonFile != "" {
		tmp := *jsonFile + ".tmp"
		if err := os.WriteFile(tmp, append(line, '\n'), 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Clean(*jsonFile)); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// account reads NAME or EMAIL:PASSWORD.
func account(spec string) stack.Account {
	if email, password, ok := strings.Cut(spec, ":"); ok {
		return stack.Account{Email: email, Password: password}
	}
	return stack.NewAccount(spec)
}
