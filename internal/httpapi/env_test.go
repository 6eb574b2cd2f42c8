package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

const adminPassword = "correct horse battery"

// env is a running API over a real store.
type env struct {
	t     testing.TB
	store *sqlstore.DB
	audit *audit.Log
	api   *httpapi.Server
	srv   *httptest.Server
	acc   *account.Service
}

func newEnv(t testing.TB, backend string) *env {
	t.Helper()
	ctx := context.Background()
	url := filepath.Join(t.TempDir(), "meta.db")
	if backend == "postgres" {
		url = testenv.Postgres(t)
	}
	store, err := sqlstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	al, err := audit.Open(ctx, store, filepath.Join(t.TempDir(), "audit.key"), audit.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { al.Close(context.Background()) })
	acc := account.New(store, time.Hour)
	if _, _, err := acc.Bootstrap(ctx, adminPassword); err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(&httpapi.Server{Log: log, Accounts: acc, Audit: al, Trail: &audit.Trail{Store: store, Log: al},
		Cases: &casefile.Service{Store: store, Now: time.Now, Compliance: &casefile.Compliance{
			Location: time.UTC, StartHour: 8, EndHour: 21, MaxPerDay: 6}},
		Ready: []httpapi.Checker{{Name: "metadata", Check: store.Ping}}})
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, store: store, audit: al, api: api, srv: srv, acc: acc}
}

// response is a decoded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// problem decodes a problem+json answer and checks its media type.
func (r *response) problem(t testing.TB) httpapi.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d: content type %q, body %s", r.Status, ct, r.Body)
	}
	var p httpapi.Problem
	r.json(t, &p)
	return p
}

func (e *env) do(method, path, token string, body any) *response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		buf, _ := json.Marshal(b)
		rd = bytes.NewReader(buf)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// doAccept is do with an Accept header and no body.
func (e *env) doAccept(method, path, token, accept string) *response {
	e.t.Helper()
	return e.send(method, path, token, "", nil, map[string]string{"Accept": accept})
}

func (e *env) login(user, pw string) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": pw})
	if r.Status != 200 {
		e.t.Fatalf("login %s: %d %s", user, r.Status, r.Body)
	}
	var s struct{ Token string }
	r.json(e.t, &s)
	return s.Token
}

// user creates a user with a role and returns its ID and token.
func (e *env) user(admin, name string, role dossier.Role) (string, string) {
	e.t.Helper()
	r := e.do("POST", "/api/v1/users", admin, map[string]string{"username": name, "role": string(role), "password": "a long enough password"})
	if r.Status != 201 {
		e.t.Fatalf("create user: %d %s", r.Status, r.Body)
	}
	var u dossier.User
	r.json(e.t, &u)
	return u.ID, e.login(name, "a long enough password")
}

func sampleCase(number string) map[string]any {
	return map[string]any{"number": number, "title": "货款纠纷",
		"creditor":  map[string]any{"name": "杭州甲科技有限公司", "kind": "company", "id_number": "91330100MA2KXXXX1Q"},
		"debtor":    map[string]any{"name": "张三", "kind": "person", "id_number": "330102199001011234", "phone": "13812345678"},
		"principal": "386500.00", "interest": "1200.50", "contract_no": "HT-2026-0042",
		"due_date": time.Now().AddDate(0, 0, -95).Format("2006-01-02")}
}

func (e *env) createCase(token, number string) dossier.Case {
	e.t.Helper()
	r := e.do("POST", "/api/v1/cases", token, sampleCase(number))
	if r.Status != 201 {
		e.t.Fatalf("create case: %d %s", r.Status, r.Body)
	}
	var c dossier.Case
	r.json(e.t, &c)
	return c
}
