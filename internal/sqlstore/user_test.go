package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// TestUserSetters: each setter changes its one column and leaves the rest,
// so two changes racing on one user cannot undo each other.
func TestUserSetters(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		u := &dossier.User{Username: "lawfirm", DisplayName: "明理律所", Role: dossier.RoleExternal, Lang: "zh-CN",
			PasswordHash: "h0", CreatedAt: time.Now()}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			set  func(id string) error
			want dossier.User
		}{
			{"OK/lang", func(id string) error { return db.SetUserLang(ctx, id, "en") },
				dossier.User{Lang: "en", PasswordHash: "h0"}},
			{"OK/disabled", func(id string) error { return db.SetUserDisabled(ctx, id, true) },
				dossier.User{Lang: "en", Disabled: true, PasswordHash: "h0"}},
			{"OK/password", func(id string) error { return db.SetUserPassword(ctx, id, "h1") },
				dossier.User{Lang: "en", Disabled: true, PasswordHash: "h1"}},
			{"OK/enabled", func(id string) error { return db.SetUserDisabled(ctx, id, false) },
				dossier.User{Lang: "en", PasswordHash: "h1"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if err := tc.set(u.ID); err != nil {
					t.Fatal(err)
				}
				got, err := db.User(ctx, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Lang != tc.want.Lang || got.Disabled != tc.want.Disabled || got.PasswordHash != tc.want.PasswordHash ||
					got.Role != dossier.RoleExternal || got.DisplayName != "明理律所" {
					t.Fatalf("user %+v, want lang %q disabled %v hash %q", got, tc.want.Lang, tc.want.Disabled, tc.want.PasswordHash)
				}
			})
		}
		t.Run("ErrNotFound", func(t *testing.T) {
			for _, err := range []error{db.SetUserLang(ctx, "missing", "en"), db.SetUserDisabled(ctx, "missing", true),
				db.SetUserPassword(ctx, "missing", "h")} {
				if dossier.ErrorCode(err) != dossier.ENOTFOUND {
					t.Fatalf("missing user: %v", err)
				}
			}
		})
	})
}
