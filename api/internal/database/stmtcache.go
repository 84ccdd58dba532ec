package database

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
)

// StmtCacheSize is how many prepared statements each connection keeps
// (least recently used first out). PocketBase and dbx build the same SQL
// text for the same query shape (values are bound), so a generation's
// dozen statements are parsed once per connection instead of every time:
// parsing was an eighth of the server's CPU per generation
// (`make bench-generation`). A statement holds a few KiB of SQLite's heap,
// which stays under the process-wide soft_heap_limit.
const StmtCacheSize = 48

// stmtCacheConnector opens the driver's connections wrapped in a statement
// cache.
type stmtCacheConnector struct {
	driver driver.Driver
	dsn    string
}

func (c stmtCacheConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.driver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return newCachingConn(conn)
}

func (c stmtCacheConnector) Driver() driver.Driver { return c.driver }

// innerConn is what the wrapped driver's connection (modernc.org/sqlite)
// implements and the cache relies on.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// innerStmt is a prepared statement of the wrapped driver.
type innerStmt interface {
	driver.Stmt
	driver.StmtQueryContext
	driver.StmtExecContext
}

// cachingConn runs queries and statements through prepared statements kept
// by SQL text. database/sql uses a connection from one goroutine at a time;
// a statement whose rows are still open (busy) is not reused: that query
// takes the connection's uncached path.
type cachingConn struct {
	innerConn
	stmts map[string]*list.Element // of *cachedStmt
	lru   list.List                // front: most recently used
}

type cachedStmt struct {
	query string
	stmt  innerStmt
	busy  bool
}

func newCachingConn(conn driver.Conn) (driver.Conn, error) {
	inner, ok := conn.(innerConn)
	if !ok {
		_ = conn.Close()
		return nil, errors.New("database: the SQLite driver's connection lacks the context interfaces the statement cache needs")
	}
	return &cachingConn{innerConn: inner, stmts: map[string]*list.Element{}}, nil
}

// take returns the idle cached statement for query, preparing and caching
// it when absent; nil when it is busy or cannot be prepared here (the
// caller then takes the uncached path, which reports any error).
func (c *cachingConn) take(ctx context.Context, query string) *cachedStmt {
	if e, ok := c.stmts[query]; ok {
		cs := e.Value.(*cachedStmt)
		if cs.busy {
			return nil
		}
		c.lru.MoveToFront(e)
		cs.busy = true
		return cs
	}
	ds, err := c.innerConn.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	s, ok := ds.(innerStmt)
	if !ok {
		_ = ds.Close()
		return nil
	}
	cs := &cachedStmt{query: query, stmt: s, busy: true}
	c.stmts[query] = c.lru.PushFront(cs)
	c.evict()
	return cs
}

// evict closes the least recently used idle statements past the cache's size.
func (c *cachingConn) evict() {
	for e := c.lru.Back(); e != nil && c.lru.Len() > StmtCacheSize; {
		prev := e.Prev()
		if cs := e.Value.(*cachedStmt); !cs.busy {
			c.drop(e)
		}
		e = prev
	}
}

func (c *cachingConn) drop(e *list.Element) {
	cs := e.Value.(*cachedStmt)
	c.lru.Remove(e)
	delete(c.stmts, cs.query)
	_ = cs.stmt.Close()
}

// release marks a statement idle again; one that failed is dropped, so a
// statement is reused only after it ran to the end.
func (c *cachingConn) release(cs *cachedStmt, failed bool) {
	cs.busy = false
	if failed {
		if e, ok := c.stmts[cs.query]; ok && e.Value == cs {
			c.drop(e)
		}
	}
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs := c.take(ctx, query)
	if cs == nil {
		return c.innerConn.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.QueryContext(ctx, args)
	if err != nil {
		c.release(cs, true)
		return nil, err
	}
	return &cachedRows{Rows: rows, release: func(failed bool) { c.release(cs, failed) }}, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs := c.take(ctx, query)
	if cs == nil {
		return c.innerConn.ExecContext(ctx, query, args)
	}
	res, err := cs.stmt.ExecContext(ctx, args)
	c.release(cs, err != nil)
	return res, err
}

// Close finalizes the cached statements first: SQLite does not close a
// connection with statements still prepared.
func (c *cachingConn) Close() error {
	for e := c.lru.Front(); e != nil; e = e.Next() {
		_ = e.Value.(*cachedStmt).stmt.Close()
	}
	c.lru.Init()
	clear(c.stmts)
	return c.innerConn.Close()
}

// cachedRows hands its statement back when closed.
type cachedRows struct {
	driver.Rows
	release func(failed bool)
	closed  bool
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close() // resets the statement for its next run
	if !r.closed {
		r.closed = true
		r.release(err != nil)
	}
	return err
}

// The column type interfaces database/sql asks the driver's rows for.

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *cachedRows) ColumnTypeNullable(i int) (bool, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *cachedRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
