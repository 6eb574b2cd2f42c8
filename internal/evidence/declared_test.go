package evidence_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
)

// declaredForm is an upload whose form carries a "sha256" field, before
// or after the file part.
func declaredForm(kind, digest string, after bool, data []byte) *evidence.FormReader {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if kind != "" {
		_ = w.WriteField("kind", kind)
	}
	if !after {
		_ = w.WriteField("sha256", digest)
	}
	fw, _ := w.CreateFormFile("file", "通话录音.wav")
	_, _ = fw.Write(data)
	if after {
		_ = w.WriteField("sha256", digest)
	}
	_ = w.Close()
	return evidence.NewFormReader(bytes.NewReader(b.Bytes()), w.Boundary())
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// A client may declare the file's SHA-256 (computed where the evidence was
// collected). Bytes that do not have it are refused with a 422 naming the
// field and the digest received, and leave no record; declared before the
// file, they are not stored at all. On both stores, at a size S3 sends in
// one request and one it streams in parts straight to the blob's name.
func TestIngestDeclaredSHA256(t *testing.T) {
	for _, store := range []string{"disk", "minio"} {
		for _, size := range []int{200 << 10, 21 << 20} {
			t.Run(fmt.Sprintf("%s/%dKiB", store, size>>10), func(t *testing.T) {
				ctx := context.Background()
				f, blobs := newFixtureOn(t, "sqlite", store)
				data, other := random(size), random(100)
				blobCount := func() int {
					n := 0
					_ = blobs.Walk(ctx, func(blob.Ref) error { n++; return nil })
					return n
				}
				records := func() int {
					_, total, _, err := f.store.ListEvidence(ctx, dossier.EvidenceFilter{CaseID: f.caseID})
					if err != nil {
						t.Fatal(err)
					}
					return total
				}
				wantField := func(t *testing.T, err error, contains string) {
					t.Helper()
					fs := dossier.ErrorFields(err)
					if dossier.ErrorCode(err) != dossier.EINVALID || len(fs) != 1 || fs[0].Field != "sha256" ||
						!strings.Contains(fs[0].Message, contains) {
						t.Fatalf("error %v %+v, want a 422 on field sha256 saying %q", err, fs, contains)
					}
				}

				// Wrong digest before the file: nothing stored.
				_, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, declaredForm("recording", hexSHA(other), false, data))
				wantField(t, err, hexSHA(data))
				if n, r := blobCount(), records(); n != 0 || r != 0 {
					t.Fatalf("refused upload left %d blobs and %d records", n, r)
				}
				// Not a digest: refused before any byte is stored.
				_, _, err = f.vault.Ingest(ctx, f.admin, f.caseID, declaredForm("recording", "md5:1234", false, data))
				wantField(t, err, "64 hexadecimal digits")
				if n := blobCount(); n != 0 {
					t.Fatalf("malformed digest: %d blobs stored", n)
				}
				// Wrong digest after the file: refused, no record.
				_, _, err = f.vault.Ingest(ctx, f.admin, f.caseID, declaredForm("recording", hexSHA(other), true, data))
				wantField(t, err, hexSHA(data))
				if r := records(); r != 0 {
					t.Fatalf("refused upload left %d records", r)
				}

				// An empty field is no declaration, as for the other optional
				// fields (an HTML form sends its empty inputs).
				plain, created, err := f.vault.Ingest(ctx, f.admin, f.caseID, declaredForm("recording", " ", false, other))
				if err != nil || !created || plain.SHA256 != hexSHA(other) {
					t.Fatalf("Ingest with an empty sha256 field = %+v, %v, %v", plain, created, err)
				}

				// The right digest, in upper case: stored and recorded.
				e, created, err := f.vault.Ingest(ctx, f.admin, f.caseID,
					declaredForm("recording", strings.ToUpper(hexSHA(data)), false, data))
				if err != nil || !created || e.SHA256 != hexSHA(data) || e.Size != int64(size) || records() != 2 {
					t.Fatalf("Ingest with the right digest = %+v, %v, %v", e, created, err)
				}
				if err := blob.Verify(ctx, blobs, blob.Ref{SHA256: e.SHA256, Size: e.Size}); err != nil {
					t.Fatal(err)
				}
				// The same bytes declared again: the existing item.
				again, created, err := f.vault.Ingest(ctx, f.admin, f.caseID, declaredForm("recording", hexSHA(data), true, data))
				if err != nil || created || again.ID != e.ID {
					t.Fatalf("second upload = %+v, %v, %v; want the first item back", again, created, err)
				}

				// A new version is checked the same way.
				v2 := random(size)
				_, _, err = f.vault.AddVersion(ctx, f.admin, e.ID, declaredForm("", hexSHA(other), false, v2))
				wantField(t, err, hexSHA(v2))
				if vs, err := f.store.Versions(ctx, e.ID); err != nil || len(vs) != 1 {
					t.Fatalf("%d versions (%v) after a refused version, want 1", len(vs), err)
				}
				got, created, err := f.vault.AddVersion(ctx, f.admin, e.ID, declaredForm("", hexSHA(v2), false, v2))
				if err != nil || !created || got.SHA256 != hexSHA(v2) {
					t.Fatalf("AddVersion with the right digest = %+v, %v, %v", got, created, err)
				}
			})
		}
	}
}
