package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Commands builds the admin commands for an app. The server builds a fresh
// tree for every request (cobra keeps parsed flags in the commands).
type Commands func(app core.App) []*cobra.Command

// request and response are the JSON bodies of POST /run on the socket.
type request struct {
	Args  []string `json:"args"`
	Stdin string   `json:"stdin"`
}

type response struct {
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	Exit   int    `json:"exit"`
}

// maxSocketPath is the smallest sun_path among the systems Go supports.
const maxSocketPath = 104

// withSocketAddress calls use with an address for the socket in dir that
// fits sun_path. A data directory deep in a checkout or a build sandbox
// makes the plain path too long; on Linux the directory is then reached
// through an open descriptor of it (/proc/self/fd/N/admin.sock), held until
// use returns. Elsewhere a long path is an error naming the fix.
func withSocketAddress(dir string, use func(addr string) error) error {
	path := filepath.Join(dir, SocketFile)
	if len(path) < maxSocketPath {
		return use(path)
	}
	if runtime.GOOS != "linux" {
		return fmt.Errorf("admin socket path %s is %d bytes, longer than a unix socket allows (%d): use a shorter --dir", path, len(path), maxSocketPath-1)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open the data directory for its socket: %w", err)
	}
	defer d.Close()
	return use(fmt.Sprintf("/proc/self/fd/%d/%s", d.Fd(), SocketFile))
}

// maxRequest bounds a request body: arguments and one line of stdin.
const maxRequest = 1 << 20

type peerKey struct{}

// Server answers admin commands on the data directory's unix socket, with
// the server's own app (and so its own database connections).
type Server struct {
	http     *http.Server
	listener net.Listener
	path     string
}

// Listen creates the socket in dataDir and serves it. The caller must hold
// the directory's Lock: a socket file left by a killed server is removed.
func Listen(app core.App, dataDir string, commands Commands, logger *slog.Logger) (*Server, error) {
	path := filepath.Join(dataDir, SocketFile)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove stale admin socket: %w", err)
	}
	var listener net.Listener
	err := withSocketAddress(dataDir, func(addr string) error {
		l, err := net.Listen("unix", addr)
		if err != nil {
			return err
		}
		// The bound name may be a /proc/self/fd alias that means another
		// directory once the descriptor closes: Close removes s.path itself.
		l.(*net.UnixListener).SetUnlinkOnClose(false)
		listener = l
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listen on admin socket: %w", err)
	}
	// The data directory is already private (0700); the mode and the peer
	// check below hold even when it is not.
	if err := os.Chmod(path, 0o600); err != nil {
		listener.Close()
		return nil, fmt.Errorf("chmod admin socket: %w", err)
	}
	var mu sync.Mutex
	mux := http.NewServeMux()
	mux.HandleFunc("POST /run", func(w http.ResponseWriter, r *http.Request) {
		uid, _ := r.Context().Value(peerKey{}).(int)
		if uid != os.Getuid() && uid != 0 {
			logger.Warn("admin socket: refused a command from another user", "uid", uid)
			http.Error(w, "only the service's user and root may run admin commands", http.StatusForbidden)
			return
		}
		var req request
		if err := json.NewDecoder(io.LimitReader(r.Body, maxRequest)).Decode(&req); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		// One at a time, like commands typed in one shell.
		mu.Lock()
		res := execute(app, commands, req)
		mu.Unlock()
		logger.Info("admin command", "command", commandName(req.Args), "exit", res.Exit)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(res)
	})
	s := &Server{
		listener: listener,
		path:     path,
		http: &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: 10 * time.Second,
			ConnContext: func(ctx context.Context, c net.Conn) context.Context {
				uid, err := peerUID(c)
				if err != nil {
					uid = -1
				}
				return context.WithValue(ctx, peerKey{}, uid)
			},
		},
	}
	go func() {
		if err := s.http.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("admin socket stopped", "error", err)
		}
	}()
	return s, nil
}

// Close stops answering and removes the socket file.
func (s *Server) Close() error {
	err := s.http.Close()
	if rmErr := os.Remove(s.path); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) && err == nil {
		err = rmErr
	}
	return err
}

// commandName is the command path of args without its arguments, for the
// log (never a password).
func commandName(args []string) string {
	var words []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") || len(words) == 2 {
			break
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}

// execute runs one command line against app, capturing what it prints.
func execute(app core.App, commands Commands, req request) response {
	var stdout, stderr bytes.Buffer
	root := newRoot()
	root.AddCommand(commands(app)...)
	RejectUnknownSubcommands(root)
	root.SetArgs(req.Args)
	root.SetIn(strings.NewReader(req.Stdin))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	res := response{}
	if err := root.Execute(); err != nil {
		fmt.Fprintln(&stderr, "error:", err)
		res.Exit = 1
	}
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	return res
}

// newRoot is the root the server runs forwarded command lines on. It
// accepts PocketBase's persistent flags (the client passes its command line
// as typed) and ignores them: the socket already chose the data directory.
func newRoot() *cobra.Command {
	root := &cobra.Command{Use: "api", SilenceErrors: true, SilenceUsage: true}
	flags := root.PersistentFlags()
	flags.String("dir", "", "")
	flags.String("encryptionEnv", "", "")
	flags.Bool("dev", false, "")
	flags.Int("queryTimeout", 0, "")
	return root
}

// errNoServer means nothing answers on the socket (no file, or a file left
// by a killed server).
var errNoServer = errors.New("no server on the admin socket")

// forward sends a command line to the server on dataDir's socket and writes
// what it printed. It returns the command's exit code.
func forward(dataDir string, args []string, stdin string, stdout, stderr io.Writer) (int, error) {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var conn net.Conn
			err := withSocketAddress(dataDir, func(addr string) (err error) {
				conn, err = (&net.Dialer{}).DialContext(ctx, "unix", addr)
				return err
			})
			if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
				return nil, fmt.Errorf("%w: %w", errNoServer, err)
			}
			return conn, err
		},
	}}
	body, err := json.Marshal(request{Args: args, Stdin: stdin})
	if err != nil {
		return 1, err
	}
	res, err := client.Post("http://rekan-admin/run", "application/json", bytes.NewReader(body))
	if err != nil {
		return 1, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return 1, fmt.Errorf("read the server's answer: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return 1, fmt.Errorf("the server refused the command: %s", strings.TrimSpace(string(raw)))
	}
	var out response
	if err := json.Unmarshal(raw, &out); err != nil {
		return 1, fmt.Errorf("decode the server's answer: %w", err)
	}
	io.WriteString(stdout, out.Stdout)
	io.WriteString(stderr, out.Stderr)
	return out.Exit, nil
}
