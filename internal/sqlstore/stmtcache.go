package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statement cache. The store's fixed queries are
// fewer than this; queries built from filters (search facets, IN lists of
// varying length) may come in more variants, and those past the bound run
// unprepared, as every query did before the cache.
const maxCachedStmts = 256

// stmtCache keeps one prepared statement per query text. The SQLite driver
// parses a query's SQL again on every call that is not a prepared
// statement: in the audit benchmark's evidence reads (session lookup,
// item, case) parsing was 15% of the process's CPU. database/sql prepares a
// cached statement on each connection the first time it runs there and
// keeps it per connection, so after warm-up no query is parsed again.
// PostgreSQL's driver (pgx) caches prepared statements per connection
// itself, so the cache is used for SQLite only.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: make(map[string]*sql.Stmt)}
}

// get returns the cached statement for query, preparing it on first use
// if prepare is set; nil when it is not cached and is not prepared (the
// cache is full, or the query does not prepare: the caller then runs the
// query as it is, and its error, if any, comes from there).
func (c *stmtCache) get(ctx context.Context, query string, prepare bool) *sql.Stmt {
	c.mu.Lock()
	s, ok := c.m[query]
	full := len(c.m) >= maxCachedStmts
	c.mu.Unlock()
	if ok || full || !prepare {
		return s
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[query]; ok {
		// Prepared twice at once: keep the first, close ours.
		_ = s.Close()
		return prev
	}
	if len(c.m) >= maxCachedStmts {
		_ = s.Close()
		return nil
	}
	c.m[query] = s
	return s
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, s := range c.m {
		_ = s.Close()
		delete(c.m, q)
	}
}

// cachedQuerier runs queries through the cache: on the pool, or inside tx
// when tx is set (Tx.StmtContext reuses the statement already prepared on
// the transaction's connection and closes its handle with the transaction).
// A transaction only uses statements cached already: preparing a new one
// takes a second connection from the pool, and transactions holding every
// connection while each waits for another would wait until their deadlines.
// The queries it ran unprepared are noted in missed and prepared once the
// transaction has given its connection back (prepareMissed).
type cachedQuerier struct {
	c      *stmtCache
	tx     *sql.Tx
	base   querier
	missed *missedQueries // inside a transaction
}

// missedQueries are the query texts a transaction ran unprepared, each
// once however often it ran (a bulk transaction repeats one INSERT).
type missedQueries struct {
	mu sync.Mutex
	qs map[string]struct{}
}

func (q cachedQuerier) stmt(ctx context.Context, query string) *sql.Stmt {
	if q.tx == nil {
		return q.c.get(ctx, query, true)
	}
	s := q.c.get(ctx, query, false)
	if s == nil {
		q.missed.mu.Lock()
		if q.missed.qs == nil {
			q.missed.qs = make(map[string]struct{})
		}
		q.missed.qs[query] = struct{}{}
		q.missed.mu.Unlock()
		return nil
	}
	return q.tx.StmtContext(ctx, s)
}

// prepareMissed caches the statements a finished transaction ran
// unprepared, so the next transaction running them finds them prepared.
func (c *stmtCache) prepareMissed(ctx context.Context, m *missedQueries) {
	m.mu.Lock()
	qs := m.qs
	m.qs = nil
	m.mu.Unlock()
	for q := range qs {
		c.get(ctx, q, true)
	}
}

func (q cachedQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := q.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return q.base.ExecContext(ctx, query, args...)
}

func (q cachedQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := q.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return q.base.QueryContext(ctx, query, args...)
}

func (q cachedQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := q.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return q.base.QueryRowContext(ctx, query, args...)
}
