// Package storage keeps the uploaded files and the records that name them
// in step: a file no record references is removed.
package storage

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Swept are the collections whose files the sweep owns: posts by name (its
// id differs per instance), the requests and versions by their fixed ids,
// which also names their folder after a down migration removed them.
var Swept = []string{"posts", "pbc_rekanrequests", "pbc_rekanversions"}

// sweptParam is the _params row holding the applied migrations as they were
// at the last completed sweep.
const sweptParam = "rekan_storage_swept"

// SweepAfterMigrations runs Sweep when the applied migrations differ from
// those of the last completed sweep: every file Sweep exists for is left by
// a migration (up, down, or one killed and applied again), and a full sweep
// reads every record and lists every stored file, which at each start grows
// with the data. The mark is written only after a sweep completes, so a
// kill before or during the sweep leaves it to the next start. It returns
// how many files it removed and whether it swept.
func SweepAfterMigrations(app core.App) (int, bool, error) {
	var applied string
	if err := app.DB().NewQuery("SELECT COUNT(*) || ':' || IFNULL(MAX([[applied]]), 0) || ':' || IFNULL(SUM([[applied]]), 0) FROM {{_migrations}}").Row(&applied); err != nil {
		return 0, false, fmt.Errorf("applied migrations: %w", err)
	}
	var swept string
	err := app.DB().NewQuery("SELECT [[value]] FROM {{_params}} WHERE [[id]] = {:id}").Bind(dbx.Params{"id": sweptParam}).Row(&swept)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("last sweep: %w", err)
	}
	mark, _ := json.Marshal(applied)
	if swept == string(mark) {
		return 0, false, nil
	}
	n, err := Sweep(app)
	if err != nil {
		return n, true, err
	}
	now := types.NowDateTime().String()
	_, err = app.DB().NewQuery("INSERT INTO {{_params}} ([[id]], [[value]], [[created]], [[updated]]) VALUES ({:id}, {:value}, {:now}, {:now}) ON CONFLICT([[id]]) DO UPDATE SET [[value]] = excluded.[[value]], [[updated]] = excluded.[[updated]]").
		Bind(dbx.Params{"id": sweptParam, "value": string(mark), "now": now}).Execute()
	if err != nil {
		return n, true, fmt.Errorf("mark the sweep: %w", err)
	}
	return n, true, nil
}

// Sweep removes the stored files that no record references in the swept
// collections: copies a data migration left behind after its commit (it
// moves files in the transaction and cannot delete the old ones before the
// commit), copies made by a migration killed before its commit, folders of
// a collection a down migration removed. It runs before the server serves,
// so no upload of this process is in flight. It returns how many files it
// removed.
func Sweep(app core.App) (int, error) {
	fsys, err := app.NewFilesystem()
	if err != nil {
		return 0, fmt.Errorf("open storage: %w", err)
	}
	defer fsys.Close()
	removed := 0
	for _, name := range Swept {
		dir := name
		var referenced map[string]map[string]bool
		if c, err := app.FindCollectionByNameOrId(name); err == nil {
			dir = c.Id
			if referenced, err = references(app, c); err != nil {
				return removed, err
			}
		}
		n, err := sweepDir(fsys, dir, referenced)
		removed += n
		if err != nil {
			return removed, err
		}
	}
	return removed, nil
}

// references maps record id -> file names its file fields hold.
func references(app core.App, c *core.Collection) (map[string]map[string]bool, error) {
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
	rows, err := app.DB().NewQuery("SELECT [[id]], " + strings.Join(quoted, ", ") + " FROM {{" + c.Name + "}}").Rows()
	if err != nil {
		return nil, fmt.Errorf("files of %s: %w", c.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		values := make([]any, len(fields)+1)
		var id string
		raw := make([]string, len(fields))
		values[0] = &id
		for i := range raw {
			values[i+1] = &raw[i]
		}
		if err := rows.Scan(values...); err != nil {
			return nil, fmt.Errorf("files of %s: %w", c.Name, err)
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
	return out, rows.Err()
}

// sweepDir removes the files under dir/ that referenced does not name
// (nil: the collection is gone, everything goes). Thumbnails
// (dir/<record>/thumbs_<name>/…) go with their file.
func sweepDir(fsys *filesystem.System, dir string, referenced map[string]map[string]bool) (int, error) {
	objects, err := fsys.List(dir + "/")
	if err != nil {
		return 0, fmt.Errorf("list %s: %w", dir, err)
	}
	removed := 0
	for _, obj := range objects {
		rel := strings.TrimPrefix(obj.Key, dir+"/")
		record, rest, ok := strings.Cut(rel, "/")
		if !ok {
			continue
		}
		file := rest
		if thumbs, _, isThumb := strings.Cut(rest, "/"); isThumb {
			file = strings.TrimPrefix(thumbs, "thumbs_")
		}
		if referenced != nil && referenced[record][path.Base(file)] {
			continue
		}
		if err := fsys.Delete(obj.Key); err != nil {
			return removed, fmt.Errorf("remove %s: %w", obj.Key, err)
		}
		removed++
	}
	return removed, nil
}
