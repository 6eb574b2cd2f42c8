package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// uploaded uploads a file through the API with the page's credentials and
// returns the new item's ID.
func uploaded(t *testing.T, b *client, caseID, name, kind string, data []byte) string {
	t.Helper()
	res := b.upload(caseID, name, kind, data, b.csrf("/cases/"+caseID))
	if res.Status != http.StatusCreated {
		t.Fatalf("upload %s: %d %s", name, res.Status, res.Body)
	}
	var e dossier.Evidence
	if err := json.Unmarshal([]byte(res.Body), &e); err != nil {
		t.Fatal(err)
	}
	return e.ID
}

func TestEvidencePages(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0100", "")
	other := e.newCase("2026-HZ-0101", "")
	b := e.client()
	b.login("admin")
	pdf, err := os.ReadFile("../extract/testdata/text.pdf")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ErrUploadWithoutCSRFHeader", func(t *testing.T) {
		if res := b.upload(c.ID, "a.txt", "other", []byte("x"), ""); res.Status != http.StatusForbidden {
			t.Fatalf("status %d", res.Status)
		}
	})
	id := uploaded(t, b, c.ID, "催款函.pdf", "letter", pdf)
	svgID := uploaded(t, b, c.ID, "logo.svg", "photo", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	hiddenID := uploaded(t, b, other.ID, "secret.txt", "other", []byte("保密"))

	page := b.get("/cases/" + c.ID)
	if !strings.Contains(page.Body, "/evidence/"+id) || !strings.Contains(page.Body, `data-upload="/api/v1/cases/`+c.ID+`/evidence"`) {
		t.Fatal("case page lacks the evidence row or the upload zone")
	}
	ev := b.get("/evidence/" + id)
	if ev.Status != http.StatusOK || !strings.Contains(ev.Body, `<iframe src="/evidence/`+id+`/raw?v=1"`) {
		t.Fatalf("evidence page: %d, no PDF preview", ev.Status)
	}

	raw := b.get("/evidence/" + id + "/raw?v=1")
	if raw.Status != http.StatusOK || raw.Body != string(pdf) || raw.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(raw.Header.Get("Content-Disposition"), "inline") {
		t.Fatalf("raw pdf: %d %q %q", raw.Status, raw.Header.Get("Content-Type"), raw.Header.Get("Content-Disposition"))
	}
	// A version the address does not name as a plain number is no version:
	// ?v=01, +1 or abc served version 1 or the current one.
	for _, v := range []string{"01", "+1", "abc", "0"} {
		if r := b.get("/evidence/" + id + "/raw?v=" + v); r.Status != http.StatusNotFound {
			t.Errorf("raw ?v=%s: %d, want 404", v, r.Status)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/evidence/"+id+"/raw", nil)
	req.Header.Set("Range", "bytes=0-3")
	if r := b.do(req); r.Status != http.StatusPartialContent || r.Body != "%PDF" {
		t.Fatalf("range: %d %q", r.Status, r.Body)
	}
	// An SVG could run script at our origin: never inline, always sandboxed.
	svg := b.get("/evidence/" + svgID + "/raw")
	if !strings.HasPrefix(svg.Header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(svg.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("svg served as %q with CSP %q", svg.Header.Get("Content-Disposition"), svg.Header.Get("Content-Security-Policy"))
	}

	tok := b.csrf("/evidence/" + id)
	v := b.post("/evidence/"+id+"/verify", url.Values{"csrf": {tok}})
	if v.Status != http.StatusOK || !strings.Contains(v.Body, `id="verify-result"`) || !strings.Contains(v.Body, "校验通过") {
		t.Fatalf("verify: %d", v.Status)
	}
	if h := b.post("/evidence/"+id+"/hold", url.Values{"csrf": {tok}, "hold": {"true"}, "reason": {"诉讼"}}); h.Status != http.StatusSeeOther {
		t.Fatalf("hold: %d %s", h.Status, h.Body)
	}
	if body := b.get("/evidence/" + id).Body; !strings.Contains(body, `id="hold-release"`) {
		t.Fatal("hold not shown")
	}

	// An outside firm granted only the first case.
	firm := e.user("firm-c", dossier.RoleExternal)
	if _, err := e.acc.Grant(context.Background(), e.admin, c.ID, firm.ID, dossier.AccessRead); err != nil {
		t.Fatal(err)
	}
	fb := e.client()
	fb.login("firm-c")
	for _, path := range []string{"/evidence/" + hiddenID, "/evidence/" + hiddenID + "/raw", "/evidence/nope"} {
		if r := fb.get(path); r.Status != http.StatusNotFound || strings.Contains(r.Body, "secret.txt") {
			t.Fatalf("%s for an outside firm: %d", path, r.Status)
		}
	}
	if r := fb.get("/evidence/" + id); r.Status != http.StatusOK || strings.Contains(r.Body, `id="hold-release"`) {
		t.Fatalf("granted evidence: %d, or hold controls shown to a read-only firm", r.Status)
	}
	if strings.Contains(fb.get("/cases/"+c.ID).Body, "data-upload=") {
		t.Fatal("upload zone shown with a read grant")
	}
}

var docErrRE = regexp.MustCompile(`id="doc-([a-z_]+)-err"`)

func TestDocumentsPage(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0200", "")
	b := e.client()
	b.login("admin")
	p := b.get("/cases/" + c.ID + "/documents?template=lawyer_letter&lang=zh-CN")
	if p.Status != http.StatusOK {
		t.Fatalf("documents page: %d", p.Status)
	}
	for _, want := range []string{`id="doc-debtor_name" name="field.debtor_name" type="text" value="宁波乙公司" required`,
		`id="doc-principal" name="field.principal" type="text" value="386500.00" required`,
		`<label for="doc-firm_name">`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("form lacks %s", want)
		}
	}
	tok := csrfRE.FindStringSubmatch(p.Body)[1]
	form := url.Values{"csrf": {tok}, "template": {"lawyer_letter"}, "lang": {"zh-CN"},
		"field.debtor_name": {"宁波乙公司"}, "field.licence_no": {"123"}}
	bad := b.post("/cases/"+c.ID+"/documents", form)
	if bad.Status != http.StatusUnprocessableEntity {
		t.Fatalf("incomplete letter: %d", bad.Status)
	}
	var errs []string
	for _, m := range docErrRE.FindAllStringSubmatch(bad.Body, -1) {
		errs = append(errs, m[1])
	}
	for _, want := range []string{"firm_name", "ref_no", "lawyer_name", "licence_no"} {
		if !strings.Contains(strings.Join(errs, ","), want) {
			t.Errorf("no error next to %s (errors by %v)", want, errs)
		}
	}
	if !strings.Contains(bad.Body, `value="123"`) {
		t.Error("entered value lost")
	}
	for k, v := range map[string]string{"firm_name": "浙江明理律师事务所", "ref_no": "（2026）明律函字第 1 号",
		"contract_date": "2026-01-10", "contract_no": "HT-1", "bank": "工商银行", "account_no": "1001",
		"lawyer_name": "王明", "licence_no": "13301201510123456"} {
		form.Set("field."+k, v)
	}
	ok := b.post("/cases/"+c.ID+"/documents", form)
	loc := ok.Header.Get("Location")
	if ok.Status != http.StatusSeeOther || !strings.Contains(loc, "doc=") {
		t.Fatalf("generate: %d %s\n%s", ok.Status, loc, ok.Body)
	}
	shown := b.get(loc)
	m := regexp.MustCompile(`<iframe src="/api/v1/documents/([0-9a-f]+)/pdf\?inline=1"`).FindStringSubmatch(shown.Body)
	if m == nil {
		t.Fatal("no inline preview of the generated letter")
	}
	pdf := b.get("/api/v1/documents/" + m[1] + "/pdf?inline=1")
	if pdf.Status != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF") {
		t.Fatalf("pdf through the session cookie: %d", pdf.Status)
	}

	// A payment after the letter: the next document started from the one
	// shown keeps what counsel typed but takes the amounts from the ledger,
	// so it never states the old debt beside "payments were applied".
	if _, err := e.rec.AddPayment(context.Background(), e.admin, c.ID, &dossier.Payment{PaidAt: time.Now().Add(-time.Hour),
		Amount: 100000, Method: "bank_transfer"}); err != nil {
		t.Fatal(err)
	}
	again := b.get(loc)
	mustContain(t, "form from the shown letter", again.Body,
		`id="doc-firm_name" name="field.firm_name" type="text" value="浙江明理律师事务所"`,
		`id="doc-principal" name="field.principal" type="text" value="385500.00"`,
		`id="doc-total" name="field.total" type="text" value="385500.00"`,
		`id="doc-paid" name="field.paid" type="text" value="1000.00"`)
}

func TestBundlesAndShares(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0300", "")
	b := e.client()
	b.login("admin")
	png, err := os.ReadFile("../extract/testdata/ocr.png")
	if err != nil {
		t.Fatal(err)
	}
	a := uploaded(t, b, c.ID, "对账单.png", "statement", png)
	z := uploaded(t, b, c.ID, "说明.txt", "other", []byte("对方确认欠款。"))
	tok := b.csrf("/cases/" + c.ID + "/bundles")
	form := url.Values{"csrf": {tok}, "title": {"起诉证据"}, "pick": {"e:" + a, "e:" + z},
		"order.e:" + a: {"2"}, "order.e:" + z: {"1"}, "purpose.e:" + a: {"欠款金额"}}
	bad := b.post("/cases/"+c.ID+"/bundles", form)
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `id="purpose-e:`+z+`-err"`) {
		t.Fatalf("missing purpose not shown by its row: %d", bad.Status)
	}
	form.Set("purpose.e:"+z, "债务人确认")
	ok := b.post("/cases/"+c.ID+"/bundles", form)
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", ok.Status, ok.Body)
	}
	loc := ok.Header.Get("Location")
	page := b.get(loc)
	// The order field decided the exhibit order: the text file is exhibit 1.
	if i, j := strings.Index(page.Body, "说明.txt"), strings.Index(page.Body, "对账单.png"); i < 0 || j < 0 || i > j {
		t.Fatal("exhibit order not the chosen one")
	}
	bid := strings.TrimPrefix(strings.Split(loc, "?")[0], "/bundles/")
	zip := b.get("/bundles/" + bid + "/download")
	if zip.Status != http.StatusOK || !strings.HasPrefix(zip.Body, "PK") {
		t.Fatalf("download: %d", zip.Status)
	}
	tok = b.csrf(loc)
	sh := b.post("/bundles/"+bid+"/shares", url.Values{"csrf": {tok}, "expires": {"2099-01-01"}})
	if sh.Status != http.StatusUnprocessableEntity {
		t.Fatalf("expiry far away: %d", sh.Status)
	}
	sh = b.post("/bundles/"+bid+"/shares", url.Values{"csrf": {tok}, "expires": {e.today(7)}, "max_downloads": {"2"}, "note": {"律所"}})
	if sh.Status != http.StatusSeeOther {
		t.Fatalf("share: %d\n%s", sh.Status, sh.Body)
	}
	once := b.get(sh.Header.Get("Location"))
	m := regexp.MustCompile(`id="share-url" type="text" readonly value="http://dossier.test/s/([^"]+)"`).FindStringSubmatch(once.Body)
	if m == nil {
		t.Fatalf("new link not shown:\n%s", once.Body)
	}
	list := b.get("/bundles/" + bid)
	if strings.Contains(list.Body, m[1]) {
		t.Fatal("the token is shown again after creation")
	}
	sid := regexp.MustCompile(`action="/bundles/` + bid + `/shares/([^/]+)/revoke"`).FindStringSubmatch(list.Body)
	if sid == nil {
		t.Fatal("no revoke button")
	}
	if r := b.post("/bundles/"+bid+"/shares/"+sid[1]+"/revoke", url.Values{"csrf": {tok}}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if body := b.get("/bundles/" + bid).Body; !strings.Contains(body, "已撤销") {
		t.Fatal("revoked link not shown as revoked")
	}
}
