package casefile_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
)

var shanghai = time.FixedZone("CST", 8*3600)

func contact(channel, local string) *dossier.Communication {
	t, err := time.ParseInLocation("2006-01-02 15:04", local, shanghai)
	if err != nil {
		panic(err)
	}
	return &dossier.Communication{Channel: dossier.Channel(channel), OccurredAt: t}
}

// contacts returns n phone calls on day (local), an hour apart from 09:00.
func contacts(day string, n int) []*dossier.Communication {
	var out []*dossier.Communication
	for i := range n {
		out = append(out, contact("phone", day+" "+time.Date(0, 1, 1, 9+i, 0, 0, 0, time.UTC).Format("15:04")))
	}
	return out
}

func TestComplianceCheck(t *testing.T) {
	def := &casefile.Compliance{Location: shanghai, StartHour: 8, EndHour: 21, MaxPerDay: 6}
	tests := []struct {
		name  string
		c     *casefile.Compliance
		m     *dossier.Communication
		prior []*dossier.Communication
		want  []string
	}{
		{"OK", def, contact("phone", "2026-03-02 10:00"), nil, nil},
		{"OKFirstMinute", def, contact("phone", "2026-03-02 08:00"), nil, nil},
		{"OKLastMinute", def, contact("wechat", "2026-03-02 20:59"), nil, nil},
		{"ErrBeforeEight", def, contact("phone", "2026-03-02 07:59"), nil, []string{"outside_hours"}},
		{"ErrAtNine", def, contact("sms", "2026-03-02 21:00"), nil, []string{"outside_hours"}},
		{"ErrMidnight", def, contact("visit", "2026-03-02 00:30"), nil, []string{"outside_hours"}},
		// The window is local time: 23:30 UTC is 07:30 the next morning in Shanghai.
		{"ErrLocalTimeNotUTC", def, &dossier.Communication{Channel: "phone",
			OccurredAt: time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)}, nil, []string{"outside_hours"}},
		{"OKUTCMorningIsLocalAfternoon", def, &dossier.Communication{Channel: "phone",
			OccurredAt: time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)}, nil, nil},
		{"OKSixthContact", def, contact("phone", "2026-03-02 16:00"), contacts("2026-03-02", 5), nil},
		{"ErrSeventhContact", def, contact("phone", "2026-03-02 16:00"), contacts("2026-03-02", 6), []string{"over_daily_limit"}},
		{"ErrBoth", def, contact("phone", "2026-03-02 22:00"), contacts("2026-03-02", 6),
			[]string{"outside_hours", "over_daily_limit"}},
		{"OKOtherDays", def, contact("phone", "2026-03-02 16:00"),
			append(contacts("2026-03-01", 6), contacts("2026-03-03", 6)...), nil},
		// Letters and e-mails are read when the debtor chooses: neither the
		// window nor the count applies to them, and they do not use up the day.
		{"OKLetterAtNight", def, contact("letter", "2026-03-02 23:00"), nil, nil},
		{"OKEmailNotCounted", def, contact("email", "2026-03-02 16:00"), contacts("2026-03-02", 6), nil},
		{"OKWrittenPriorNotCounted", def, contact("phone", "2026-03-02 16:00"),
			append(contacts("2026-03-02", 5), contact("letter", "2026-03-02 10:00"), contact("email", "2026-03-02 11:00")), nil},
		{"ErrConfiguredWindow", &casefile.Compliance{Location: shanghai, StartHour: 9, EndHour: 18, MaxPerDay: 6},
			contact("phone", "2026-03-02 18:30"), nil, []string{"outside_hours"}},
		{"ErrConfiguredLimit", &casefile.Compliance{Location: shanghai, StartHour: 8, EndHour: 21, MaxPerDay: 2},
			contact("phone", "2026-03-02 16:00"), contacts("2026-03-02", 2), []string{"over_daily_limit"}},
		{"OKLimitZeroDisables", &casefile.Compliance{Location: shanghai, StartHour: 8, EndHour: 21},
			contact("phone", "2026-03-02 16:00"), contacts("2026-03-02", 20), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.c.Check(tc.m, tc.prior)
			if got == nil {
				t.Fatal("flags must be an empty list, not nil (JSON [] not null)")
			}
			if !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Fatalf("flags %v, want %v", got, tc.want)
			}
		})
	}
}

