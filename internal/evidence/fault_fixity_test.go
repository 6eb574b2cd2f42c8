package evidence_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/testenv"
)

// faultVault is a vault on SQLite whose blobs are in MinIO behind a
// FaultProxy.
func faultVault(t *testing.T, locking bool) (*fixture, *testenv.FaultProxy) {
	t.Helper()
	f := newFixture(t, "sqlite")
	blobs, proxy := testenv.FaultyS3(t, locking)
	f.vault.Blobs = blobs
	return f, proxy
}

// A fixity check while the blob store refuses reads is the dependency
// down (503), not a finding: neither the answer nor the audit trail may say
// the evidence is damaged, and the whole-store check stops rather than
// list every item it could not read as missing or changed. Before, the
// API answered 200 {"ok":false} with "FIXITY FAILED … unreadable" in the
// audit trail, and `dossier verify` reported every blob as a MISMATCH.
func TestFixityStoreRefuses(t *testing.T) {
	ctx := context.Background()
	f, proxy := faultVault(t, false)
	var ids []string
	for i := 0; i < 3; i++ {
		e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", random(5000)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	proxy.Fail("GET", 503, "SlowDown")
	note := &dossier.AuditNote{}
	nctx := dossier.WithAuditNote(ctx, note)
	c, err := f.vault.Verify(nctx, f.admin, ids[0])
	if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Errorf("verify with the store refusing reads: %+v, %v (code %s), want %s", c, err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	if strings.Contains(note.Detail, "FIXITY FAILED") {
		t.Errorf("audit detail %q blames the evidence for the store's outage", note.Detail)
	}
	r, err := f.vault.VerifyEvery(ctx, nil)
	if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Errorf("verify every blob with the store refusing reads: %v (code %s), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
	}
	if len(r.Bad) != 0 {
		t.Errorf("%d versions reported missing or changed during the outage: %v", len(r.Bad), r.Bad)
	}
	if proxy.Refused() == 0 {
		t.Fatal("no read was refused: the test tests nothing")
	}
	proxy.Heal()
	if r, err := f.vault.VerifyEvery(ctx, nil); err != nil || len(r.Bad) != 0 || r.Blobs != 3 {
		t.Errorf("after the outage: %+v, %v; want 3 intact blobs", r, err)
	}
	if c, err := f.vault.Verify(ctx, f.admin, ids[0]); err != nil || !c.OK {
		t.Errorf("after the outage: %+v, %v", c, err)
	}
}

// A download whose bytes the store refuses to send (S3 answering the HEAD
// and refusing the GET, as an overloaded MinIO does) fails in Open, before
// the API answers 200, as a 503. Before, Open succeeded and the 200 went
// out with a body that broke off at its first byte.
func TestDownloadStoreRefusesRead(t *testing.T) {
	ctx := context.Background()
	f, proxy := faultVault(t, false)
	data := random(5000)
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "合同.pdf", data))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := f.vault.Content(ctx, f.admin, e.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]int64{{0, -1}, {100, 200}} {
		proxy.Fail("GET", 503, "SlowDown")
		rc, err := ct.Open(ctx, r[0], r[1])
		if err == nil {
			_, rerr := io.Copy(io.Discard, rc)
			rc.Close()
			t.Errorf("range %v: opened with the store refusing reads (read: %v), want %s", r, rerr, dossier.EUNAVAILABLE)
		} else if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
			t.Errorf("range %v: %v (code %q), want %s", r, err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
		}
		proxy.Heal()
		rc, err = ct.Open(ctx, r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		want := data
		if r[1] >= 0 {
			want = data[r[0] : r[0]+r[1]]
		}
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("range %v once the store works: %d bytes, %v", r, len(got), err)
		}
	}
}
