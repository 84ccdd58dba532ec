// Package admin makes sure only one process ever opens a data directory's
// SQLite databases, and lets the admin commands (`api operator …`,
// `api superuser …`) reach them anyway: with no server running a command
// opens the databases itself, holding the directory's Lock; with a server
// running it sends its command line over a unix socket in the data
// directory and the server runs it on its own connections. See
// docs/peps/013-one-process-per-database.md.
package admin

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/spf13/cobra"
)

// How long a command waits for a directory whose lock is held but whose
// socket does not answer yet (a server starting, another admin command),
// and how long `serve` waits for an admin command to finish.
const (
	forwardWait = 30 * time.Second
	serveWait   = 60 * time.Second
	pollEvery   = 100 * time.Millisecond
)

// held is this process's lock, kept for its whole life (a *os.File that is
// garbage would close and release it).
var held *Lock

// Bind installs the gate on app: commands replace PocketBase's commands of
// the same names (its `superuser`), `serve` takes the lock before it opens
// the databases and answers on the socket, and every other command that
// opens the databases runs directly only when it gets the lock. Call it
// before app.Start.
func Bind(app *pocketbase.PocketBase, commands Commands) {
	names := map[string]bool{}
	for _, c := range commands(app) {
		names[c.Name()] = true
	}

	app.OnBootstrap().Bind(&hook.Handler[*core.BootstrapEvent]{
		Id: "rekanAdminGate",
		// First: everything here happens before the databases open.
		Priority: -1000,
		Func: func(e *core.BootstrapEvent) error {
			if held != nil {
				return e.Next() // a restart inside this process
			}
			ReplaceCommands(app.RootCmd, commands(app))
			name := topCommand(app.RootCmd, os.Args[1:])
			dir := app.DataDir()
			switch {
			case name == "serve":
				lock, err := waitLock(dir)
				if err != nil {
					return err
				}
				held = lock
			case names[name]:
				lock, code, err := forwardOrLock(dir, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, forwardWait)
				if err != nil {
					fmt.Fprintln(os.Stderr, "error:", err)
					os.Exit(1)
				}
				if lock == nil {
					os.Exit(code) // the server ran it
				}
				held = lock
			default:
				if name == "" {
					name = app.RootCmd.Name()
				}
				lock, ok, err := TryLock(dir)
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintf(os.Stderr, "error: a Rekan server is running on %s; `%s` needs the databases to itself: stop the server first (systemctl stop rekan)\n", dir, name)
					os.Exit(1)
				}
				held = lock
			}
			return e.Next()
		},
	})

	var socket *Server
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		s, err := Listen(e.App, e.App.DataDir(), commands, e.App.Logger())
		if err != nil {
			return err
		}
		socket = s
		return e.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if socket != nil {
			if err := socket.Close(); err != nil {
				e.App.Logger().Warn("close admin socket", "error", err)
			}
			socket = nil
		}
		return e.Next()
	})
}

// forwardOrLock sends args to the server when one holds dir and returns
// the exit code of the command it ran there; with no server it returns the
// lock instead, and the command runs directly.
func forwardOrLock(dir string, args []string, stdin io.Reader, stdout, stderr io.Writer, wait time.Duration) (*Lock, int, error) {
	// Read only once a server is known to hold dir: a direct run reads
	// stdin itself.
	var line *string
	deadline := time.Now().Add(wait)
	for {
		lock, ok, err := TryLock(dir)
		if err != nil {
			return nil, 1, err
		}
		if ok {
			return lock, 0, nil
		}
		if line == nil {
			read, err := stdinFor(args, stdin)
			if err != nil {
				return nil, 1, err
			}
			line = &read
		}
		code, err := forward(dir, args, *line, stdout, stderr)
		if err == nil {
			return nil, code, nil
		}
		if !errors.Is(err, errNoServer) {
			return nil, 1, fmt.Errorf("the Rekan server on %s did not run the command: %w", dir, err)
		}
		if time.Now().After(deadline) {
			return nil, 1, fmt.Errorf("%s is in use (its lock is held) but no server answers on %s after %s; is a server starting, or another admin command running?", dir, SocketFile, wait)
		}
		time.Sleep(pollEvery)
	}
}

// waitLock takes dir's lock for `serve`, waiting out an admin command that
// runs directly.
func waitLock(dir string) (*Lock, error) {
	deadline := time.Now().Add(serveWait)
	warned := false
	for {
		lock, ok, err := TryLock(dir)
		if err != nil {
			return nil, err
		}
		if ok {
			return lock, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s/%s is still held by another process after %s (another server on the same data directory?)", dir, LockFile, serveWait)
		}
		if !warned {
			fmt.Fprintf(os.Stderr, "waiting for the process holding %s/%s (an admin command?)\n", dir, LockFile)
			warned = true
		}
		time.Sleep(pollEvery)
	}
}

// stdinFor reads the one line a '-' password argument stands for, so the
// server can be handed it; without one, stdin is left alone.
func stdinFor(args []string, stdin io.Reader) (string, error) {
	if !slices.Contains(args, "-") {
		return "", nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read stdin: %w", err)
	}
	return line, nil
}

// topCommand is the name of the root's subcommand args select ("" for the
// root itself or an unknown command).
func topCommand(root *cobra.Command, args []string) string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil || cmd == root {
		return ""
	}
	for cmd.Parent() != nil && cmd.Parent() != root {
		cmd = cmd.Parent()
	}
	return cmd.Name()
}

// ReplaceCommands puts cmds on root in place of commands of the same name,
// and makes their errors exit 1 (PocketBase ignores what the root returns).
func ReplaceCommands(root *cobra.Command, cmds []*cobra.Command) {
	for _, c := range cmds {
		for _, old := range root.Commands() {
			if old.Name() == c.Name() {
				root.RemoveCommand(old)
			}
		}
		RejectUnknownSubcommands(c)
		exitOnError(c)
		root.AddCommand(c)
	}
}

// RejectUnknownSubcommands makes every command of c's tree that only groups
// subcommands fail on an unknown one (`api superuser ips`): cobra would
// print the group's usage and succeed, so a script or a reader of the docs
// would take a missing command for a working one.
func RejectUnknownSubcommands(c *cobra.Command) {
	if c.HasSubCommands() && !c.Runnable() {
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown command %q for %q (see %s --help)", args[0], cmd.CommandPath(), cmd.CommandPath())
			}
			return cmd.Help()
		}
	}
	for _, sub := range c.Commands() {
		RejectUnknownSubcommands(sub)
	}
}

// ExitOnError makes c's own error (not its subcommands') exit 1.
func ExitOnError(c *cobra.Command) {
	runE := c.RunE
	if runE == nil {
		return
	}
	c.RunE = nil
	c.Run = func(cmd *cobra.Command, args []string) {
		if err := runE(cmd, args); err != nil {
			fmt.Fprintln(os.Stderr, "error:", strings.TrimSpace(err.Error()))
			os.Exit(1)
		}
	}
}

func exitOnError(c *cobra.Command) {
	ExitOnError(c)
	for _, sub := range c.Commands() {
		exitOnError(sub)
	}
}
