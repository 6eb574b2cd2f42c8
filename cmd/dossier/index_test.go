package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/dossier/dossier/internal/testenv"
)

func getJSON(t *testing.T, u, token string, v any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if v != nil {
		_ = json.Unmarshal(b, v)
	}
	return res.StatusCode
}

// A lost or damaged search index, or one of an older schema (after an
// upgrade), is rebuilt by serve itself from the metadata and blobs while it
// runs, and the evidence is found again with no command run. Before, search
// answered 503 until someone stopped the service and ran `dossier reindex`.
// `dossier reindex` still rebuilds it with the service stopped.
func TestIndexMissingCorruptOrOldIsRebuilt(t *testing.T) {
	data := t.TempDir()
	pw := "index test password"
	env := "DOSSIER_ADMIN_PASSWORD=" + pw
	p := start(t, data, env)
	_, login := post(t, p.url+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": pw})
	token := login["token"].(string)
	_, c := post(t, p.url+"/api/v1/cases", token, map[string]any{"number": "IX-1", "principal": "100.00",
		"due_date": "2026-01-01", "creditor": map[string]string{"name": "甲"}, "debtor": map[string]string{"name": "乙"}})
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("kind", "chat")
	fw, _ := w.CreateFormFile("file", "聊天记录.txt")
	_, _ = fw.Write([]byte("对方承认拖欠货款，并同意分期还款。"))
	w.Close()
	req, _ := http.NewRequest("POST", p.url+"/api/v1/cases/"+c["id"].(string)+"/evidence", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("upload: %v %v", res, err)
	}
	res.Body.Close()
	found := func(base, tok string) bool {
		var r struct{ Total int }
		getJSON(t, base+"/api/v1/search?q="+url.QueryEscape(`"拖欠货款"`), tok, &r)
		return r.Total == 1
	}
	deadline := time.Now().Add(60 * time.Second)
	for !found(p.url, token) {
		if time.Now().After(deadline) {
			t.Fatal("uploaded evidence never became searchable")
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.stop(t)

	index := filepath.Join(data, "index")
	for name, damage := range map[string]func(){
		"missing": func() { _ = os.RemoveAll(index) },
		"corrupt": func() {
			_ = os.RemoveAll(index)
			_ = os.MkdirAll(index, 0o750)
			_ = os.WriteFile(filepath.Join(index, "index_meta.json"), []byte("{not json"), 0o640)
		},
		"old schema": func() {
			ix, err := bleve.Open(index)
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.SetInternal([]byte("dossier_schema"), []byte("3")); err != nil {
				t.Fatal(err)
			}
			_ = ix.Close()
		},
	} {
		damage()
		p := start(t, data, env)
		_, login = post(t, p.url+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": pw})
		deadline := time.Now().Add(60 * time.Second)
		for !found(p.url, login["token"].(string)) {
			if time.Now().After(deadline) {
				var ready struct{ Checks map[string]string }
				getJSON(t, p.url+"/readyz", "", &ready)
				t.Fatalf("%s index: evidence not found again; readyz %v", name, ready.Checks)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if code := getJSON(t, p.url+"/readyz", "", nil); code != 200 {
			t.Fatalf("%s index: readyz %d once rebuilt", name, code)
		}
		p.stop(t)
	}

	cmd := exec.Command(testenv.DossierBinary(t), "reindex")
	cmd.Env = append(os.Environ(), "DOSSIER_DATA="+data)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "indexed 1 items") {
		t.Fatalf("dossier reindex: %v\n%s", err, out)
	}
	p = start(t, data, env)
	if code := getJSON(t, p.url+"/readyz", "", nil); code != 200 {
		t.Fatalf("readyz after reindex: %d", code)
	}
	_, login = post(t, p.url+"/api/v1/auth/login", "", map[string]string{"username": "admin", "password": pw})
	if !found(p.url, login["token"].(string)) {
		t.Fatal("evidence not found after reindex")
	}
	p.stop(t)
}
