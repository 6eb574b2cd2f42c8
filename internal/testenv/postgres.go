package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// PostgresAdminURL is the server tests create their databases on; override
// with DOSSIER_TEST_POSTGRES.
func PostgresAdminURL() string {
	if u := os.Getenv("DOSSIER_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Postgres creates a fresh, empty database for the test and drops it when the
// test ends. It returns the database's URL. When the server cannot be reached
// the test is skipped, or fails if DOSSIER_TEST_REQUIRE names postgres.
func Postgres(tb testing.TB) string {
	tb.Helper()
	admin := PostgresAdminURL()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", admin)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		requirePostgres(tb, "PostgreSQL not reachable at "+admin+": "+err.Error())
		return ""
	}
	defer db.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "dossier_test_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		tb.Fatalf("testenv: create database: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	return replaceDBName(admin, name)
}

func replaceDBName(u, name string) string {
	base, query, _ := strings.Cut(u, "?")
	i := strings.LastIndex(base, "/")
	out := base[:i+1] + name
	if query != "" {
		out += "?" + query
	}
	return out
}

// requirePostgres skips, or fails when DOSSIER_TEST_REQUIRE lists postgres.
func requirePostgres(tb testing.TB, reason string) {
	tb.Helper()
	Require(tb, "postgres", reason)
}

// StoreURL is the metadata store a test of backend ("sqlite" or "postgres")
// opens: a SQLite file in the test's temporary directory, or a fresh
// PostgreSQL database.
func StoreURL(tb testing.TB, backend string) string {
	tb.Helper()
	if backend == "postgres" {
		return Postgres(tb)
	}
	return filepath.Join(tb.TempDir(), "meta.db")
}
