package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/document"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/httpapi"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/recovery"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
	"github.com/dossier/dossier/internal/web"
)

const adminPassword = "correct horse battery"

// bundleWork is the bundle services' work directory, one for the whole test
// process: pdfcpu keeps its configuration and installed fonts in package
// globals set up once, under the first service's WorkDir, so a per-test
// directory would be gone by the second test that builds a bundle.
var bundleWork string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dossier-web-bundle-")
	if err != nil {
		panic(err)
	}
	bundleWork = dir
	code := m.Run()
	os.RemoveAll(dir)
	testenv.Stop() // removes the built binary
	os.Exit(code)
}

// env is the API and the web front on one echo instance over a real
// SQLite store, as cmd/dossier wires them.
type env struct {
	t     *testing.T
	store *sqlstore.DB
	audit *audit.Log
	acc   *account.Service
	cases *casefile.Service
	rec   *recovery.Service
	api   *httpapi.Server
	srv   *httptest.Server
	admin *dossier.Actor
	index *search.Index // withSearch: the search page's index
}

func newEnv(t *testing.T, secure bool) *env {
	t.Helper()
	blobs, err := disk.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return newEnvOn(t, secure, blobs, false)
}

// newEnvOn is newEnv with the blob store the test picks (an S3 store
// behind a testenv.FaultProxy, say) and, withSearch, the search page wired
// to a real bleve index.
func newEnvOn(t *testing.T, secure bool, blobs blob.Store, withSearch bool) *env {
	t.Helper()
	return newEnvUnder(t, secure, blobs, withSearch, "")
}

// newEnvUnder is newEnvOn with the pages configured to be served under
// base, the path prefix of a reverse proxy ("" at the root).
func newEnvUnder(t *testing.T, secure bool, blobs blob.Store, withSearch bool, base string) *env {
	t.Helper()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "meta.db"))
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
	cases := &casefile.Service{Store: store, Now: time.Now, Compliance: &casefile.Compliance{
		Location: time.UTC, StartHour: 8, EndHour: 21, MaxPerDay: 6}}
	vault := &evidence.Vault{Store: store, Blobs: blobs, Now: time.Now, Log: log}
	engine, err := document.Load("")
	if err != nil {
		t.Fatal(err)
	}
	docs := &document.Service{Engine: engine, Store: store, Blobs: blobs, Now: time.Now}
	bundles, err := bundle.New(bundle.Config{Cases: store, Evidence: store, Documents: store, Bundles: store,
		Blobs: blobs, WorkDir: bundleWork, BaseURL: "http://dossier.test"})
	if err != nil {
		t.Fatal(err)
	}
	trail := &audit.Trail{Store: store, Log: al}
	rec := &recovery.Service{Store: store, Documents: store, Cases: cases, Now: time.Now, Location: time.UTC, GraceDays: 5,
		DemandDays: 7}
	var ix *indexer.Indexer
	var idx *search.Index
	if withSearch {
		idx, err = search.Open(filepath.Join(t.TempDir(), "index"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { idx.Close() })
		ix = &indexer.Indexer{Store: store, Blobs: blobs, Index: idx, Extract: indexer.ExtractText}
	}
	api := httpapi.New(&httpapi.Server{Log: log, Accounts: acc, Audit: al, Cases: cases, Evidence: vault,
		Documents: docs, Bundles: bundles, Trail: trail, Recovery: rec, Search: ix})
	front := web.New(web.Config{Accounts: acc, Cases: cases, Evidence: vault, Documents: docs, Bundles: bundles,
		Recovery: rec, Audit: trail, Search: ix, Log: log, Secure: secure, BasePath: base})
	front.Register(api.Echo)
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	adminUser, err := store.UserByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, store: store, audit: al, acc: acc, cases: cases, rec: rec, api: api, srv: srv, admin: &dossier.Actor{User: adminUser},
		index: idx}
}

// user creates a user with the given role.
func (e *env) user(name string, role dossier.Role) *dossier.User {
	e.t.Helper()
	u, err := e.acc.CreateUser(context.Background(), e.admin, account.NewUser{Username: name, Role: role, Password: adminPassword})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// newCase creates a case directly through the service.
func (e *env) newCase(number, title string) *dossier.Case {
	e.t.Helper()
	c, err := e.cases.Create(context.Background(), e.admin, &dossier.Case{Number: number, Title: title,
		Creditor: dossier.Party{Name: "杭州甲公司"}, Debtor: dossier.Party{Name: "宁波乙公司"},
		Principal: 38650000, DueDate: dossier.DateOf(time.Now().AddDate(0, 0, -75))})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// client is a cookie-keeping client that does not follow redirects, so
// tests see each answer.
type client struct {
	t    *testing.T
	e    *env
	http *http.Client
	// root is what request paths are appended to: the test server, or a
	// proxy's address and path prefix.
	root string
}

func (e *env) client() *client { return e.clientAt(e.srv.URL) }

// clientAt is a client whose paths are relative to root, such as
// "http://proxy/dossier".
func (e *env) clientAt(root string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, e: e, root: root, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

func (b *client) do(req *http.Request) *response {
	b.t.Helper()
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: string(body)}
}

func (b *client) get(path string) *response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.root+path, nil)
	return b.do(req)
}

func (b *client) post(path string, form url.Values) *response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.root+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the form token from a page.
func (b *client) csrf(path string) string {
	b.t.Helper()
	p := b.get(path)
	m := csrfRE.FindStringSubmatch(p.Body)
	if m == nil {
		b.t.Fatalf("no csrf field on %s (%d):\n%s", path, p.Status, p.Body)
	}
	return m[1]
}

// login signs in through the form.
func (b *client) login(user string) {
	b.t.Helper()
	tok := b.csrf("/login")
	p := b.post("/login", url.Values{"csrf": {tok}, "username": {user}, "password": {adminPassword}})
	if p.Status != http.StatusSeeOther {
		b.t.Fatalf("login %s: %d\n%s", user, p.Status, p.Body)
	}
}

// upload posts a file to the evidence API as the page's script does: the
// session cookie plus the CSRF header.
func (b *client) upload(caseID, name, kind string, data []byte, csrf string) *response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("kind", kind)
	_ = mw.WriteField("title", name)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.root+"/api/v1/cases/"+caseID+"/evidence", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if csrf != "" {
		req.Header.Set(web.CSRFHeader, csrf)
	}
	return b.do(req)
}

// today returns the date n days from now, as a form writes it.
func (e *env) today(n int) string { return time.Now().AddDate(0, 0, n).Format("2006-01-02") }
