// Package sqlstore implements the dossier store interfaces once, in plain SQL
// that runs on both SQLite (modernc.org/sqlite, no cgo) and PostgreSQL (pgx).
// The few differences live in dialect.go.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/migrations"
)

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is the metadata store. The zero value is not usable: call Open.
type DB struct {
	sql     *sql.DB
	q       querier
	dialect dialect
	tx      *sql.Tx    // set inside InTx
	stmts   *stmtCache // SQLite only; nil on PostgreSQL
}

var _ dossier.Store = (*DB)(nil)

// Open connects to url (a postgres:// URL, or a SQLite file path) and applies
// pending migrations.
func Open(ctx context.Context, url string) (*DB, error) {
	return open(ctx, dialectFor(url), url, (*DB).migrate)
}

// open connects to url and runs prepare (migrate, or a read-only check)
// before the store is used.
func open(ctx context.Context, d dialect, url string, prepare func(*DB, context.Context) error) (*DB, error) {
	sdb, err := sql.Open(d.driver, d.dsn(url))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open: %w", err)
	}
	d.configure(sdb)
	db := &DB{sql: sdb, q: sdb, dialect: d}
	if err := prepare(db, ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	if d.name == "sqlite" {
		db.stmts = newStmtCache(sdb)
		db.q = cachedQuerier{c: db.stmts, base: sdb}
	}
	return db, nil
}

// migrations is the goose provider of this binary's migrations. Out-of-order
// application: a migration numbered below one already applied (developed in
// parallel) is applied rather than refused.
func (db *DB) migrations() (*goose.Provider, error) {
	fsys, err := migrations.For(db.dialect.name)
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(db.dialect.goose, db.sql, fsys, goose.WithAllowOutofOrder(true))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations: %w", err)
	}
	return p, nil
}

func (db *DB) migrate(ctx context.Context) error {
	p, err := db.migrations()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return db.fillCaseKeys(ctx)
}

// prepare prepares a statement on the transaction or pool behind db.
func (db *DB) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if db.tx != nil {
		return db.tx.PrepareContext(ctx, query)
	}
	return db.sql.PrepareContext(ctx, query)
}

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name }

// SQL exposes the connection pool for tests and benchmarks that must reach
// behind the store (for example to tamper with audit rows on purpose).
func (db *DB) SQL() *sql.DB { return db.sql }

// Close closes the pool.
func (db *DB) Close() error {
	if db.stmts != nil {
		db.stmts.close()
	}
	return db.sql.Close()
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return &dossier.Error{Code: dossier.EUNAVAILABLE, Message: "metadata store unavailable", Err: err}
	}
	return nil
}

// InTx runs fn in one transaction. Nested calls reuse the outer transaction.
func (db *DB) InTx(ctx context.Context, fn func(dossier.Store) error) error {
	if db.tx != nil {
		return fn(db)
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return db.wrap("begin", err)
	}
	txdb := &DB{sql: db.sql, q: tx, dialect: db.dialect, tx: tx, stmts: db.stmts}
	if db.stmts != nil {
		missed := &missedQueries{}
		txdb.q = cachedQuerier{c: db.stmts, tx: tx, base: tx, missed: missed}
		defer db.stmts.prepareMissed(ctx, missed) // after Commit or Rollback
	}
	if err := fn(txdb); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return db.wrap("commit", err)
	}
	return nil
}

// wrap translates a driver error by code into a dossier error.
func (db *DB) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *dossier.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &dossier.Error{Code: dossier.ENOTFOUND, Message: "not found", Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &dossier.Error{Code: dossier.EUNAVAILABLE, Message: "request cancelled", Err: err}
	}
	switch db.dialect.classify(err) {
	case errUnique:
		return &dossier.Error{Code: dossier.ECONFLICT, Message: "already exists", Err: err}
	case errForeignKey:
		return &dossier.Error{Code: dossier.ENOTFOUND, Message: "referenced object not found", Err: err}
	case errBusy:
		return &dossier.Error{Code: dossier.EUNAVAILABLE, Message: "metadata store busy", Err: err}
	case errDown:
		return &dossier.Error{Code: dossier.EUNAVAILABLE, Message: "metadata store unavailable", Err: err}
	case errText:
		return &dossier.Error{Code: dossier.EINVALID, Message: "text contains a NUL character or bytes that are not UTF-8", Err: err}
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// Time encoding: fixed-width UTC text that sorts as time does. List
// cursors carry created_at in the same layout, compared with the column
// as is.
const timeLayout = dossier.CursorTimeLayout

func tm(t time.Time) string { return t.UTC().Format(timeLayout) }

func tmPtr(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return tm(*t)
}

func parseTm(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

func parseTmPtr(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTm(s.String)
	return &t
}
