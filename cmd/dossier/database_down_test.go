package main

import (
	"database/sql"
	"net/url"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/testenv"
)

// A PostgreSQL that refuses new connections to Dossier's database (closed
// for maintenance: ALLOW_CONNECTIONS false) is the metadata store being
// unavailable: /readyz said so, but the API answered 500 "internal error"
// (the server's FATAL at connect time carries an SQLSTATE that is no
// connection class), where API.md promises 503 for a dependency down.
func TestDatabaseRefusingConnectionsIs503(t *testing.T) {
	dbURL := testenv.Postgres(t)
	p := start(t, t.TempDir(), "DATABASE_URL="+dbURL, "DOSSIER_ADMIN_PASSWORD="+crashPassword)
	token := loginAdmin(t, p.url)
	u, _ := url.Parse(dbURL)
	name := strings.TrimPrefix(u.Path, "/")
	admin, err := sql.Open("pgx", testenv.PostgresAdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := admin.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	exec(`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS false`)
	exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '` + name + `'`)
	// The first requests may meet pooled connections the termination cut
	// (503 already); past the pool's 20, each must open a new one.
	for i := 0; i < 25; i++ {
		var problem struct {
			Status int
			Detail string
		}
		if code := p.getJSON(t, "/api/v1/cases", token, &problem); code != 503 {
			t.Fatalf("request %d: GET /api/v1/cases with the database refusing connections: %d %q, want 503", i, code, problem.Detail)
		}
	}
	exec(`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS true`)
	var list struct{ Total int }
	if code := p.getJSON(t, "/api/v1/cases", token, &list); code != 200 {
		t.Errorf("GET /api/v1/cases once the database is back: %d", code)
	}
	p.stop(t)
}
