package bundle_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/bundle"
	"github.com/dossier/dossier/internal/dossier"
)

// TestRevokeShareAuditNoToken: a link may be revoked by its token, and the
// audit trail (read by auditors) must never hold a token, which is the
// link itself. A token given for the wrong bundle, or mistyped, was written
// into the revocation's audit detail as if it were a share ID.
func TestRevokeShareAuditNoToken(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", diskStore(t))
	f.add(t, "statement", "对账单", "s.txt", "text/plain", []byte("尚欠货款"), nil)
	a, err := f.svc.Create(ctx, admin, f.c.ID, f.request("第一组"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.svc.Create(ctx, admin, f.c.ID, f.request("第二组"))
	if err != nil {
		t.Fatal(err)
	}
	sh, err := f.svc.CreateShare(ctx, admin, a.ID, bundle.ShareInput{ExpiresAt: time.Now().Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		bundleID string
		ref      string
		code     string
	}{
		{"ErrTokenOfAnotherBundle", b.ID, sh.Token, dossier.ENOTFOUND},
		{"ErrMistypedToken", a.ID, sh.Token[:42] + "x", dossier.ENOTFOUND},
		{"OKByToken", a.ID, sh.Token, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			note := &dossier.AuditNote{}
			err := f.svc.RevokeShare(dossier.WithAuditNote(ctx, note), admin, tt.bundleID, tt.ref)
			if dossier.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Fatalf("revoke: %v, want %q", err, tt.code)
			}
			if strings.Contains(note.Detail, tt.ref) || strings.Contains(note.Detail, sh.Token[:20]) {
				t.Fatalf("audit detail holds the token: %q", note.Detail)
			}
			if tt.code == "" && note.Detail != "share "+sh.Share.ID {
				t.Fatalf("audit detail %q, want the share's ID", note.Detail)
			}
		})
	}
}
