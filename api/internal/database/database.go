// Package database opens PocketBase's SQLite databases with the server's
// memory bounded (issue 23). PocketBase's own connect gives every
// connection a 32 MB page cache and keeps up to 120 connections open and 15
// idle: under concurrent reads of a large database each connection fills
// its cache, so the server's memory grew with the database (1.7 GB peak
// RSS with 100,000 posts under 16 readers, the Go heap staying under
// 12 MB). The page cache is SQLite's heap, outside the Go runtime.
package database

import (
	"database/sql"
	"fmt"

	"github.com/pocketbase/dbx"
)

const (
	// CacheKiB is each connection's page cache (PRAGMA cache_size, in KiB).
	CacheKiB = 4000
	// SoftHeapLimit bounds SQLite's heap in the whole process (every
	// connection of both databases): past it SQLite recycles cached pages
	// instead of allocating (PRAGMA soft_heap_limit, bytes).
	SoftHeapLimit = 64 << 20
	// MaxOpenConns and MaxIdleConns bound the data database's concurrent
	// pool (PocketBase: 120 and 15). On a 2-core server more connections
	// only add caches, not throughput.
	MaxOpenConns = 16
	MaxIdleConns = 4
)

// Connect opens dbPath as PocketBase's core.DefaultDBConnect does (WAL,
// busy timeout first, the same pragmas, the same driver and dbx builder),
// with the cache bounded and each connection keeping its prepared
// statements (StmtCacheSize).
func Connect(dbPath string) (*dbx.DB, error) {
	pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)" +
		fmt.Sprintf("&_pragma=cache_size(-%d)&_pragma=soft_heap_limit(%d)&_pragma=mmap_size(0)", CacheKiB, SoftHeapLimit)
	// The driver PocketBase registers (modernc.org/sqlite), wrapped.
	probe, err := sql.Open(driverName, "")
	if err != nil {
		return nil, fmt.Errorf("sqlite driver: %w", err)
	}
	drv := probe.Driver()
	_ = probe.Close()
	return dbx.NewFromDB(sql.OpenDB(stmtCacheConnector{driver: drv, dsn: dbPath + pragmas}), driverName), nil
}

// driverName is modernc.org/sqlite's, which also picks dbx's SQLite builder.
const driverName = "sqlite"
