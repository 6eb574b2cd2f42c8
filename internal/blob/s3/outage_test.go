package s3_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"testing"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/testenv"
)

// A service that answers but cannot work (overloaded, full, lost its
// quorum) is a dependency down, as an unreachable one is: every operation
// reports blob.Unavailable, which the API answers with 503. Before, only
// network failures counted, and a MinIO refusing writes because its drive
// was full came out as a 500 "internal error". A refusal of the request
// itself (403) is not an outage.
func TestServiceRefusals(t *testing.T) {
	ctx := context.Background()
	s, proxy := testenv.FaultyS3(t, false)
	stored, err := s.Put(ctx, bytes.NewReader(randomBytes(t, 1000)), "")
	if err != nil {
		t.Fatal(err)
	}
	small, large := randomBytes(t, 1000), randomBytes(t, s3.SmallMax+1)

	ops := []struct {
		name, method string
		run          func() error
	}{
		{"put small", http.MethodPut, func() error { _, err := s.Put(ctx, bytes.NewReader(small), ""); return err }},
		{"put large", http.MethodPost, func() error { _, err := s.Put(ctx, bytes.NewReader(large), ""); return err }},
		{"stat", http.MethodHead, func() error { _, err := s.Stat(ctx, stored.SHA256); return err }},
		{"read", http.MethodGet, func() error {
			rc, err := s.Open(ctx, stored.SHA256, 0, -1)
			if err != nil {
				return err
			}
			defer rc.Close()
			_, err = io.Copy(io.Discard, rc)
			return err
		}},
		{"delete", http.MethodDelete, func() error { return s.Delete(ctx, stored.SHA256) }},
		{"ping", http.MethodHead, func() error { return s.Ping(ctx) }},
	}
	faults := []struct {
		status int
		code   string
		outage bool
	}{
		{http.StatusServiceUnavailable, "SlowDown", true},
		{http.StatusInsufficientStorage, "XMinioStorageFull", true},
		{http.StatusInternalServerError, "InternalError", true},
		{http.StatusForbidden, "AccessDenied", false},
	}
	for _, f := range faults {
		for _, op := range ops {
			t.Run(f.code+"/"+op.name, func(t *testing.T) {
				before := proxy.Refused()
				proxy.Fail(op.method, f.status, f.code)
				err := op.run()
				proxy.Heal()
				if proxy.Refused() == before {
					t.Fatalf("no %s request was refused: the case tests nothing", op.method)
				}
				if err == nil {
					t.Fatalf("%s succeeded while the service answered %d %s", op.name, f.status, f.code)
				}
				if got := blob.Unavailable(err); got != f.outage {
					t.Errorf("%s answered %d %s: Unavailable(%v) = %v, want %v", op.name, f.status, f.code, err, got, f.outage)
				}
			})
		}
	}
	// Nothing was lost: the stored blob is still there and intact.
	if err := blob.Verify(ctx, s, stored); err != nil {
		t.Errorf("stored blob after the refusals: %v", err)
	}
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}
