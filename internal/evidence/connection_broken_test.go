package evidence_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
)

// brokenBody gives the first n bytes of body, then fails as a client's
// connection does.
type brokenBody struct {
	r   io.Reader
	err error
}

func (b *brokenBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, b.err
	}
	return n, err
}

// A client whose connection resets or times out in the middle of its file
// interrupted its upload: that is what the refusal says (400, no record),
// on every store. It said "malformed multipart body", as if the client had
// sent a broken form, and the audit trail kept that.
func TestUploadConnectionBroken(t *testing.T) {
	errs := map[string]error{
		"reset":   &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)},
		"timeout": &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded},
	}
	for _, store := range []string{"disk", "minio"} {
		for name, cerr := range errs {
			t.Run(store+"/"+name, func(t *testing.T) {
				f, _ := newFixtureOn(t, "sqlite", store)
				ctx := context.Background()
				body, boundary := formBody("contract", "合同.pdf", random(200<<10))
				r := evidence.NewFormReader(&brokenBody{r: bytes.NewReader(body[:len(body)/2]), err: cerr}, boundary)
				_, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, r)
				if dossier.ErrorCode(err) != dossier.EMALFORMED || dossier.ErrorMessage(err) != "upload interrupted before the end of the body" {
					t.Errorf("upload broken by the connection: %v (code %s, message %q), want %s upload interrupted",
						err, dossier.ErrorCode(err), dossier.ErrorMessage(err), dossier.EMALFORMED)
				}
				if _, total, _, err := f.store.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: f.caseID}); err != nil || total != 0 {
					t.Errorf("%d records (%v), want none", total, err)
				}
			})
		}
	}
}
