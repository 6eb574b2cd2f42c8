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
