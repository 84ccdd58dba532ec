// Package backup takes PocketBase backups through the server's own database
// connections. PocketBase's built-in backup zips pb_data by opening data.db
// as a plain file; closing that descriptor drops every POSIX lock the
// process holds on the database, and the next process to open it then
// checkpoints and deletes the WAL under the live server (issue 11). Here the
// databases are copied with VACUUM INTO on connections SQLite already has
// open, so no descriptor of a live database file is ever opened or closed
// outside SQLite.
//
// It replaces the OnBackupCreate action, so the admin UI, POST /api/backups
// and the backup cron all use it; the archive has PocketBase's layout, so
// PocketBase's own restore (OnBackupRestore) brings it back.
package backup

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/archive"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/inflector"
)

// The databases of a data directory. Their files, WAL, shared memory and
// journal are never read as files: the archive gets VACUUM INTO copies.
const (
	dataDB = "data.db"
	auxDB  = "auxiliary.db"
)

// BindHooks replaces PocketBase's backup creation and keeps keep (files of
// the data directory that belong to the running process, like the admin
// lock and socket) out of backups and in place during a restore.
func BindHooks(app core.App, keep ...string) {
	app.OnBackupCreate().Bind(&hook.Handler[*core.BackupEvent]{
		Id: "rekanBackupCreate",
		// Deliberately no e.Next(): e.Next() would run PocketBase's file copy.
		Func: func(e *core.BackupEvent) error {
			return Create(e.Context, e.App, e.Name, append(e.Exclude, keep...))
		},
	})
	app.OnBackupRestore().BindFunc(func(e *core.BackupEvent) error {
		e.Exclude = append(e.Exclude, keep...)
		return e.Next()
	})
}

// Create writes a backup named name (generated when empty) to the backups
// filesystem (pb_data/backups or S3, per the settings). exclude names
// top-level entries of the data directory to leave out.
//
// Writes pause (the write connection is held in a transaction, as in
// PocketBase's own backup) only while both databases are copied and the
// uploaded files are hard-linked into a staging directory, so the archive is
// one consistent moment; zipping and uploading happen after.
func Create(ctx context.Context, app core.App, name string, exclude []string) error {
	if name == "" {
		name = Name(app, "pb_backup_")
	}
	// The staging directory and the backups themselves are never archived.
	exclude = append(slices.Clone(exclude), core.LocalTempDirName, core.LocalBackupsDirName)
	tempDir := filepath.Join(app.DataDir(), core.LocalTempDirName)
	if err := os.MkdirAll(tempDir, 0o700); err != nil {
		return fmt.Errorf("create temp dir: %w", err)
	}
	staging, err := os.MkdirTemp(tempDir, "rekan_backup_")
	if err != nil {
		return fmt.Errorf("create staging dir: %w", err)
	}
	defer os.RemoveAll(staging)

	err = app.RunInTransaction(func(core.App) error {
		return app.AuxRunInTransaction(func(core.App) error {
			if err := vacuumInto(app.ConcurrentDB(), filepath.Join(staging, dataDB)); err != nil {
				return fmt.Errorf("copy %s: %w", dataDB, err)
			}
			if err := vacuumInto(app.AuxConcurrentDB(), filepath.Join(staging, auxDB)); err != nil {
				return fmt.Errorf("copy %s: %w", auxDB, err)
			}
			return linkTree(app.DataDir(), staging, exclude)
		})
	})
	if err != nil {
		return err
	}

	zipPath := staging + ".zip"
	if err := archive.Create(staging, zipPath); err != nil {
		return fmt.Errorf("zip backup: %w", err)
	}
	defer os.Remove(zipPath)

	fsys, err := app.NewBackupsFilesystem()
	if err != nil {
		return fmt.Errorf("open backups filesystem: %w", err)
	}
	defer fsys.Close()
	fsys.SetContext(ctx)
	file, err := filesystem.NewFileFromPath(zipPath)
	if err != nil {
		return err
	}
	file.OriginalName, file.Name = name, name
	if err := fsys.UploadFile(file, name); err != nil {
		return fmt.Errorf("store backup %s: %w", name, err)
	}
	return nil
}

// vacuumInto copies a live database into path through one of the pool's
// connections: a read transaction, so it sees the last committed state and
// takes no lock a writer waits on.
func vacuumInto(db dbx.Builder, path string) error {
	_, err := db.NewQuery("VACUUM INTO {:path}").Bind(dbx.Params{"path": path}).Execute()
	return err
}

// isDatabaseFile is a top-level file of a database: itself, its WAL, its
// shared memory or its rollback journal.
func isDatabaseFile(name string) bool {
	for _, db := range []string{dataDB, auxDB} {
		if name == db || strings.HasPrefix(name, db+"-") {
			return true
		}
	}
	return false
}

// linkTree hard-links every regular file of src (uploaded files, anything
// else PocketBase keeps there) into dst, leaving out the databases and the
// excluded top-level entries. Links open nothing and cost no space; the
// staging directory is inside src, so only a separately mounted
// subdirectory needs a copy.
func linkTree(src, dst string, exclude []string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil || rel == "." {
			return err
		}
		top := strings.SplitN(rel, string(filepath.Separator), 2)[0]
		if slices.Contains(exclude, top) || (top == rel && isDatabaseFile(top)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o700)
		case d.Type().IsRegular():
			if err := os.Link(path, target); err != nil {
				// A directory mounted from another filesystem (storage on
				// its own disk) cannot be linked across; copy it instead.
				if copyErr := copyFile(path, target); copyErr != nil {
					return fmt.Errorf("link %s: %w; copy: %w", rel, err, copyErr)
				}
			}
		}
		// Sockets, symlinks and devices are not data.
		return nil
	})
}

// copyFile copies a regular file that is not a database.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Name is PocketBase's backup name: prefix, the app name in snake case,
// the UTC time (what the admin UI and the cron's retention expect).
func Name(app core.App, prefix string) string {
	appName := inflector.Snakecase(app.Settings().Meta.AppName)
	if len(appName) > 50 {
		appName = appName[:50]
	}
	return fmt.Sprintf("%s%s_%s.zip", prefix, appName, time.Now().UTC().Format("20060102150405"))
}
