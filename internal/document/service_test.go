package document

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob/disk"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

var (
	admin    = &dossier.Actor{User: &dossier.User{ID: "u-admin", Username: "admin", Role: dossier.RoleAdmin}}
	outsider = &dossier.Actor{User: &dossier.User{ID: "u-firm", Username: "lawfirm", Role: dossier.RoleExternal},
		Grants: map[string]dossier.Access{}}
)

// mustService is the document service over a fresh SQLite store and disk
// blobs, its clock at now; it returns the store to set up cases with.
func mustService(t *testing.T) (*Service, *sqlstore.DB) {
	t.Helper()
	db := testenv.OpenStore(t, filepath.Join(t.TempDir(), "meta.db"))
	blobs, err := disk.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return &Service{Engine: mustEngine(t), Store: db, Blobs: blobs, Now: func() time.Time { return now }}, db
}

// mustCase stores c (testCase when nil) and returns it with its ID.
func mustCase(t *testing.T, db *sqlstore.DB, c *dossier.Case) *dossier.Case {
	t.Helper()
	if c == nil {
		c = testCase()
	}
	c.ID = ""
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCase(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestServiceGetInvisible: a document of a case the caller may not see is
// answered exactly like an ID that does not exist, so a caller cannot learn
// that it exists (API.md: 404 "absent or not visible").
func TestServiceGetInvisible(t *testing.T) {
	s, db := mustService(t)
	ctx := context.Background()
	c := mustCase(t, db, nil)
	d, err := s.Generate(ctx, admin, c.ID, Request{Template: "lawyer_letter", Fields: requestFields["lawyer_letter"]})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, admin, d.ID); err != nil || got.ID != d.ID {
		t.Fatalf("admin: %v", err)
	}
	tests := []struct {
		name  string
		actor *dossier.Actor
		code  string
	}{
		{"ErrOutsider", outsider, dossier.ENOTFOUND},
		{"ErrAnonymous", nil, dossier.EUNAUTHENTICATED},
		{"ErrDisabled", &dossier.Actor{User: &dossier.User{ID: "u-off", Role: dossier.RoleAdmin, Disabled: true}}, dossier.EUNAUTHENTICATED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, real := s.Get(ctx, tt.actor, d.ID)
			_, absent := s.Get(ctx, tt.actor, "0000000000000000000000000000dead")
			_, _, opened := s.Open(ctx, tt.actor, d.ID)
			for _, err := range []error{real, absent, opened} {
				if dossier.ErrorCode(err) != tt.code {
					t.Errorf("code %q (%v), want %q", dossier.ErrorCode(err), err, tt.code)
				}
			}
			if dossier.ErrorMessage(real) != dossier.ErrorMessage(absent) || dossier.ErrorMessage(opened) != dossier.ErrorMessage(absent) {
				t.Errorf("an invisible document answers %q, an absent one %q (open: %q)",
					dossier.ErrorMessage(real), dossier.ErrorMessage(absent), dossier.ErrorMessage(opened))
			}
		})
	}
}

// TestServiceToday: "today" — a filing's due-date condition, the letter's
// date and days overdue — is the business day in the configured zone
// (DOSSIER_TZ, China when unset), not the host's. At 17:00 UTC on 1 March it
// is already 2 March in Shanghai.
func TestServiceToday(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	utcEvening := time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		loc      *time.Location
		due      bool   // the debt due on 1 March counts as due
		overdue  string // days_overdue of a debt due on 31 January
		printed  string
		printedE string
	}{
		{"OKShanghai", shanghai, true, "30", "2026年3月2日", "2 March 2026"},
		{"OKUnsetIsChina", nil, true, "30", "2026年3月2日", "2 March 2026"},
		{"OKUTC", time.UTC, false, "29", "2026年3月1日", "1 March 2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, db := mustService(t)
			s.Location = tt.loc
			s.Now = func() time.Time { return utcEvening }
			ctx := context.Background()
			c := testCase()
			c.DueDate = dossier.NewDate(2026, 3, 1)
			c = mustCase(t, db, c)
			r, err := s.Readiness(ctx, admin, c.ID, "payment_order_application")
			if err != nil {
				t.Fatal(err)
			}
			notDue := false
			for _, m := range r.Missing {
				notDue = notDue || m.Kind == "due"
			}
			if notDue == tt.due {
				t.Errorf("debt due 1 March counted as due: %v, want %v", !notDue, tt.due)
			}
			c2 := testCase()
			c2.Number, c2.DueDate = "AR-2026-018", dossier.NewDate(2026, 1, 31)
			c2 = mustCase(t, db, c2)
			for lang, want := range map[string]string{"zh-CN": tt.printed, "en": tt.printedE} {
				d, err := s.Generate(ctx, admin, c2.ID, Request{Template: "lawyer_letter", Lang: lang, Fields: requestFields["lawyer_letter"]})
				if err != nil {
					t.Fatal(err)
				}
				if d.Fields["days_overdue"] != tt.overdue {
					t.Errorf("%s: days_overdue %s, want %s", lang, d.Fields["days_overdue"], tt.overdue)
				}
				if txt := docText(t, s, d); !strings.Contains(strings.Join(strings.Fields(txt), " "), want) {
					t.Errorf("%s: letter not dated %s:\n%s", lang, want, txt)
				}
			}
		})
	}
}

