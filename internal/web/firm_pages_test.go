package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// An outside firm with a read grant opens the bundle counsel built for it
// and downloads the ZIP; the page is in the firm's language throughout
// (the Merkle root's label was English on Chinese pages), and offers the
// firm no form that it may not use.
func TestFirmBundlePage(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0711", "")
	admin := e.client()
	admin.login("admin")
	bid := newBundle(t, admin, c.ID, "卷宗", map[string][]byte{"a.txt": []byte("contract 拖欠货款")})
	firm := e.user("firm-r", dossier.RoleExternal)
	if err := e.store.PutGrant(context.Background(), &dossier.Grant{CaseID: c.ID, UserID: firm.ID, Access: dossier.AccessRead,
		CreatedBy: e.admin.User.ID, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	b := e.client()
	b.login("firm-r")
	p := b.get("/bundles/" + bid)
	m := mainOf(p.Body)
	if p.Status != http.StatusOK || !strings.Contains(m, "Merkle 根哈希") || strings.Contains(m, "Merkle root") {
		t.Fatalf("zh bundle page: %d\n%s", p.Status, m)
	}
	if strings.Contains(m, "<form") {
		t.Errorf("a read-only firm is offered a form on the bundle page:\n%s", m)
	}
	res, err := b.http.Get(e.srv.URL + "/bundles/" + bid + "/download")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("download: %d", res.StatusCode)
	}
	if _, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
		t.Fatalf("download is not a ZIP: %v", err)
	}

	if r := b.post("/lang", url.Values{"csrf": {b.csrf("/cases")}, "lang": {"en"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("lang: %d", r.Status)
	}
	m = mainOf(b.get("/bundles/" + bid).Body)
	if !strings.Contains(m, "Merkle root") || anyHan.MatchString(strings.ReplaceAll(strings.ReplaceAll(m, "卷宗", ""), "证明a.txt", "")) {
		t.Errorf("en bundle page:\n%s", m)
	}
}

// What a payment-order application still lacks is listed in the page's
// language for everyone who may open the documents page, the auditor too.
func TestReadinessInPageLanguage(t *testing.T) {
	e := newEnv(t, false)
	c, err := e.cases.Create(context.Background(), e.admin, &dossier.Case{Number: "2026-HZ-0712",
		Creditor: dossier.Party{Name: "杭州甲公司"}, Debtor: dossier.Party{Name: "宁波乙公司"},
		Principal: 100000, Interest: 500, DueDate: dossier.DateOf(time.Now().AddDate(0, 0, -40))})
	if err != nil {
		t.Fatal(err)
	}
	e.user("auditor-r", dossier.RoleAuditor)
	b := e.client()
	b.login("auditor-r")
	p := b.get("/cases/" + c.ID + "/documents?template=payment_order_application")
	i, j := strings.Index(p.Body, `id="readiness"`), strings.Index(p.Body, `</ul></div>`)
	if p.Status != http.StatusOK || i < 0 || j < i {
		t.Fatalf("no readiness on the page: %d", p.Status)
	}
	r := p.Body[i:j]
	for _, en := range []string{"debtor_address", "contract_interest", "acknowledgment", "proof the creditor performed", "record the debtor"} {
		if strings.Contains(r, en) {
			t.Errorf("Chinese readiness shows %q:\n%s", en, r)
		}
	}
	if !strings.Contains(r, "债务人住所") || !strings.Contains(r, "请录入债务人住所") {
		t.Errorf("Chinese readiness lacks the debtor's domicile:\n%s", r)
	}
}

// A bundle asked for with an exhibit the pick table does not list (not of
// this case, or gone since the page was loaded) says what is wrong with it;
// it used to say only "fix the marked fields" with no field marked. The
// answer is the same for another case's evidence as for none at all.
func TestBundleLostExhibitIsSaid(t *testing.T) {
	e := newEnv(t, false)
	mine := e.newCase("2026-HZ-0713", "")
	other := e.newCase("2026-HZ-0714", "")
	admin := e.client()
	admin.login("admin")
	foreign := uploaded(t, admin, other.ID, "secret.txt", "contract", []byte("secret contract"))
	firm := e.user("firm-w", dossier.RoleExternal)
	if err := e.store.PutGrant(context.Background(), &dossier.Grant{CaseID: mine.ID, UserID: firm.ID, Access: dossier.AccessWrite,
		CreatedBy: e.admin.User.ID, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	b := e.client()
	b.login("firm-w")
	tok := b.csrf("/cases/" + mine.ID + "/bundles")
	say := func(id string) string {
		r := b.post("/cases/"+mine.ID+"/bundles", url.Values{"csrf": {tok}, "title": {"卷宗"}, "pick": {"e:" + id}, "purpose.e:" + id: {"证明"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bundle with %s: %d", id, r.Status)
		}
		i := strings.Index(r.Body, `role="alert">`)
		if i < 0 {
			t.Fatalf("bundle with %s: no problem on the page", id)
		}
		msg := r.Body[i+len(`role="alert">`):]
		return strings.ReplaceAll(msg[:strings.Index(msg, "<")], id, "ID")
	}
	got, absent := say(foreign), say("0000000000000000000000000000dead")
	if !strings.Contains(got, "证据") || strings.Contains(got, "标出") || strings.Contains(got, "not found") {
		t.Errorf("another case's evidence: the page says %q", got)
	}
	if got != absent {
		t.Errorf("another case's evidence (%q) is told apart from none (%q)", got, absent)
	}
}

// The firm reading a case's documents sees each one's language as a word
// in its own language, not the code zh-CN.
func TestDocumentLanguageNamed(t *testing.T) {
	e := newEnv(t, false)
	c := e.newCase("2026-HZ-0715", "")
	admin := e.client()
	admin.login("admin")
	form := url.Values{"csrf": {admin.csrf("/cases/" + c.ID + "/documents")}, "template": {"lawyer_letter"}, "lang": {"zh-CN"}}
	for k, v := range map[string]string{"firm_name": "浙江明理律师事务所", "ref_no": "（2026）明律函字第 2 号",
		"contract_date": "2026-01-10", "contract_no": "HT-2", "bank": "工商银行", "account_no": "1001",
		"lawyer_name": "王明", "licence_no": "13301201510123456"} {
		form.Set("field."+k, v)
	}
	if r := admin.post("/cases/"+c.ID+"/documents", form); r.Status != http.StatusSeeOther {
		t.Fatalf("generate: %d\n%s", r.Status, r.Body)
	}
	firm := e.user("firm-d", dossier.RoleExternal)
	if err := e.store.PutGrant(context.Background(), &dossier.Grant{CaseID: c.ID, UserID: firm.ID, Access: dossier.AccessRead,
		CreatedBy: e.admin.User.ID, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	b := e.client()
	b.login("firm-d")
	p := b.get("/cases/" + c.ID + "/documents")
	if p.Status != http.StatusOK || strings.Contains(p.Body, "<td>zh-CN</td>") || !strings.Contains(p.Body, "<td>中文</td>") {
		i := strings.Index(p.Body, "<tbody>")
		t.Errorf("documents list: %d\n%.600s", p.Status, p.Body[max(i, 0):])
	}
	if r := b.post("/lang", url.Values{"csrf": {b.csrf("/cases")}, "lang": {"en"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("lang: %d", r.Status)
	}
	if p := b.get("/cases/" + c.ID + "/documents"); !strings.Contains(p.Body, "<td>Chinese</td>") {
		t.Error("English documents list does not name the language Chinese")
	}
}
