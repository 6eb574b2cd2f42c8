package document

import (
	"context"
	"path/filepath"
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
