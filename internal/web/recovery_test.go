package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// caseDue creates a case whose debt fell due on due, so its limitation
// deadline is three years later.
func (e *env) caseDue(number, title string, due time.Time) *dossier.Case {
	e.t.Helper()
	c, err := e.cases.Create(context.Background(), e.admin, &dossier.Case{Number: number, Title: title,
		Creditor: dossier.Party{Name: "杭州甲公司"}, Debtor: dossier.Party{Name: "宁波乙公司"},
		Principal: 12000000, DueDate: dossier.DateOf(due)})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// nearDeadline is a due date whose three-year limitation period ends in
// about days days.
func nearDeadline(days int) time.Time { return time.Now().AddDate(-3, 0, days) }

func mustContain(t *testing.T, what, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(body, s) {
			t.Fatalf("%s lacks %q", what, s)
		}
	}
}

// The case page's payments and plans: the forms post through the recovery
// service, errors show by their field, user text is escaped, a reversal
// keeps the original entry, and a defaulted plan links to a pre-filled
// payment-order application.
func TestCasePaymentsAndPlans(t *testing.T) {
	e := newEnv(t, false)
	c := e.caseDue("2026-HZ-0500", `<script>alert("t")</script>`, time.Now().AddDate(0, 0, -120))
	e.user("counsel-a", dossier.RoleCounsel)
	b := e.client()
	b.login("counsel-a")
	receipt := uploaded(t, b, c.ID, "回单.txt", "other", []byte("银行回单"))
	page := b.get("/cases/" + c.ID)
	tok := csrfRE.FindStringSubmatch(page.Body)[1]
	mustContain(t, "case page", page.Body, `id="payments"`, `id="payment-form"`, `id="plans"`, `id="plan-form"`,
		`id="f-interruption"`, `<option value="`+receipt+`"`, `id="limitation-basis"`)
	if strings.Contains(page.Body, `<script>alert`) {
		t.Fatal("case title not escaped")
	}

	t.Run("ErrBadAmount", func(t *testing.T) {
		p := b.post("/cases/"+c.ID+"/payments", url.Values{"csrf": {tok}, "paid_at": {e.today(0)}, "amount": {"12,00x"}})
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.Status)
		}
		mustContain(t, "refused form", p.Body, `id="f-pay-amount" name="amount" type="text" value="12,00x"`,
			`aria-describedby="f-pay-amount-err"`, `id="f-pay-amount-err"`)
		// The error belongs to the payment form only.
		if strings.Contains(p.Body, `id="f-plan-total-err"`) || strings.Contains(p.Body, `id="f-amount-err"`) {
			t.Fatal("the error shows on another form too")
		}
	})
	t.Run("ErrServiceField", func(t *testing.T) {
		// The service's 422 field list (a future date) lands next to its input.
		p := b.post("/cases/"+c.ID+"/payments", url.Values{"csrf": {tok}, "paid_at": {e.today(3)}, "amount": {"100"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-pay-paid-at-err"`) {
			t.Fatalf("status %d, no paid_at error", p.Status)
		}
	})
	t.Run("ErrNoCSRF", func(t *testing.T) {
		for _, path := range []string{"/payments", "/payments/reverse", "/plans"} {
			p := b.post("/cases/"+c.ID+path, url.Values{"paid_at": {e.today(0)}, "amount": {"100"}, "total": {"300"},
				"installments": {"3"}, "first_due_date": {e.today(10)}})
			if p.Status != http.StatusForbidden {
				t.Fatalf("%s without token: %d", path, p.Status)
			}
		}
	})

	p := b.post("/cases/"+c.ID+"/payments", url.Values{"csrf": {tok}, "paid_at": {e.today(0)}, "amount": {"1000.00"},
		"method": {"cash"}, "reference": {"<b>FLOW-1</b>"}, "evidence_id": {receipt}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("payment: %d %s", p.Status, p.Body)
	}
	pays, err := e.rec.Payments(context.Background(), e.admin, c.ID)
	if err != nil || len(pays) != 1 || pays[0].Amount != 100000 || pays[0].EvidenceID != receipt {
		t.Fatalf("ledger %v %v", pays, err)
	}
	page = b.get("/cases/" + c.ID)
	mustContain(t, "ledger", page.Body, "&lt;b&gt;FLOW-1&lt;/b&gt;", `href="/evidence/`+receipt+`"`, `name="reverses" value="`+pays[0].ID+`"><input type="hidden" name="amount" value="1000.00">`)

	t.Run("ErrReverseWithoutReason", func(t *testing.T) {
		p := b.post("/cases/"+c.ID+"/payments/reverse", url.Values{"csrf": {tok}, "reverses": {pays[0].ID}, "amount": {"1000.00"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="rev-reason-`+pays[0].ID+`-err"`) {
			t.Fatalf("status %d, no error by the row", p.Status)
		}
	})
	p = b.post("/cases/"+c.ID+"/payments/reverse", url.Values{"csrf": {tok}, "reverses": {pays[0].ID}, "amount": {"1000.00"},
		"method": {"cash"}, "reason": {"<i>重复登记</i>"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("reverse: %d %s", p.Status, p.Body)
	}
	page = b.get("/cases/" + c.ID)
	mustContain(t, "reversed ledger", page.Body, "已冲正", "&lt;i&gt;重复登记&lt;/i&gt;", "FLOW-1")
	if strings.Contains(page.Body, `name="reverses" value="`+pays[0].ID+`"`) {
		t.Fatal("a reversed payment still offers a reversal")
	}

	t.Run("ErrPlanFields", func(t *testing.T) {
		p := b.post("/cases/"+c.ID+"/plans", url.Values{"csrf": {tok}, "total": {"3000"}, "installments": {"three"}})
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.Status)
		}
		mustContain(t, "plan form", p.Body, `id="f-plan-installments-err"`)
		p = b.post("/cases/"+c.ID+"/plans", url.Values{"csrf": {tok}, "total": {"3000"}, "installments": {"3"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-plan-first-due-date-err"`) {
			t.Fatalf("service's first_due_date error not by its field: %d", p.Status)
		}
	})
	// Agreed 100 days ago, first due 90 days ago, nothing paid: missed, so
	// the plan is in default; with no written demand it is not accelerated
	// and no application for the whole balance is offered.
	p = b.post("/cases/"+c.ID+"/plans", url.Values{"csrf": {tok}, "total": {"3000.00"}, "installments": {"3"},
		"agreed_on": {e.today(-100)}, "first_due_date": {e.today(-90)}, "evidence_id": {receipt}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("plan: %d %s", p.Status, p.Body)
	}
	page = b.get("/cases/" + c.ID)
	mustContain(t, "plans", page.Body, "已违约", `class="badge s-missed"`, "须在该日或之后发出书面催告并送达")
	if strings.Contains(page.Body, "全部剩余款项已到期") || strings.Contains(page.Body, "正常履行") ||
		strings.Contains(page.Body, `id="payment-order-`) {
		t.Fatal("a defaulted plan with no written demand shown as accelerated, on schedule or with a payment-order link")
	}
	// A demand letter served ten days ago, per the courier's record, and
	// left unpaid for the seven days it gives: the whole balance is due.
	served := time.Now().AddDate(0, 0, -10)
	ems := &dossier.Evidence{CaseID: c.ID, Kind: "other", Title: "EMS 妥投证明", Description: "催告函已由债务人签收",
		Filename: "ems.pdf", MediaType: "application/pdf", Size: 1, SHA256: dossier.NewID(), TextStatus: dossier.TextNone,
		OccurredAt: &served, CreatedAt: time.Now()}
	if err := e.store.CreateEvidence(context.Background(), ems); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cases.AddCommunication(context.Background(), e.admin, c.ID, &dossier.Communication{OccurredAt: served,
		Channel: "letter", Summary: "书面催告", Interruption: "demand", EvidenceIDs: []string{ems.ID}}); err != nil {
		t.Fatal(err)
	}
	page = b.get("/cases/" + c.ID)
	mustContain(t, "accelerated plan", page.Body, "全部剩余款项已到期")
	link := regexp.MustCompile(`href="(/cases/` + c.ID + `/documents\?[^"]+)" id="payment-order-`).FindStringSubmatch(page.Body)
	if link == nil {
		t.Fatal("no payment-order link on a defaulted plan")
	}
	href := strings.ReplaceAll(link[1], "&amp;", "&")
	mustContain(t, "payment-order link", href, "template=payment_order_application", "field.claim_amount=3000.00")
	docs := b.get(strings.Split(href, "#")[0])
	if docs.Status != http.StatusOK {
		t.Fatalf("documents page: %d", docs.Status)
	}
	mustContain(t, "payment-order form", docs.Body, `name="field.claim_amount" type="text" value="3000.00"`)

	t.Run("Interruption", func(t *testing.T) {
		p := b.post("/cases/"+c.ID+"/communications", url.Values{"csrf": {tok}, "occurred_at": {time.Now().Add(-time.Hour).Format("2006-01-02T15:04")},
			"channel": {"phone"}, "summary": {"对方确认欠款"}, "interruption": {"acknowledgment"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("communication: %d %s", p.Status, p.Body)
		}
		mustContain(t, "limitation basis", b.get("/cases/"+c.ID).Body, "债务人承认债务")
		bad := b.post("/cases/"+c.ID+"/communications", url.Values{"csrf": {tok}, "occurred_at": {"2026-01-02T10:00"},
			"channel": {"phone"}, "summary": {"x"}, "interruption": {"maybe"}})
		if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `aria-invalid="true" aria-describedby="f-interruption-hint"`) &&
			!strings.Contains(bad.Body, `name="interruption" aria-describedby="f-interruption-hint" aria-invalid="true"`) {
			t.Fatalf("bad interruption: %d", bad.Status)
		}
	})

	t.Run("Dashboard", func(t *testing.T) {
		d := b.get("/dashboard")
		if d.Status != http.StatusOK {
			t.Fatalf("dashboard: %d", d.Status)
		}
		mustContain(t, "dashboard", d.Body, `href="/dashboard" aria-current="page"`, `href="/cases/`+c.ID+`#plan-`,
			`class="badge b-warning"`, `href="/dashboard.csv"`)
		if strings.Count(d.Body, "<script") != 1 {
			t.Fatal("dashboard carries a script other than app.js")
		}
		csv := b.get("/dashboard.csv")
		if csv.Status != http.StatusOK || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(csv.Body, "section,key,currency") || !strings.Contains(csv.Body, "missed_installment,") {
			t.Fatalf("csv: %d %s\n%s", csv.Status, csv.Header.Get("Content-Type"), csv.Body)
		}
	})
}

// An outside firm's dashboard and limitation filter hold only its granted
// case, though both cases are near their deadline.
func TestRecoveryVisibility(t *testing.T) {
	e := newEnv(t, false)
	granted := e.caseDue("2026-NB-0001", "已授权", nearDeadline(20))
	hidden := e.caseDue("2026-NB-0002", "保密", nearDeadline(10))
	far := e.caseDue("2026-NB-0003", "远期", time.Now().AddDate(0, 0, -10))
	firm := e.user("firm-b", dossier.RoleExternal)
	if _, err := e.acc.Grant(context.Background(), e.admin, granted.ID, firm.ID, dossier.AccessRead); err != nil {
		t.Fatal(err)
	}
	e.user("counsel-b", dossier.RoleCounsel)
	fb, cb := e.client(), e.client()
	fb.login("firm-b")
	cb.login("counsel-b")

	tests := []struct {
		name      string
		b         *client
		path      string
		want, not []string
	}{
		{"FirmDashboard", fb, "/dashboard", []string{granted.Number}, []string{hidden.Number, hidden.ID}},
		{"FirmCSV", fb, "/dashboard.csv", []string{granted.ID}, []string{hidden.Number, hidden.ID}},
		{"FirmWithin30", fb, "/cases?limitation_within=30", []string{granted.Number, `<option value="30" selected>`}, []string{hidden.Number, far.Number}},
		{"CounselWithin30", cb, "/cases?limitation_within=30", []string{granted.Number, hidden.Number}, []string{far.Number}},
		{"CounselWithin180Bucket", cb, "/cases?limitation_within=180&stage=closed", []string{"没有符合条件的案件"}, []string{granted.Number}},
		{"CounselDashboard", cb, "/dashboard", []string{granted.Number, hidden.Number}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.b.get(tt.path)
			if p.Status != http.StatusOK {
				t.Fatalf("status %d", p.Status)
			}
			mustContain(t, tt.path, p.Body, tt.want...)
			for _, s := range tt.not {
				if strings.Contains(p.Body, s) {
					t.Fatalf("%s shows %q", tt.path, s)
				}
			}
		})
	}
	t.Run("ErrWithin", func(t *testing.T) {
		if p := cb.get("/cases?limitation_within=abc"); p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.Status)
		}
	})
}

// Disabling a user signs it out at once; only an admin may, and only with
// the form's token.
func TestAdminDisablesUser(t *testing.T) {
	e := newEnv(t, false)
	e.user("firm-c", dossier.RoleExternal)
	e.user("counsel-c", dossier.RoleCounsel)
	firm, counsel, admin := e.client(), e.client(), e.client()
	firm.login("firm-c")
	counsel.login("counsel-c")
	admin.login("admin")
	tok := admin.csrf("/admin")
	mustContain(t, "admin page", admin.get("/admin").Body, `id="toggle-firm-c"`)

	if p := admin.post("/admin/users/disabled", url.Values{"username": {"firm-c"}, "disabled": {"true"}}); p.Status != http.StatusForbidden {
		t.Fatalf("without token: %d", p.Status)
	}
	ctok := counsel.csrf("/cases")
	if p := counsel.post("/admin/users/disabled", url.Values{"csrf": {ctok}, "username": {"firm-c"}, "disabled": {"true"}}); p.Status != http.StatusForbidden {
		t.Fatalf("counsel: %d", p.Status)
	}
	if p := firm.get("/cases"); p.Status != http.StatusOK {
		t.Fatalf("a refused post disabled the user: %d", p.Status)
	}
	if p := admin.post("/admin/users/disabled", url.Values{"csrf": {tok}, "username": {"firm-c"}, "disabled": {"true"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", p.Status, p.Body)
	}
	if p := firm.get("/cases"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/login") {
		t.Fatalf("disabled user still signed in: %d", p.Status)
	}
	mustContain(t, "admin page", admin.get("/admin?ok=disabled").Body, "用户已停用", `name="disabled" value="false"`)
	if p := admin.post("/admin/users/disabled", url.Values{"csrf": {tok}, "username": {"firm-c"}, "disabled": {"false"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("enable: %d", p.Status)
	}
	again := e.client()
	again.login("firm-c")
}

// The limitation basis explains itself in the page's language: the engine
// writes its notes in English for the API, the Chinese page words them in
// Chinese.
func TestLimitationNotesInPageLanguage(t *testing.T) {
	e := newEnv(t, false)
	c := e.caseDue("2026-HZ-0510", "时效说明", time.Now().AddDate(0, 0, -30))
	e.user("counsel-a", dossier.RoleCounsel)
	b := e.client()
	b.login("counsel-a")
	tok := csrfRE.FindStringSubmatch(b.get("/cases/" + c.ID).Body)[1]
	p := b.post("/cases/"+c.ID+"/communications", url.Values{"csrf": {tok},
		"occurred_at": {time.Now().Add(-time.Hour).Format("2006-01-02T15:04")}, "channel": {"phone"},
		"summary": {"电话催款"}, "interruption": {"demand"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("communication: %d %s", p.Status, p.Body)
	}
	tests := []struct {
		name, lang string
		want, not  []string
	}{
		{"OK", "zh-CN", []string{"履行期限届满日：诉讼时效期间自次日起算（《民法典》第一百八十八条、第二百零一条）", "该沟通记录未引用任何证据"},
			[]string{"the period runs from the day after", "cites no evidence"}},
		{"English", "en", []string{"due date: the period runs from the day after (arts. 188, 201)", "the communication cites no evidence"},
			[]string{"诉讼时效期间自次日起算", "该沟通记录未引用任何证据"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := b.post("/lang", url.Values{"csrf": {tok}, "lang": {tt.lang}, "back": {"/"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("language switch: %d", r.Status)
			}
			body := b.get("/cases/" + c.ID).Body
			mustContain(t, tt.lang+" case page", body, tt.want...)
			for _, s := range tt.not {
				if strings.Contains(body, s) {
					t.Errorf("%s case page shows %q", tt.lang, s)
				}
			}
		})
	}
}
