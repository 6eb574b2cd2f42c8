package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

func openSQLite(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if db.stmts == nil {
		t.Fatal("SQLite store without a statement cache")
	}
	return db
}

func (c *stmtCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// A query run again uses the statement prepared the first time; queries
// past the bound still run, unprepared, and the cache stays bounded.
func TestStmtCacheReusesAndBounds(t *testing.T) {
	db := openSQLite(t)
	ctx := context.Background()
	for i := range 3 {
		var n int
		if err := db.q.QueryRowContext(ctx, `SELECT $1 + 1`, i).Scan(&n); err != nil || n != i+1 {
			t.Fatalf("round %d: %d, %v", i, n, err)
		}
	}
	if got := db.stmts.len(); got != 1 {
		t.Fatalf("one query run three times left %d cached statements", got)
	}
	for i := range maxCachedStmts + 10 {
		var s string
		q := fmt.Sprintf(`SELECT 'q%d' || $1`, i)
		if err := db.q.QueryRowContext(ctx, q, "x").Scan(&s); err != nil || s != fmt.Sprintf("q%dx", i) {
			t.Fatalf("query %d: %q, %v", i, s, err)
		}
	}
	if got := db.stmts.len(); got != maxCachedStmts {
		t.Fatalf("%d cached statements, want the bound %d", got, maxCachedStmts)
	}
	// A query that does not prepare reports its own error, as before.
	if _, err := db.q.ExecContext(ctx, `SELEC nonsense`); err == nil {
		t.Fatal("a malformed query succeeded")
	}
}

// Transactions use cached statements but never prepare new ones while they
// run: preparing takes a second connection from the pool, and when every
// other connection is held (by transactions waiting for SQLite's write
// lock, say, each holding its own) that waits until they give up. What a
// transaction ran unprepared is prepared once its connection is back.
func TestStmtCacheTransactionInFullPool(t *testing.T) {
	db := openSQLite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	const cached = `SELECT count(*) FROM cases WHERE number <> $1`
	const update = `UPDATE cases SET title = title WHERE number = $1`
	var n int
	if err := db.q.QueryRowContext(ctx, cached, "").Scan(&n); err != nil {
		t.Fatal(err)
	}
	// Hold every connection but the one the transaction will take.
	pool := db.SQL()
	held := make([]*sql.Conn, pool.Stats().MaxOpenConnections-1)
	for i := range held {
		c, err := pool.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held[i] = c
	}
	run := func() error {
		return db.InTx(ctx, func(s dossier.Store) error {
			tx := s.(*DB)
			if err := tx.q.QueryRowContext(ctx, cached, "x").Scan(&n); err != nil {
				return err
			}
			_, err := tx.q.ExecContext(ctx, update, "none")
			return err
		})
	}
	if err := run(); err != nil {
		t.Fatalf("transaction with the rest of the pool busy: %v", err)
	}
	if got := db.stmts.len(); got != 2 {
		t.Fatalf("after the transaction %d statements are cached, want 2 (its unprepared one added)", got)
	}
	for _, c := range held {
		_ = c.Close()
	}
	if err := run(); err != nil {
		t.Fatal(err)
	}
	if got := db.stmts.len(); got != 2 {
		t.Fatalf("a second transaction left %d statements cached, want the same 2", got)
	}
}
