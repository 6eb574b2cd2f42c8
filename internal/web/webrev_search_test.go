package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/audit"
	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/httpapi"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/web"
)

// searchEnv is newEnv's services with the search page wired to a real
// bleve index.
func searchEnv(t *testing.T) *env {
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
	idx, err := search.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	ix := &indexer.Indexer{Store: store, Index: idx, Extract: indexer.ExtractText}
	api := httpapi.New(&httpapi.Server{Log: log, Accounts: acc, Audit: al, Cases: cases, Search: ix})
	web.New(web.Config{Accounts: acc, Cases: cases, Search: ix, Log: log}).Register(api.Echo)
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	adminUser, err := store.UserByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, store: store, audit: al, acc: acc, cases: cases, api: api, srv: srv, admin: &dossier.Actor{User: adminUser}}
}

// The search page says why a query was refused in the page's language;
// it used to print the search engine's English on Chinese pages.
func TestWebrevSearchRefusalInPageLanguage(t *testing.T) {
	e := searchEnv(t)
	e.user("firm-zh", dossier.RoleExternal)
	zh := e.client()
	zh.login("firm-zh")
	words := make([]string, 40)
	for i := range words {
		words[i] = "w" + strings.Repeat("x", i%5+1)
	}
	for q, want := range map[string]string{
		"/search?q=" + strings.Repeat("a", 1200):                 "检索词超过 1000 个字符",
		"/search?q=" + url.QueryEscape(strings.Join(words, " ")): "检索词超过 32 个",
		"/search?q=alpha&cursor=zz":                              "分页位置无效",
	} {
		r := zh.browse(http.MethodGet, q, nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `role="alert">`+want) {
			i := strings.Index(r.Body, `role="alert"`)
			t.Errorf("%.60s: want %q, got %d %.120s", q, want, r.Status, r.Body[max(i, 0):])
		}
	}
	en := e.client()
	en.login("admin")
	en.post("/lang", url.Values{"csrf": {en.csrf("/cases")}, "lang": {"en"}})
	r := en.browse(http.MethodGet, "/search?q="+strings.Repeat("a", 1200), nil)
	if !strings.Contains(r.Body, `role="alert">query longer than 1000 characters`) {
		i := strings.Index(r.Body, `role="alert"`)
		t.Errorf("en: %.120s", r.Body[max(i, 0):])
	}
}