// TestComplianceStored checks a flagged contact is saved, not refused, and
// that its flags reach counsel and auditors (whose view masks the text).
func TestComplianceStored(t *testing.T) {
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	now := time.Date(2026, 3, 2, 15, 0, 0, 0, shanghai)
	svc := &casefile.Service{Store: store, Now: func() time.Time { return now },
		Compliance: &casefile.Compliance{Location: shanghai, StartHour: 8, EndHour: 21, MaxPerDay: 6}}
	counsel := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "counsel", Role: dossier.RoleCounsel}}
	auditor := &dossier.Actor{User: &dossier.User{ID: "u2", Username: "auditor", Role: dossier.RoleAuditor}}
	c, err := svc.Create(ctx, counsel, &dossier.Case{Number: "2026-CMP-1", Creditor: dossier.Party{Name: "甲公司"},
		Debtor: dossier.Party{Name: "乙公司"}, Principal: 100000, DueDate: dossier.NewDate(2026, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	m, err := svc.AddCommunication(ctx, counsel, c.ID, &dossier.Communication{Channel: "phone",
		OccurredAt: time.Date(2026, 3, 1, 22, 15, 0, 0, shanghai), Summary: "深夜致电债务人 13812345678"})
	if err != nil {
		t.Fatalf("a flagged contact must still be saved: %v", err)
	}
	if !slices.Equal(m.Flags, []string{casefile.FlagOutsideHours}) {
		t.Fatalf("flags on create: %v", m.Flags)
	}
	for _, a := range []*dossier.Actor{counsel, auditor} {
		items, err := svc.Communications(ctx, a, c.ID)
		if err != nil || len(items) != 1 {
			t.Fatalf("%s: %v %d", a.User.Role, err, len(items))
		}
		if !slices.Equal(items[0].Flags, []string{casefile.FlagOutsideHours}) {
			t.Fatalf("%s sees flags %v", a.User.Role, items[0].Flags)
		}
		if masked := !strings.Contains(items[0].Summary, "13812345678"); masked != (a == auditor) {
			t.Fatalf("%s sees summary %q", a.User.Role, items[0].Summary)
		}
	}
}

// TestDailyLimitIsPerDebtor: contacts with one debtor count together across
// all of its cases; another debtor's contacts do not count.
func TestDailyLimitIsPerDebtor(t *testing.T) {
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	now := time.Date(2026, 3, 2, 20, 0, 0, 0, shanghai)
	svc := &casefile.Service{Store: store, Now: func() time.Time { return now },
		Compliance: &casefile.Compliance{Location: shanghai, StartHour: 8, EndHour: 21, MaxPerDay: 3}}
	counsel := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "counsel", Role: dossier.RoleCounsel}}
	mk := func(number, debtor string) string {
		c, err := svc.Create(ctx, counsel, &dossier.Case{Number: number, Creditor: dossier.Party{Name: "甲公司"},
			Debtor: dossier.Party{Name: debtor}, Principal: 100000, DueDate: dossier.NewDate(2026, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	a1, a2, other := mk("D-1", "乙公司"), mk("D-2", "乙公司"), mk("D-3", "丙公司")
	call := func(caseID string, hour int) []string {
		m, err := svc.AddCommunication(ctx, counsel, caseID, &dossier.Communication{Channel: "phone",
			OccurredAt: time.Date(2026, 3, 2, hour, 0, 0, 0, shanghai), Summary: "催款电话"})
		if err != nil {
			t.Fatal(err)
		}
		return m.Flags
	}
	call(a1, 9)
	call(a2, 10)
	call(other, 11)
	call(other, 12)
	if f := call(a1, 13); len(f) != 0 {
		t.Fatalf("third contact with the debtor flagged: %v", f)
	}
	if f := call(a2, 14); !slices.Equal(f, []string{casefile.FlagOverDailyMax}) {
		t.Fatalf("fourth contact with the debtor over two cases: %v", f)
	}
	// The next day starts a new count (local day, not UTC day).
	now = time.Date(2026, 3, 3, 9, 0, 0, 0, shanghai)
	m, err := svc.AddCommunication(ctx, counsel, a1, &dossier.Communication{Channel: "phone",
		OccurredAt: time.Date(2026, 3, 3, 8, 30, 0, 0, shanghai), Summary: "次日致电"})
	if err != nil || len(m.Flags) != 0 {
		t.Fatalf("next morning: %v %v", m.Flags, err)
	}
}
