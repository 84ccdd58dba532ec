package security

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// PrivateUmask makes every file and directory the process (and the BAML
// runtime child) creates private to the service user: 0600 files, 0700
// directories. Call it first thing in main.
func PrivateUmask() {
	syscall.Umask(0o077)
}

// TightenDataDir removes group and other permissions from dir and
// everything under it (an existing data directory created by an older
// version or another umask), the WAL and shared-memory files included:
// SQLite gives new ones the database file's mode, whatever the umask. dir
// may be a symbolic link (data kept on another disk): the directory it
// resolves to is tightened. It returns how many entries it changed.
// Symbolic links inside are left alone.
func TightenDataDir(dir string) (int, error) {
	if resolved, err := filepath.EvalSymlinks(dir); err == nil {
		dir = resolved
	} else if !os.IsNotExist(err) {
		return 0, fmt.Errorf("resolve %s: %w", dir, err)
	}
	changed := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && path == dir {
				return filepath.SkipAll
			}
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := info.Mode().Perm()
		if mode&0o077 == 0 {
			return nil
		}
		if err := os.Chmod(path, mode&^0o077); err != nil {
			return fmt.Errorf("restrict %s: %w", path, err)
		}
		changed++
		return nil
	})
	return changed, err
}
