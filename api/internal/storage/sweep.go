// Package storage keeps the uploaded files and the records that name them
// in step: a file no record references is removed.
package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// Swept are the collections whose files the sweep owns: posts by name (its
// id differs per instance), the requests and versions by their fixed ids,
// which also names their folder after a down migration removed them.
var Swept = []string{"posts", "pbc_rekanrequests", "pbc_rekanversions"}

// Sweep removes the stored files written before writtenBefore that no
// record of the swept collections references: what a generation or an
// edit killed before its commit uploaded (PocketBase stores a record's
// files before its row), what a deletion killed after its commit left,
// copies a data migration left behind after its commit, folders of a
// collection a down migration removed. The server passes the time its
// process started: nothing written since can be an upload of a dead
// process, so the sweep runs beside the uploads this process serves. It
// reads only the records that have files in storage, so its cost follows
// the stored files, not the posts. It stops early when ctx ends and
// returns how many files it removed.
func Sweep(ctx context.Context, app core.App, writtenBefore time.Time) (int, error) {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return 0, fmt.Errorf("open storage: %w", err)
	}
	defer fsys.Close()
	fsys.SetContext(ctx)
	removed := 0
	for _, name := range Swept {
		dir := name
		c, err := app.FindCollectionByNameOrId(name)
		if err == nil {
			dir = c.Id
		} else {
			c = nil
		}
		n, err := sweepDir(ctx, app, fsys, dir, c, writtenBefore)
		removed += n
		if err != nil {
			return removed, err
		}
	}
	return removed, nil
}

// sweepDir removes the files under dir/ older than writtenBefore that no
// record of c names (c nil: the collection is gone, they all go).
// Thumbnails (dir/<record>/thumbs_<name>/…) go with their file. Records
// are read a batch at a time, so memory does not grow with storage.
func sweepDir(ctx context.Context, app core.App, fsys *filesystem.System, dir string, c *core.Collection, writtenBefore time.Time) (int, error) {
	records, err := recordDirs(app, fsys, dir)
	if err != nil {
		return 0, err
	}
	removed := 0
	for batch := range slices.Chunk(records, referencesBatch) {
		n, err := sweepRecords(ctx, app, fsys, dir, batch, c, writtenBefore)
		removed += n
		if err != nil {
			return removed, err
		}
	}
	return removed, nil
}

