package evidence_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
)

// The audit event of a fixity check (POST /api/v1/evidence/{id}/verify)
// records its verdict for each version: ok, mismatch or missing, with the
// sha256 and the size checked. Before, an intact item's event named only
// the current sha256 and a count, a failed one repeated the store's error
// text, and neither said which size was checked.
func TestVerifyAuditDetail(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "sqlite")
	ingest := func(n int) *dossier.Evidence {
		e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(n)))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	good, bad, gone := ingest(5000), ingest(6000), ingest(7000)
	good2, _, err := f.vault.AddVersion(ctx, f.admin, good.ID, form(t, "", "合同v2.pdf", random(5001)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blobPath(t, f, bad.SHA256), []byte("replaced"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(blobPath(t, f, gone.SHA256)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		id     string
		ok     bool
		prefix string
		want   []string
	}{
		{"OK", good.ID, true, "fixity ok: ", []string{
			fmt.Sprintf("v1 sha256=%s size=5000 ok", good.SHA256), fmt.Sprintf("v2 sha256=%s size=5001 ok", good2.SHA256)}},
		{"ErrMismatch", bad.ID, false, "FIXITY FAILED: ", []string{fmt.Sprintf("v1 sha256=%s size=6000 mismatch", bad.SHA256)}},
		{"ErrMissing", gone.ID, false, "FIXITY FAILED: ", []string{fmt.Sprintf("v1 sha256=%s size=7000 missing", gone.SHA256)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			note := &dossier.AuditNote{}
			c, err := f.vault.Verify(dossier.WithAuditNote(ctx, note), f.admin, tt.id)
			if err != nil || c.OK != tt.ok {
				t.Fatalf("Verify: %+v, %v; want ok=%v", c, err, tt.ok)
			}
			if !strings.HasPrefix(note.Detail, tt.prefix) {
				t.Errorf("audit detail %q does not start with the verdict %q", note.Detail, tt.prefix)
			}
			for _, w := range tt.want {
				if !strings.Contains(note.Detail, w) {
					t.Errorf("audit detail %q lacks %q", note.Detail, w)
				}
			}
		})
	}
}
