package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// newBundle builds a bundle of the named uploads through the page's form
// and returns its ID.
func newBundle(t *testing.T, b *client, caseID, title string, files map[string][]byte) string {
	t.Helper()
	form := url.Values{"csrf": {b.csrf("/cases/" + caseID + "/bundles")}, "title": {title}}
	for name, data := range files {
		id := uploaded(t, b, caseID, name, "statement", data)
		form.Add("pick", "e:"+id)
		form.Set("purpose.e:"+id, "证明"+name)
	}
	r := b.post("/cases/"+caseID+"/bundles", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create bundle: %d %s", r.Status, r.Body)
	}
	return strings.TrimPrefix(strings.Split(r.Header.Get("Location"), "?")[0], "/bundles/")
}

// TestBundleDownloadIsTheZip: the page's "下载 ZIP" gives the whole ZIP,
// whose files all verify against its SHA256SUMS, named after the case
// number and the bundle title (a "/" in them replaced, never cutting the
// name). A declared Content-Length, if any, is the real length: a short
// one would cut the archive, a long one fail the download.
func TestBundleDownloadIsTheZip(t *testing.T) {
	png, err := os.ReadFile("../extract/testdata/ocr.png")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, false)
	b := e.client()
	b.login("admin")
	tests := []struct {
		name, number, title string
		files               map[string][]byte
		wantName            string
	}{
		// Stored only: the ZIP is larger than the files' sum.
		{"OKStored", "2026浙0102民初/123", "一审证据", map[string][]byte{"对账单.png": png}, "2026浙0102民初_123-一审证据.zip"},
		// Deflated text: the ZIP may be smaller.
		{"OKMixed", "2026-HZ-0901", "证据/第二组", map[string][]byte{"对账单.png": png,
			"说明.txt": []byte(strings.Repeat("对方确认欠款。", 2000))}, "2026-HZ-0901-证据_第二组.zip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.newCase(tt.number, "")
			bid := newBundle(t, b, c.ID, tt.title, tt.files)
			res, err := b.http.Get(e.srv.URL + "/bundles/" + bid + "/download")
			if err != nil {
				t.Fatal(err)
			}
			body, rerr := io.ReadAll(res.Body)
			res.Body.Close()
			if rerr != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("download: %d, read %d bytes: %v", res.StatusCode, len(body), rerr)
			}
			if cl := res.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(body)) {
				t.Fatalf("Content-Length %s for %d bytes", cl, len(body))
			}
			_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
			if err != nil || params["filename"] != tt.wantName {
				t.Errorf("Content-Disposition %q (%v), want filename %q", res.Header.Get("Content-Disposition"), err, tt.wantName)
			}
			zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Fatalf("not a readable ZIP: %v", err)
			}
			// The evidence list, the merged PDF, the originals, manifest.json.
			if n := checkSums(t, zr); n != len(tt.files)+3 {
				t.Fatalf("SHA256SUMS checked %d files, want %d", n, len(tt.files)+3)
			}
		})
	}
}

// checkSums checks every line of the ZIP's SHA256SUMS against the entry it
// names and returns how many it checked.
func checkSums(t *testing.T, zr *zip.Reader) int {
	t.Helper()
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	read := func(name string) []byte {
		f, ok := files[name]
		if !ok {
			t.Fatalf("ZIP lacks %s", name)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return data
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(read("SHA256SUMS"))), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", line)
		}
		got := sha256.Sum256(read(name))
		if hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s does not match SHA256SUMS", name)
		}
		n++
	}
	return n
}

// TestShareAndBundleErrorsInChinese: the share and bundle forms' errors are
// in the page's language.
func TestShareAndBundleErrorsInChinese(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0902", "")
	b := e.client()
	b.login("admin")
	bid := newBundle(t, b, c.ID, "一审证据", map[string][]byte{"说明.txt": []byte("对方确认欠款。")})
	tok := b.csrf("/bundles/" + bid)
	tests := []struct {
		name   string
		path   string
		form   url.Values
		zh, en string
	}{
		{"ErrPast", "/bundles/" + bid + "/shares", url.Values{"expires": {"2020-01-01"}}, "必须晚于当前时间", "must be in the future"},
		{"ErrTooFar", "/bundles/" + bid + "/shares", url.Values{"expires": {"2099-01-01"}}, "不能超过一年", "must be within a year"},
		{"ErrLimit", "/bundles/" + bid + "/shares", url.Values{"expires": {e.today(7)}, "max_downloads": {"-1"}}, "应为 0（不限）到 10000", "must be from 0 (no limit) to 10000"},
		{"ErrNote", "/bundles/" + bid + "/shares", url.Values{"expires": {e.today(7)}, "note": {strings.Repeat("长", 501)}}, "最多 500 个字符", "must be at most 500 characters"},
		{"ErrBundleTitle", "/cases/" + c.ID + "/bundles", url.Values{"title": {strings.Repeat("长", 201)}}, "最多 200 个字符", "must be at most 200 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range []string{"zh-CN", "en"} {
				if r := b.post("/lang", url.Values{"csrf": {tok}, "lang": {lang}, "back": {"/"}}); r.Status != http.StatusSeeOther {
					t.Fatalf("switch to %s: %d", lang, r.Status)
				}
				form := url.Values{"csrf": {tok}}
				for k, v := range tt.form {
					form[k] = v
				}
				r := b.post(tt.path, form)
				want, not := tt.zh, tt.en
				if lang == "en" {
					want, not = tt.en, tt.zh
				}
				if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, want) || strings.Contains(r.Body, not) {
					t.Fatalf("%s page: %d, want %q and not %q:\n%s", lang, r.Status, want, not, r.Body)
				}
			}
		})
	}
}

// TestInvisibleBundlePages: an outside firm asking for a bundle of a case
// not granted to it gets what an absent bundle gets, and the audit trail
// names the bundle and its case.
func TestInvisibleBundlePages(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0903", "")
	admin := e.client()
	admin.login("admin")
	bid := newBundle(t, admin, c.ID, "卷宗", map[string][]byte{"a.txt": []byte("contract")})
	e.user("lawfirm", dossier.RoleExternal)
	b := e.client()
	b.login("lawfirm")
	const absent = "0000000000000000000000000000dead"
	// The two answers differ only in the ID asked for and the request ID.
	same := regexp.MustCompile(`\b[0-9a-f]{16}\b`)
	norm := func(r *response, id string) string {
		return same.ReplaceAllString(strings.ReplaceAll(r.Body, id, "ID"), "RID")
	}
	for _, p := range []string{"/bundles/%s", "/bundles/%s/download", "/api/v1/bundles/%s", "/api/v1/bundles/%s/download"} {
		seen, gone := b.get(strings.Replace(p, "%s", bid, 1)), b.get(strings.Replace(p, "%s", absent, 1))
		if seen.Status != http.StatusNotFound || gone.Status != http.StatusNotFound || norm(seen, bid) != norm(gone, absent) {
			t.Errorf("%s: invisible %d %.300s\nabsent %d %.300s", p, seen.Status, seen.Body, gone.Status, gone.Body)
		}
	}
	if err := e.audit.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"web.bundle.read", "web.bundle.download", "bundle.read", "bundle.download"} {
		evs, err := e.store.Events(context.Background(), dossier.AuditFilter{Actor: "lawfirm", Action: action})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, ev := range evs {
			if ev.Status == http.StatusNotFound && ev.ObjectType == "bundle" && ev.ObjectID == bid && ev.CaseID == c.ID {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no refusal naming bundle %s of case %s: %+v", action, bid, c.ID, evs)
		}
	}
}