// recordDirs names the record folders under dir/. On local storage it
// reads the directory: the blob listing of a whole folder walks it again
// for every page of a thousand files (41,000 files took 33 s), while one
// record's folder is a page. S3 lists in linear pages; there prefixes are
// the first segments of the keys of one listing.
func recordDirs(app core.App, fsys *filesystem.System, dir string) ([]string, error) {
	if app.Settings().S3.Enabled {
		objects, err := fsys.List(dir + "/")
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", dir, err)
		}
		var out []string
		seen := map[string]bool{}
		for _, obj := range objects {
			if record, _, ok := strings.Cut(strings.TrimPrefix(obj.Key, dir+"/"), "/"); ok && !seen[record] {
				seen[record] = true
				out = append(out, record)
			}
		}
		return out, nil
	}
	entries, err := os.ReadDir(filepath.Join(app.DataDir(), core.LocalStorageDirName, dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// sweepRecords sweeps the folders of a batch of records of dir.
func sweepRecords(ctx context.Context, app core.App, fsys *filesystem.System, dir string, records []string, c *core.Collection, writtenBefore time.Time) (int, error) {
	type stored struct{ key, record, file string }
	var old []stored
	var owners []string
	for _, record := range records {
		objects, err := fsys.List(dir + "/" + record + "/")
		if err != nil {
			return 0, fmt.Errorf("list %s/%s: %w", dir, record, err)
		}
		before := len(old)
		for _, obj := range objects {
			if !obj.ModTime.Before(writtenBefore) {
				continue
			}
			file := strings.TrimPrefix(obj.Key, dir+"/"+record+"/")
			if thumbs, _, isThumb := strings.Cut(file, "/"); isThumb {
				file = strings.TrimPrefix(thumbs, "thumbs_")
			}
			old = append(old, stored{obj.Key, record, path.Base(file)})
		}
		if len(old) > before {
			owners = append(owners, record)
		}
	}
	var referenced map[string]map[string]bool
	if c != nil && len(owners) > 0 {
		var err error
		if referenced, err = references(app, c, owners); err != nil {
			return 0, err
		}
	}
	removed := 0
	for _, f := range old {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		if referenced[f.record][f.file] {
			continue
		}
		// Gone already: PocketBase deleted it with its record meanwhile.
		if err := fsys.Delete(f.key); err != nil && !errors.Is(err, filesystem.ErrNotFound) {
			return removed, fmt.Errorf("remove %s: %w", f.key, err)
		}
		removed++
	}
	return removed, nil
}

// referencesBatch bounds the ids of one query (SQLite allows 32,766
// variables; a smaller batch keeps each read short).
const referencesBatch = 500

// references maps record id -> file names its file fields hold, for the
// given ids of c.
func references(app core.App, c *core.Collection, ids []string) (map[string]map[string]bool, error) {
	var fields []string
	for _, f := range c.Fields {
		if f.Type() == core.FieldTypeFile {
			fields = append(fields, f.GetName())
		}
	}
	out := map[string]map[string]bool{}
	if len(fields) == 0 {
		return out, nil
	}
	quoted := make([]string, len(fields))
	for i, f := range fields {
		quoted[i] = "[[" + f + "]]"
	}
	for batch := range slices.Chunk(ids, referencesBatch) {
		params := dbx.Params{}
		names := make([]string, len(batch))
		for i, id := range batch {
			names[i] = fmt.Sprintf("{:id%d}", i)
			params[fmt.Sprintf("id%d", i)] = id
		}
		rows, err := app.DB().NewQuery("SELECT [[id]], " + strings.Join(quoted, ", ") + " FROM {{" + c.Name + "}} WHERE [[id]] IN (" + strings.Join(names, ", ") + ")").Bind(params).Rows()
		if err != nil {
			return nil, fmt.Errorf("files of %s: %w", c.Name, err)
		}
		err = scanReferences(rows, len(fields), out)
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("files of %s: %w", c.Name, err)
		}
	}
	return out, nil
}

func scanReferences(rows *dbx.Rows, fields int, out map[string]map[string]bool) error {
	for rows.Next() {
		values := make([]any, fields+1)
		var id string
		raw := make([]string, fields)
		values[0] = &id
		for i := range raw {
			values[i+1] = &raw[i]
		}
		if err := rows.Scan(values...); err != nil {
			return err
		}
		names := map[string]bool{}
		for _, r := range raw {
			var list []string
			if err := json.Unmarshal([]byte(r), &list); err != nil && r != "" {
				// A single-file field stores a bare name.
				list = []string{r}
			}
			for _, n := range list {
				names[n] = true
			}
		}
		out[id] = names
	}
	return rows.Err()
}

// Background is one Sweep running beside the server.
type Background struct {
	done chan struct{}
}

// SweepInBackground starts Sweep of files written before writtenBefore
// and logs what it removed. It runs at every start: its cost follows the
// stored files, and serving does not wait for it.
func SweepInBackground(app core.App, writtenBefore time.Time) *Background {
	b := &Background{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		n, err := Sweep(context.Background(), app, writtenBefore)
		if err != nil {
			app.Logger().Warn("sweep stored files", "error", err, "removed", n)
			return
		}
		if n > 0 {
			app.Logger().Info("removed stored files no record references", "files", n)
		}
	}()
	return b
}

// Wait returns once the sweep has finished. A stop waits for it (one
// listing of the stored files and the reads of their records), so what a
// start began to clean is clean when the process exits.
func (b *Background) Wait() { <-b.done }
