package admin

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// LockFile and SocketFile live in the data directory. Both are left out of
// backups and stay in place through a restore.
const (
	LockFile   = "rekan.lock"
	SocketFile = "admin.sock"
)

// Lock is the ownership of a data directory: the one process that may open
// its databases holds it, a server for its whole life, a direct admin
// command while it runs.
//
// It is a flock(2) on its own file, not an fcntl lock: fcntl locks belong to
// the process and vanish when any descriptor of the file is closed (the very
// caveat that made backups drop SQLite's locks), while a flock belongs to
// its open file and is released by the kernel when the holder dies, even by
// SIGKILL. So a stale lock or socket can never block a command, and a live
// holder can never be missed.
type Lock struct{ file *os.File }

// TryLock takes the lock of dir without waiting. ok is false when another
// process holds it.
func TryLock(dir string) (lock *Lock, ok bool, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("create data dir: %w", err)
	}
	file, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(file.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		file.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("lock %s: %w", file.Name(), err)
	}
	return &Lock{file: file}, true, nil
}

// Release gives the lock up (process exit does the same).
func (l *Lock) Release() error { return l.file.Close() }