// pdfText returns the text of a stored document's PDF.
func docText(t *testing.T, s *Service, d *dossier.Document) string {
	t.Helper()
	_, rc, err := s.Open(context.Background(), admin, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return pdfText(t, b)
}

// mustPay records payments (amounts in fen; a negative one reverses the
// payment before it) in the case's ledger.
func mustPay(t *testing.T, db *sqlstore.DB, caseID string, amounts ...dossier.Money) {
	t.Helper()
	var last string
	for i, a := range amounts {
		p := &dossier.Payment{ID: dossier.NewID(), CaseID: caseID, PaidAt: now.Add(-time.Duration(len(amounts)-i) * time.Hour),
			Amount: a, Method: "bank_transfer", Flags: []string{}, CreatedBy: "u-admin", CreatedAt: now}
		if a < 0 {
			p.Reverses, p.Reason = last, "entered twice"
		}
		if err := db.AddPayment(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		last = p.ID
	}
}

// TestGenerateOwed: the amounts a document states by default are what the
// debtor still owes after the payments ledger, applied to interest before
// principal (Civil Code art. 561), and they add up; what the caller gives
// wins. The test case owes 386,500.00 principal and 12,500.50 interest.
func TestGenerateOwed(t *testing.T) {
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	letter, order, plan := requestFields["lawyer_letter"], requestFields["payment_order_application"], requestFields["installment_agreement"]
	tests := []struct {
		name, tmpl string
		paid       []dossier.Money
		fields     map[string]string
		want       map[string]string // resolved fields; "" means absent
		text       []string          // in the zh-CN PDF, spaces removed
	}{
		{"OKNothingPaid", "lawyer_letter", nil, letter,
			map[string]string{"principal": "386500.00", "interest": "12500.50", "total": "399000.50", "paid": ""}, nil},
		{"OKLetterInterestFirst", "lawyer_letter", []dossier.Money{1000000}, letter,
			map[string]string{"principal": "386500.00", "interest": "2500.50", "total": "389000.50", "paid": "10000.00"},
			[]string{"¥389,000.50", "¥2,500.50", "已支付的¥10,000.00", "第五百六十一条"}},
		{"OKLetterThenPrincipal", "lawyer_letter", []dossier.Money{30000000}, letter,
			map[string]string{"principal": "99000.50", "interest": "", "total": "99000.50", "paid": "300000.00"},
			[]string{"尚欠货款本金¥99,000.50", "支付欠款合计¥99,000.50", "玖万玖仟元零伍角整"}},
		{"OKReversed", "lawyer_letter", []dossier.Money{30000000, -30000000}, letter,
			map[string]string{"principal": "386500.00", "interest": "12500.50", "total": "399000.50", "paid": ""}, nil},
		{"OKPaymentOrder", "payment_order_application", []dossier.Money{30000000}, order,
			map[string]string{"claim_amount": "99000.50", "principal": "99000.50", "interest": "", "paid": "300000.00"},
			[]string{"支付¥99,000.50", "其中货款本金¥99,000.50", "已支付¥300,000.00"}},
		{"OKPaymentOrderWithInterest", "payment_order_application", []dossier.Money{500000}, order,
			map[string]string{"claim_amount": "394000.50", "principal": "386500.00", "interest": "7500.50"}, nil},
		{"OKInstallment", "installment_agreement", []dossier.Money{30000000}, plan,
			map[string]string{"debt_total": "99000.50"}, []string{"共计¥99,000.50"}},
		{"OKCallerAmountsWin", "payment_order_application", []dossier.Money{30000000},
			with(order, "claim_amount", "120000.00", "principal", "100000.00", "interest", "20000.00"),
			map[string]string{"claim_amount": "120000.00", "principal": "100000.00", "interest": "20000.00"}, nil},
		{"OKTotalFollowsCallerParts", "lawyer_letter", []dossier.Money{1000000}, with(letter, "principal", "300000.00"),
			map[string]string{"principal": "300000.00", "interest": "2500.50", "total": "302500.50"}, nil},
		{"OKCallerTotalMatchesLedger", "payment_order_application", []dossier.Money{30000000}, with(order, "claim_amount", "99,000.50"),
			map[string]string{"claim_amount": "99000.50", "principal": "99000.50"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, db := mustService(t)
			c := mustCase(t, db, nil)
			mustPay(t, db, c.ID, tt.paid...)
			d, err := s.Generate(context.Background(), admin, c.ID, Request{Template: tt.tmpl, Fields: tt.fields})
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.want {
				if d.Fields[k] != v {
					t.Errorf("%s = %q, want %q", k, d.Fields[k], v)
				}
			}
			if len(tt.text) > 0 {
				flat := strings.Join(strings.Fields(docText(t, s, d)), "")
				for _, want := range tt.text {
					if !strings.Contains(flat, want) {
						t.Errorf("text lacks %q:\n%s", want, flat)
					}
				}
			}
		})
	}
	bad := []struct {
		name, tmpl string
		paid       []dossier.Money
		fields     map[string]string
		field, msg string
	}{
		{"ErrClaimNotSum", "payment_order_application", nil, with(order, "claim_amount", "258467.00"),
			"claim_amount", "must equal principal + interest (386,500.00 + 12,500.50 = 399,000.50)"},
		{"ErrClaimBelowPrincipal", "payment_order_application", nil,
			with(order, "claim_amount", "1000.00", "principal", "2000.00", "interest", "0.01"), "claim_amount", "must equal principal + interest"},
		{"ErrLetterTotalNotSum", "lawyer_letter", []dossier.Money{1000000}, with(letter, "total", "399000.50"),
			"total", "must equal principal + interest (386,500.00 + 2,500.50 = 389,000.50)"},
		{"ErrPaidInFull", "lawyer_letter", []dossier.Money{39900050}, letter, "principal", "nothing is owed"},
		{"ErrPaidInFullOrder", "payment_order_application", []dossier.Money{40000000}, order, "claim_amount", "nothing is owed"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			s, db := mustService(t)
			c := mustCase(t, db, nil)
			mustPay(t, db, c.ID, tt.paid...)
			_, err := s.Generate(context.Background(), admin, c.ID, Request{Template: tt.tmpl, Fields: tt.fields})
			if dossier.ErrorCode(err) != dossier.EINVALID {
				t.Fatalf("%v, want invalid", err)
			}
			found := false
			for _, f := range dossier.ErrorFields(err) {
				found = found || f.Field == tt.field && strings.Contains(f.Message, tt.msg)
			}
			if !found {
				t.Errorf("fields %v do not say %s %q", dossier.ErrorFields(err), tt.field, tt.msg)
			}
		})
	}
}

// TestReadinessOwed: a payment order needs an amount still owed; a case
// whose ledger covers the debt is not ready, whatever evidence it has.
func TestReadinessOwed(t *testing.T) {
	for _, tt := range []struct {
		name  string
		paid  []dossier.Money
		owing bool
	}{
		{"OKPartlyPaid", []dossier.Money{30000000}, true},
		{"ErrPaidInFull", []dossier.Money{30000000, 9900050}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, db := mustService(t)
			c := mustCase(t, db, nil)
			mustPay(t, db, c.ID, tt.paid...)
			r, err := s.Readiness(context.Background(), admin, c.ID, "payment_order_application")
			if err != nil {
				t.Fatal(err)
			}
			missing := false
			for _, m := range r.Missing {
				missing = missing || m.Kind == "amount" && m.Required
			}
			if missing == tt.owing {
				t.Errorf("amount missing: %v, want %v (%+v)", missing, !tt.owing, r.Missing)
			}
		})
	}
}

// TestServicePrefill: a form is pre-filled with what Generate would use,
// the amounts after the ledger, and only for a caller who may see the case.
func TestServicePrefill(t *testing.T) {
	s, db := mustService(t)
	ctx := context.Background()
	c := mustCase(t, db, nil)
	mustPay(t, db, c.ID, 30000000)
	got, err := s.Prefill(ctx, admin, c.ID, "payment_order_application", "zh-CN")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"claim_amount": "99000.50", "principal": "99000.50", "interest": "", "paid": "300000.00",
		"debtor_kind": "company", "interest_to": "2026-07-20"} {
		if got[k] != want {
			t.Errorf("%s: %q, want %q", k, got[k], want)
		}
	}
	d, err := s.Generate(ctx, admin, c.ID, Request{Template: "payment_order_application", Fields: requestFields["payment_order_application"]})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range got {
		if d.Fields[k] != v {
			t.Errorf("prefill %s=%q, generated %q", k, v, d.Fields[k])
		}
	}
	if _, err := s.Prefill(ctx, outsider, c.ID, "payment_order_application", "zh-CN"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
		t.Errorf("outsider: %v, want not found", err)
	}
}
