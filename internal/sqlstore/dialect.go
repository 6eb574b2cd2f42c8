package sqlstore

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

type errClass int

const (
	errOther errClass = iota
	errUnique
	errForeignKey
	errBusy
	errText
	errDown // the database cannot be reached or cannot work for now
)

// dialect holds what differs between SQLite and PostgreSQL.
type dialect struct {
	name   string
	driver string
	goose  goose.Dialect
}

func dialectFor(u string) dialect {
	if strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		return dialect{name: "postgres", driver: "pgx", goose: goose.DialectPostgres}
	}
	return dialect{name: "sqlite", driver: "sqlite", goose: goose.DialectSQLite3}
}

// dsn adds the per-connection pragmas SQLite needs: WAL for concurrent
// readers, a busy timeout, foreign keys, full fsync on commit (an accepted
// upload must survive power loss), and IMMEDIATE transactions so concurrent
// read-then-write transactions queue instead of failing with SQLITE_BUSY.
func (d dialect) dsn(u string) string {
	if d.name != "sqlite" {
		return u
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(15000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + u + "?" + q.Encode()
}

// configure sizes the pool. Every open connection may stay idle: with fewer
// idle slots than connections, each burst past them closed connections on
// release and opened new ones at the next burst. A PostgreSQL connection is a
// process to fork, authenticate and warm (catalog caches, prepared
// statements): with 8 clients reading and the audit writer as a ninth, the
// audit benchmark reconnected 24–78 times per run, and audited reads ran at
// 0.57–0.76 of the unaudited speed instead of 0.70–0.84 (docs/benchmarks.md).
// Connections idle for minutes are still let go.
func (d dialect) configure(db *sql.DB) {
	n := 20
	if d.name == "sqlite" {
		n = 8
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
}

// classify maps driver errors by code, never by message.
func (d dialect) classify(err error) errClass {
	// No connection could be made: whatever the server answered (a FATAL
	// such as 55000, database not accepting connections), the store is down
	// for this request, not the request wrong.
	var ce *pgconn.ConnectError
	if d.name == "postgres" && errors.As(err, &ce) {
		return errDown
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return errUnique
		case "23503":
			return errForeignKey
		case "40001", "40P01", "55P03":
			return errBusy
		case "22021", "22P05": // a NUL, or bytes that are not UTF-8, in text
			return errText
		case "57P01", "57P02", "57P03": // shutting down, crashed, starting up
			return errDown
		}
		switch pe.Code[:min(2, len(pe.Code))] {
		case "08", "53": // connection exception; insufficient resources (disk full, too many connections)
			return errDown
		}
		return errOther
	}
	// No answer from the server at all: it is down, unreachable, or the
	// connection was cut.
	var ne net.Error
	if d.name == "postgres" && (errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		pgconn.Timeout(err) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
		return errDown
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return errUnique
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return errForeignKey
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return errBusy
		}

	}
	return errOther
}
