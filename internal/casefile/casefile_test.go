package casefile_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
)

var admin = &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}

func mustStore(t *testing.T) *sqlstore.DB {
	t.Helper()
	store, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

func newCase(t *testing.T, svc *casefile.Service) *dossier.Case {
	t.Helper()
	c, err := svc.Create(context.Background(), admin, &dossier.Case{Number: "2026-HZ-0042", Title: "货款纠纷",
		Creditor: dossier.Party{Name: "杭州甲科技有限公司"},
		Debtor: dossier.Party{Name: "宁波乙贸易有限公司", Kind: dossier.PartyCompany, IDNumber: "91330200MA2AAAAA1X",
			Phone: "13812345678"},
		Principal: 38650000, DueDate: dossier.NewDate(2026, 1, 31)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// "Today" is the business day in the configured zone, not the host's: at
// 01:00 on 2 March in Shanghai (17:00 UTC on 1 March) a case due 31 January
// is 30 days overdue and in the attention bucket, for one case, for the
// list and for its bucket filter alike.
func TestTodayInConfiguredZone(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		svc    *casefile.Service
		days   int
		bucket dossier.Bucket
	}{
		{name: "OKShanghai", svc: &casefile.Service{Now: now, Location: shanghai}, days: 30, bucket: dossier.BucketAttention},
		{name: "OKComplianceZone", svc: &casefile.Service{Now: now,
			Compliance: &casefile.Compliance{Location: shanghai, StartHour: 8, EndHour: 21}}, days: 30, bucket: dossier.BucketAttention},
		{name: "OKUTC", svc: &casefile.Service{Now: now, Location: time.UTC}, days: 29, bucket: dossier.BucketNormal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			tc.svc.Store = mustStore(t)
			c := newCase(t, tc.svc)
			got, err := tc.svc.Get(ctx, admin, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.DaysOverdue != tc.days || got.Bucket != tc.bucket {
				t.Errorf("case: %d days, bucket %s; want %d, %s", got.DaysOverdue, got.Bucket, tc.days, tc.bucket)
			}
			items, _, _, err := tc.svc.List(ctx, admin, casefile.Filter{Bucket: string(tc.bucket)})
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 1 || items[0].DaysOverdue != tc.days {
				t.Errorf("bucket=%s lists %d cases", tc.bucket, len(items))
			}
		})
	}
}

// A case edit's audit event says which fields changed, old → new; personal
// particulars (ID number, address, phone) are named but their values are
// kept out of the append-only trail.
func TestUpdateAuditDetail(t *testing.T) {
	num, title, principal := "2026-HZ-0099", strings.Repeat("长", 150), dossier.Money(30000000)
	due, stage := dossier.NewDate(2026, 2, 28), dossier.StageLawyerLetter
	debtor := dossier.Party{Name: "温州丙实业有限公司", Kind: dossier.PartyCompany, IDNumber: "91330300MA2BBBBB2Y",
		Phone: "13987654321"}
	tests := []struct {
		name      string
		patch     dossier.CasePatch
		want, not []string
	}{
		{name: "OKNumberAndMoney", patch: dossier.CasePatch{Number: &num, Principal: &principal, DueDate: &due},
			want: []string{`number "2026-HZ-0042" → "2026-HZ-0099"`, "principal 386500.00 → 300000.00",
				"due_date 2026-01-31 → 2026-02-28"}},
		{name: "OKParties", patch: dossier.CasePatch{Debtor: &debtor},
			want: []string{`debtor.name "宁波乙贸易有限公司" → "温州丙实业有限公司"`, "debtor.id_number changed", "debtor.phone changed"},
			not:  []string{"13812345678", "13987654321", "91330200MA2AAAAA1X", "91330300MA2BBBBB2Y"}},
		{name: "OKStage", patch: dossier.CasePatch{Stage: &stage}, want: []string{"stage negotiation → lawyer_letter"}},
		{name: "OKLongTitleCut", patch: dossier.CasePatch{Title: &title}, want: []string{`title "货款纠纷" → "` + strings.Repeat("长", 80) + `…"`},
			not: []string{strings.Repeat("长", 81)}},
		{name: "OKNothingChanged", patch: dossier.CasePatch{Number: new(string)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := &casefile.Service{Store: mustStore(t), Now: time.Now}
			c := newCase(t, svc)
			if tc.name == "OKNothingChanged" {
				*tc.patch.Number = c.Number
			}
			note := &dossier.AuditNote{}
			ctx := dossier.WithAuditNote(context.Background(), note)
			if _, err := svc.Update(ctx, admin, c.ID, &tc.patch); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(note.Detail, w) {
					t.Errorf("detail %q lacks %q", note.Detail, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(note.Detail, n) {
					t.Errorf("detail %q contains %q", note.Detail, n)
				}
			}
			if tc.want == nil && note.Detail != "" {
				t.Errorf("detail %q for an edit that changed nothing", note.Detail)
			}
		})
	}
}

// An edit that also replaces long alias lists keeps the number, money,
// dates and stage within the 2,000 bytes the audit event keeps: they come
// first, and each alias list shows its first entries and counts the rest.
func TestUpdateAuditDetailLongAliases(t *testing.T) {
	svc := &casefile.Service{Store: mustStore(t), Now: time.Now}
	c := newCase(t, svc)
	var aliases []string
	for i := range 40 {
		aliases = append(aliases, strings.Repeat("乙", 30)+strconv.Itoa(i))
	}
	creditor, debtor := c.Creditor, c.Debtor
	creditor.Aliases, debtor.Aliases = aliases, aliases
	num, principal, due, stage := "2026-HZ-0099", dossier.Money(30000000), dossier.NewDate(2026, 2, 28), dossier.StageLawyerLetter
	note := &dossier.AuditNote{}
	ctx := dossier.WithAuditNote(context.Background(), note)
	if _, err := svc.Update(ctx, admin, c.ID, &dossier.CasePatch{Creditor: &creditor, Debtor: &debtor, Number: &num,
		Principal: &principal, DueDate: &due, Stage: &stage}); err != nil {
		t.Fatal(err)
	}
	kept := note.Detail[:min(len(note.Detail), 2000)]
	for _, w := range []string{`number "2026-HZ-0042" → "2026-HZ-0099"`, "principal 386500.00 → 300000.00",
		"due_date 2026-01-31 → 2026-02-28", "stage negotiation → lawyer_letter",
		`creditor.aliases [] → ["` + aliases[0] + `"`, "… +35 more]"} {
		if !strings.Contains(kept, w) {
			t.Errorf("the event's 2,000 bytes lack %q: %q", w, kept)
		}
	}
	if strings.Contains(note.Detail, aliases[5]) {
		t.Errorf("detail lists more than the first five aliases: %q", note.Detail)
	}
}
