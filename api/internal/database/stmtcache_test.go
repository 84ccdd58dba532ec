package database

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
)

// open connects to a fresh database with one connection, so every query
// below runs on the same cache.
func open(t *testing.T) *dbx.DB {
	t.Helper()
	db, err := Connect(filepath.Join(t.TempDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.DB().SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.NewQuery("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)").Execute(); err != nil {
		t.Fatal(err)
	}
	return db
}

// cached is the SQL text of the statements the one connection keeps.
func cached(t *testing.T, db *dbx.DB) []string {
	t.Helper()
	conn, err := db.DB().Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var out []string
	err = conn.Raw(func(c any) error {
		cc, ok := c.(*cachingConn)
		if !ok {
			return fmt.Errorf("connection is %T, not the statement cache", c)
		}
		for e := cc.lru.Front(); e != nil; e = e.Next() {
			out = append(out, e.Value.(*cachedStmt).query)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func names(t *testing.T, db *dbx.DB) []string {
	t.Helper()
	var rows []struct{ Name string }
	if err := db.Select("name").From("t").OrderBy("id").All(&rows); err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Name)
	}
	return out
}

func TestStmtCacheReusesStatementsAcrossQueries(t *testing.T) {
	db := open(t)
	for _, name := range []string{"a", "b", "c"} {
		if _, err := db.Insert("t", dbx.Params{"name": name}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if got := names(t, db); !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Fatalf("names = %v", got)
		}
	}
	// One insert and one select, each prepared once and run three times.
	got := cached(t, db)
	inserts, selects := 0, 0
	for _, q := range got {
		switch q {
		case "INSERT INTO `t` (`name`) VALUES (?)":
			inserts++
		case "SELECT `name` FROM `t` ORDER BY `id`":
			selects++
		}
	}
	if inserts != 1 || selects != 1 {
		t.Fatalf("cached statements %q: want the insert and the select once each", got)
	}
}

func TestStmtCacheRunsTheSameQueryTwiceWhileItsRowsAreOpen(t *testing.T) {
	db := open(t)
	for _, name := range []string{"a", "b"} {
		if _, err := db.Insert("t", dbx.Params{"name": name}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	err := db.Transactional(func(tx *dbx.Tx) error {
		q := "SELECT name FROM t ORDER BY id"
		outer, err := tx.NewQuery(q).Rows()
		if err != nil {
			return err
		}
		defer outer.Close()
		var seen []string
		for outer.Next() {
			var name string
			if err := outer.Scan(&name); err != nil {
				return err
			}
			// The cached statement is busy with outer: this one must run apart.
			var inner []struct{ Name string }
			if err := tx.NewQuery(q).All(&inner); err != nil {
				return err
			}
			if len(inner) != 2 {
				return fmt.Errorf("inner query saw %d rows, want 2", len(inner))
			}
			seen = append(seen, name)
		}
		if !slices.Equal(seen, []string{"a", "b"}) {
			return fmt.Errorf("outer query saw %v", seen)
		}
		return outer.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStmtCacheDropsAFailedStatementAndRunsItAgain(t *testing.T) {
	db := open(t)
	insert := func() error { _, err := db.Insert("t", dbx.Params{"name": "same"}).Execute(); return err }
	if err := insert(); err != nil {
		t.Fatal(err)
	}
	if err := insert(); err == nil {
		t.Fatal("a duplicate name was stored")
	}
	if _, err := db.Delete("t", dbx.HashExp{"name": "same"}).Execute(); err != nil {
		t.Fatal(err)
	}
	if err := insert(); err != nil {
		t.Fatalf("the insert after a failed one: %v", err)
	}
	if got := names(t, db); !slices.Equal(got, []string{"same"}) {
		t.Fatalf("names = %v", got)
	}
}

func TestStmtCacheSeesSchemaChanges(t *testing.T) {
	db := open(t)
	if _, err := db.Insert("t", dbx.Params{"name": "a"}).Execute(); err != nil {
		t.Fatal(err)
	}
	columns := func() []string {
		rows, err := db.NewQuery("SELECT * FROM t").Rows()
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		return cols
	}
	if got := columns(); !slices.Equal(got, []string{"id", "name"}) {
		t.Fatalf("columns = %v", got)
	}
	if _, err := db.NewQuery("ALTER TABLE t ADD COLUMN note TEXT DEFAULT 'x'").Execute(); err != nil {
		t.Fatal(err)
	}
	if got := columns(); !slices.Equal(got, []string{"id", "name", "note"}) {
		t.Fatalf("columns after ALTER TABLE = %v", got)
	}
}

func TestStmtCacheKeepsAtMostItsSize(t *testing.T) {
	db := open(t)
	for i := range StmtCacheSize + 10 {
		var n int
		if err := db.NewQuery(fmt.Sprintf("SELECT %d", i)).Row(&n); err != nil || n != i {
			t.Fatalf("SELECT %d = %d (%v)", i, n, err)
		}
	}
	got := cached(t, db)
	if len(got) != StmtCacheSize {
		t.Fatalf("%d statements cached, want %d", len(got), StmtCacheSize)
	}
	if got[0] != fmt.Sprintf("SELECT %d", StmtCacheSize+9) {
		t.Fatalf("most recent statement %q", got[0])
	}
}
