package account_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

const adminPassword = "correct horse battery"

// newService returns a Service over db with the bootstrap admin and the
// admin as an actor.
func newService(t *testing.T, db *sqlstore.DB) (*account.Service, *dossier.Actor) {
	t.Helper()
	acc := account.New(db, time.Hour)
	if _, _, err := acc.Bootstrap(context.Background(), adminPassword); err != nil {
		t.Fatal(err)
	}
	u, err := db.UserByName(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	return acc, &dossier.Actor{User: u}
}

func sqlite(t *testing.T) *sqlstore.DB {
	t.Helper()
	return testenv.OpenStore(t, filepath.Join(t.TempDir(), "meta.db"))
}

// noted returns a context carrying a fresh audit note, as the audit
// middleware gives every request.
func noted() (context.Context, *dossier.AuditNote) {
	n := &dossier.AuditNote{}
	return dossier.WithAuditNote(context.Background(), n), n
}

// parallelLogins sends n logins at once and counts the answers by error code
// ("" for a success).
func parallelLogins(acc *account.Service, n int, username func(i int) string, password, ip string) map[string]int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	codes := map[string]int{}
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, err := acc.Login(context.Background(), username(i), password, ip)
			code := ""
			if err != nil {
				code = dossier.ErrorCode(err)
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return codes
}

func TestLoginThrottle(t *testing.T) {
	admin := func(int) string { return "admin" }
	t.Run("OK", func(t *testing.T) {
		acc, _ := newService(t, sqlite(t))
		ctx, note := noted()
		s, err := acc.Login(ctx, "admin", adminPassword, "203.0.113.7")
		if err != nil || s.Token == "" {
			t.Fatalf("login: %v", err)
		}
		if note.Detail != "username=admin" || note.ObjectID != s.User.ID {
			t.Fatalf("note: %+v", note)
		}
	})
	t.Run("ErrParallelGuessesPerUsername", func(t *testing.T) {
		// Each attempt takes its place in the window before the slow hash,
		// so guesses sent at once cannot all slip past the check.
		acc, _ := newService(t, sqlite(t))
		codes := parallelLogins(acc, 10, admin, "wrong password guess", "203.0.113.7")
		if codes[dossier.EUNAUTHENTICATED] != 5 || codes[dossier.ERATELIMITED] != 5 {
			t.Fatalf("10 parallel guesses with 5 allowed: %v", codes)
		}
		if _, err := acc.Login(context.Background(), "admin", adminPassword, "198.51.100.1"); dossier.ErrorCode(err) != dossier.ERATELIMITED {
			t.Fatalf("the right password after 5 failures: %v", err)
		}
	})
	t.Run("ErrParallelGuessesPerIP", func(t *testing.T) {
		acc, _ := newService(t, sqlite(t))
		codes := parallelLogins(acc, 24, func(i int) string { return fmt.Sprintf("user%02d", i) }, "wrong password guess", "203.0.113.7")
		if codes[dossier.EUNAUTHENTICATED] != 20 || codes[dossier.ERATELIMITED] != 4 {
			t.Fatalf("24 parallel guesses from one address with 20 allowed: %v", codes)
		}
	})
	t.Run("ErrGuessesAcrossOneIPv6Network", func(t *testing.T) {
		// One client's /64 is one address for the limit: walking through
		// its addresses gives no fresh guesses; the next /64 has its own.
		acc, _ := newService(t, sqlite(t))
		for i := range 20 {
			ip := fmt.Sprintf("2001:db8:0:7::%x", i+1)
			if _, err := acc.Login(context.Background(), fmt.Sprintf("user%02d", i), "wrong password guess", ip); dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED {
				t.Fatalf("guess %d from %s: %v", i, ip, err)
			}
		}
		if _, err := acc.Login(context.Background(), "nobody", "wrong password guess", "2001:db8:0:7:ffff::1"); dossier.ErrorCode(err) != dossier.ERATELIMITED {
			t.Fatalf("21st guess from the same /64: %v", err)
		}
		if _, err := acc.Login(context.Background(), "nobody", "wrong password guess", "2001:db8:0:8::1"); dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED {
			t.Fatalf("a guess from another /64: %v", err)
		}
		if _, err := acc.Login(context.Background(), "nobody", "wrong password guess", "::ffff:203.0.113.9"); dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED {
			t.Fatalf("an IPv4-mapped address counts on its own: %v", err)
		}
	})
	t.Run("OKSuccessGivesBackItsPlace", func(t *testing.T) {
		// A successful login does not count against its address: 19
		// failures, then any number of successes, leave one guess.
		acc, _ := newService(t, sqlite(t))
		ip := "203.0.113.7"
		for i := range 19 {
			if _, err := acc.Login(context.Background(), fmt.Sprintf("user%02d", i), "wrong password guess", ip); dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		for range 3 {
			if _, err := acc.Login(context.Background(), "admin", adminPassword, ip); err != nil {
				t.Fatalf("login after 19 failures: %v", err)
			}
		}
		if _, err := acc.Login(context.Background(), "nobody", "wrong password guess", ip); dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED {
			t.Fatalf("20th failure: %v", err)
		}
		if _, err := acc.Login(context.Background(), "admin", adminPassword, ip); dossier.ErrorCode(err) != dossier.ERATELIMITED {
			t.Fatalf("after 20 failures: %v", err)
		}
	})
	t.Run("ErrThrottledNamesTarget", func(t *testing.T) {
		acc, _ := newService(t, sqlite(t))
		for range 5 {
			_, _ = acc.Login(context.Background(), "admin", "wrong password guess", "203.0.113.7")
		}
		ctx, note := noted()
		_, err := acc.Login(ctx, "admin", "wrong password guess", "198.51.100.1")
		if dossier.ErrorCode(err) != dossier.ERATELIMITED || note.Detail != "username=admin" {
			t.Fatalf("throttled attempt: %v, note %q", err, note.Detail)
		}
	})
	t.Run("ErrMalformedUsername", func(t *testing.T) {
		// A name no account can have is answered like a wrong password, and
		// the audit note keeps a bounded part of it.
		acc, _ := newService(t, sqlite(t))
		_, wrong := acc.Login(context.Background(), "admin", "wrong password guess", "203.0.113.7")
		for _, name := range []string{strings.Repeat("a", 1<<20), "x", "has space", "a\x00b"} {
			ctx, note := noted()
			_, err := acc.Login(ctx, name, "wrong password guess", "198.51.100.1")
			if dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED || dossier.ErrorMessage(err) != dossier.ErrorMessage(wrong) {
				t.Fatalf("%.20q: %v, want the answer to a wrong password (%v)", name, err, wrong)
			}
			if !strings.HasPrefix(note.Detail, "username=") || len(note.Detail) > 80 {
				t.Fatalf("%.20q: note %.100q", name, note.Detail)
			}
		}
	})
}

func TestSetLang(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		acc, admin := newService(t, db)
		if _, err := acc.CreateUser(ctx, admin, account.NewUser{Username: "lawfirm", Role: dossier.RoleExternal, Password: "a long enough password"}); err != nil {
			t.Fatal(err)
		}
		u, _ := db.UserByName(ctx, "lawfirm")
		// The law firm's language request has loaded its actor; meanwhile
		// an admin disables the account and an operator resets its password.
		inFlight, err := acc.ActorFor(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := acc.Disable(ctx, admin, "lawfirm", true); err != nil {
			t.Fatal(err)
		}
		if err := acc.SetPassword(ctx, "lawfirm", "the operator's new password"); err != nil {
			t.Fatal(err)
		}
		t.Run("OK", func(t *testing.T) {
			if err := acc.SetLang(ctx, inFlight, "en"); err != nil {
				t.Fatal(err)
			}
			after, _ := db.UserByName(ctx, "lawfirm")
			if after.Lang != "en" || !after.Disabled || !account.CheckPassword(after.PasswordHash, "the operator's new password") {
				t.Fatalf("after SetLang: lang %q, disabled %v, new password kept %v", after.Lang, after.Disabled,
					account.CheckPassword(after.PasswordHash, "the operator's new password"))
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			err := acc.SetLang(ctx, inFlight, "fr")
			if fs := dossier.ErrorFields(err); len(fs) != 1 || fs[0].Field != "lang" {
				t.Fatalf("lang fr: %v", err)
			}
		})
	})
}

// TestAuditNotes: what a change of users and grants tells the audit trail.
func TestAuditNotes(t *testing.T) {
	db := sqlite(t)
	acc, admin := newService(t, db)
	c := &dossier.Case{Number: "2026-HZ-0904", Title: "grants", Principal: 100, Currency: "CNY",
		Creditor: dossier.Party{Name: "甲", Kind: dossier.PartyCompany}, Debtor: dossier.Party{Name: "乙", Kind: dossier.PartyPerson},
		DueDate: dossier.NewDate(2026, 1, 10), Stage: dossier.StageNegotiation, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := db.CreateCase(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	var firm *dossier.User
	for _, tc := range []struct {
		name               string
		do                 func(ctx context.Context) error
		objectType, detail string
	}{
		{"OK/create", func(ctx context.Context) (err error) {
			firm, err = acc.CreateUser(ctx, admin, account.NewUser{Username: "lawfirm", Role: dossier.RoleExternal, Password: "a long enough password"})
			return err
		}, "user", "username=lawfirm role=external"},
		{"OK/grant", func(ctx context.Context) error {
			_, err := acc.Grant(ctx, admin, c.ID, firm.ID, dossier.AccessRead)
			return err
		}, "grant", "access=read"},
		{"OK/raise", func(ctx context.Context) error {
			_, err := acc.Grant(ctx, admin, c.ID, firm.ID, dossier.AccessWrite)
			return err
		}, "grant", "access=write (was read)"},
		{"OK/revoke", func(ctx context.Context) error { return acc.Revoke(ctx, admin, c.ID, firm.ID) }, "grant", "access=write"},
		{"OK/disable", func(ctx context.Context) error { return acc.Disable(ctx, admin, "lawfirm", true) }, "user", "username=lawfirm disabled=true"},
		{"OK/enable", func(ctx context.Context) error { return acc.SetDisabled(ctx, "lawfirm", false) }, "user", "username=lawfirm disabled=false"},
		{"OK/password", func(ctx context.Context) error { return acc.SetPassword(ctx, "lawfirm", "another long password") }, "user", "username=lawfirm"},
		{"ErrPasswordOfNobody", func(ctx context.Context) error { return acc.SetPassword(ctx, "nobody", "another long password") }, "", "username=nobody"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, note := noted()
			err := tc.do(ctx)
			if (err != nil) != strings.HasPrefix(tc.name, "Err") {
				t.Fatal(err)
			}
			if note.Detail != tc.detail || note.ObjectType != tc.objectType {
				t.Fatalf("note %+v, want object %q, detail %q", note, tc.objectType, tc.detail)
			}
			if tc.objectType != "" && note.ObjectID != firm.ID {
				t.Fatalf("note names %q, not the law firm's user %s", note.ObjectID, firm.ID)
			}
		})
	}
}
