package evidence_test

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
)

// lockSpy records the storage locks the vault asks for, and runs afterPut
// once a Put has stored its bytes: a moment inside an upload, after the
// vault read the item and before it writes.
type lockSpy struct {
	blob.Store
	afterPut func()
	mu       sync.Mutex
	hold     map[string]bool // sha256 → hold asked for by the last Lock
}

func (s *lockSpy) Put(ctx context.Context, r io.Reader, want string) (blob.Ref, error) {
	ref, err := s.Store.Put(ctx, r, want)
	if fn := s.afterPut; fn != nil && err == nil {
		s.afterPut = nil
		fn()
	}
	return ref, err
}

func (s *lockSpy) Lock(ctx context.Context, sha string, until time.Time, hold bool) error {
	s.mu.Lock()
	s.hold[sha] = hold
	s.mu.Unlock()
	return s.Store.Lock(ctx, sha, until, hold)
}

// A new version's bytes are locked with the item's state at the end of the
// upload: a legal hold placed during it holds them too. An item deleted
// during the upload gets no new version (409 saying why); before, the
// version was added to the tombstone.
func TestAddVersionDuringChange(t *testing.T) {
	tests := []struct {
		name     string
		during   func(ctx context.Context, f *fixture, id string) error
		wantCode string
		wantHold bool
	}{
		{"OKHoldMeanwhile", func(ctx context.Context, f *fixture, id string) error {
			on := true
			_, err := f.vault.Hold(ctx, f.admin, id, &on, "诉讼保全")
			return err
		}, "", true},
		{"ErrDeletedMeanwhile", func(ctx context.Context, f *fixture, id string) error {
			return f.vault.Delete(ctx, f.admin, id)
		}, dossier.ECONFLICT, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "sqlite")
			ctx := context.Background()
			spy := &lockSpy{Store: f.blobs, hold: map[string]bool{}}
			f.vault.Blobs = spy
			e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "a.pdf", random(500)))
			if err != nil {
				t.Fatal(err)
			}
			spy.afterPut = func() {
				if err := tt.during(ctx, f, e.ID); err != nil {
					t.Error(err)
				}
			}
			data := random(700)
			got, _, err := f.vault.AddVersion(ctx, f.admin, e.ID, form(t, "", "b.pdf", data))
			if dossier.ErrorCode(err) != tt.wantCode && (err != nil || tt.wantCode != "") {
				t.Fatalf("AddVersion: %v, want code %q", err, tt.wantCode)
			}
			if err != nil {
				vs, verr := f.store.Versions(ctx, e.ID)
				if verr != nil || len(vs) != 1 {
					t.Errorf("refused version left %d versions (%v)", len(vs), verr)
				}
				return
			}
			if got.Version != 2 || got.Hold != tt.wantHold {
				t.Errorf("item after the version: version %d hold %v", got.Version, got.Hold)
			}
			spy.mu.Lock()
			defer spy.mu.Unlock()
			if h, ok := spy.hold[hexSHA(data)]; !ok || h != tt.wantHold {
				t.Errorf("new version's bytes locked with hold=%v (asked: %v), want hold=%v", h, ok, tt.wantHold)
			}
		})
	}
}
