package account_test

import (
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/dossier"
)

// A password of 1 MB was accepted at user creation and password change
// (and every login then hashed it all). Over 1,024 bytes is a 422 naming
// password; 1,024 bytes exactly is accepted.
func TestPasswordTooLong(t *testing.T) {
	db := sqlite(t)
	acc, admin := newService(t, db)
	ctx, _ := noted()
	huge := strings.Repeat("密", 1<<20/3)
	over := strings.Repeat("p", dossier.MaxPasswordBytes+1)
	atMost := strings.Repeat("p", dossier.MaxPasswordBytes)
	check := func(what string, err error) {
		t.Helper()
		f := dossier.ErrorFields(err)
		if dossier.ErrorCode(err) != dossier.EINVALID || len(f) != 1 || f[0].Field != "password" ||
			f[0].Message != "must be at most 1024 bytes" {
			t.Errorf("%s: %v %v, want 422 password must be at most 1024 bytes", what, err, f)
		}
	}
	for _, pw := range []string{huge, over} {
		_, err := acc.CreateUser(ctx, admin, account.NewUser{Username: "lawyer", Role: dossier.RoleExternal, Password: pw})
		check("CreateUser", err)
		check("SetPassword", acc.SetPassword(ctx, "admin", pw))
	}
	if _, err := acc.CreateUser(ctx, admin, account.NewUser{Username: "lawyer", Role: dossier.RoleExternal, Password: atMost}); err != nil {
		t.Fatalf("CreateUser with 1024 bytes: %v", err)
	}
	if err := acc.SetPassword(ctx, "lawyer", atMost); err != nil {
		t.Fatalf("SetPassword with 1024 bytes: %v", err)
	}
	if _, err := acc.Login(ctx, "lawyer", atMost, "192.0.2.1"); err != nil {
		t.Fatalf("login with the 1024-byte password: %v", err)
	}
}
