package httpapi_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/search"
)

// withSearch attaches a real index and indexing workers, hooked to the vault.
func withSearch(t *testing.T, e *env, v *evidence.Vault, blobs blob.Store) *indexer.Indexer {
	t.Helper()
	idx, err := search.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	ix := &indexer.Indexer{Store: e.store, Blobs: blobs, Index: idx, Extract: indexer.ExtractText}
	if err := ix.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close(t.Context()); idx.Close() })
	if v != nil {
		v.OnIngest = ix.Notify
	}
	e.api.Search = ix
	return ix
}

func TestSearchAPI(t *testing.T) {
	e := newEnv(t, "sqlite")
	blobs := newBlobs(t, "disk")
	v := withVault(t, e, blobs, 0, 1<<20)
	withSearch(t, e, v, blobs)
	admin := e.login("admin", adminPassword)
	a, b := e.createCase(admin, "S-A"), e.createCase(admin, "S-B")
	upload := func(caseID, name, text string) string {
		ct, body := multipartBody(part{name: "kind", data: []byte("chat")}, part{name: "title", data: []byte(name)},
			part{name: "file", filename: name + ".txt", data: []byte(text)})
		r := e.send("POST", "/api/v1/cases/"+caseID+"/evidence", admin, ct, body, nil)
		var ev dossier.Evidence
		r.json(t, &ev)
		return ev.ID
	}
	inA := upload(a.ID, "微信记录", "债务人承诺下月分期还款，联系电话13812345678")
	upload(b.ID, "另一案", "另一案件的分期还款记录")
	extID, ext := e.user(admin, "search-firm", dossier.RoleExternal)
	e.do("POST", "/api/v1/cases/"+a.ID+"/grants", admin, map[string]string{"user_id": extID, "access": "read"})

	var res indexer.Result
	deadline := time.Now().Add(60 * time.Second)
	for res.Total < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		e.do("GET", "/api/v1/search?q=%22分期还款%22", admin, nil).json(t, &res)
	}
	if res.Total != 2 || res.Facets["case"][a.ID] != 1 {
		t.Fatalf("counsel search: %+v", res)
	}
	e.do("GET", "/api/v1/search?q=%22分期还款%22", ext, nil).json(t, &res)
	if res.Total != 1 || res.Items[0].EvidenceID != inA || res.Items[0].CaseNumber != "S-A" {
		t.Fatalf("outside firm search must see only its case: %+v", res)
	}
	for _, h := range res.Items[0].Highlights {
		if strings.Contains(h, "13812345678") {
			t.Fatalf("phone number not masked for an outside firm: %s", h)
		}
	}
	if r := e.do("GET", "/api/v1/search?q=x&case_id="+b.ID, ext, nil); r.Status != 404 {
		t.Fatalf("search restricted to an invisible case: %d", r.Status)
	}
	for _, q := range []string{"kind=robot", "from=2026-13-01", "sort=size", "limit=0", "from=2026-05-02&to=2026-05-01"} {
		if r := e.do("GET", "/api/v1/search?"+q, admin, nil); r.Status != 422 {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
	for _, q := range []string{"%22unbalanced", "AND+OR+NOT", "-", "%22%22", "(((", "*:*"} {
		if r := e.do("GET", "/api/v1/search?q="+q, admin, nil); r.Status != 200 && r.Status != 400 {
			t.Errorf("malformed query %s: %d %s", q, r.Status, r.Body)
		}
	}
	if r := e.do("GET", "/api/v1/search?q=x", "", nil); r.Status != 401 {
		t.Fatalf("anonymous search: %d", r.Status)
	}
}
