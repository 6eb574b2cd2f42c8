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
	// beforeLock runs once when the vault locks the blob with this
	// SHA-256: after its last read of the item, before its version commits.
	beforeLock    func()
	beforeLockSHA string
	mu            sync.Mutex
	hold          map[string]bool // sha256 → hold asked for by the last Lock
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
	fn := s.beforeLock
	if sha != s.beforeLockSHA {
		fn = nil
	}
	if fn != nil {
		s.beforeLock = nil
	}
	s.mu.Unlock()
	if fn != nil {
		fn()
	}
	return s.Store.Lock(ctx, sha, until, hold)
}

// spiedItem makes a fixture whose vault stores through a lockSpy, and one
// item in it.
func spiedItem(t *testing.T, meta string) (*fixture, *lockSpy, *dossier.Evidence) {
	t.Helper()
	f := newFixture(t, meta)
	spy := &lockSpy{Store: f.blobs, hold: map[string]bool{}}
	f.vault.Blobs = spy
	e, _, err := f.vault.Ingest(context.Background(), f.admin, f.caseID, form(t, "contract", "a.pdf", random(500)))
	if err != nil {
		t.Fatal(err)
	}
	return f, spy, e
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
			ctx := context.Background()
			f, spy, e := spiedItem(t, "sqlite")
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

// Another version committed while an upload was on its last step (after
// the vault's read of the item, before its own commit) no longer turns the
// finished upload into a 409: the bytes are stored, and the upload becomes
// the next version after the other one, on SQLite and PostgreSQL. When the
// other version has the same bytes, the upload is that version (created
// false), not a second copy of it.
func TestAddVersionRacesAnother(t *testing.T) {
	for _, meta := range []string{"sqlite", "postgres"} {
		for _, same := range []bool{false, true} {
			name := meta + "/different"
			if same {
				name = meta + "/same"
			}
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				f, spy, e := spiedItem(t, meta)
				mine, theirs := random(700), random(900)
				if same {
					theirs = mine
				}
				spy.beforeLockSHA = hexSHA(mine)
				spy.beforeLock = func() {
					got, created, err := f.vault.AddVersion(ctx, f.admin, e.ID, form(t, "", "theirs.pdf", theirs))
					if err != nil || !created || got.Version != 2 {
						t.Errorf("the other version: %v created %v, %v", got, created, err)
					}
				}
				got, created, err := f.vault.AddVersion(ctx, f.admin, e.ID, form(t, "", "mine.pdf", mine))
				if err != nil {
					t.Fatalf("AddVersion after another version came first: %v", err)
				}
				vs, err := f.store.Versions(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				if same {
					if created || got.Version != 2 || got.SHA256 != hexSHA(mine) || len(vs) != 2 {
						t.Errorf("same bytes as the other version: created %v, version %d sha %s, %d versions",
							created, got.Version, got.SHA256, len(vs))
					}
					return
				}
				if !created || got.Version != 3 || got.SHA256 != hexSHA(mine) || got.Filename != "mine.pdf" {
					t.Errorf("answered created %v version %d %q sha %s, want version 3 mine.pdf %s",
						created, got.Version, got.Filename, got.SHA256, hexSHA(mine))
				}
				if len(vs) != 3 || vs[1].SHA256 != hexSHA(theirs) || vs[2].SHA256 != hexSHA(mine) || vs[2].N != 3 {
					t.Fatalf("versions after the race: %d", len(vs))
				}
				cur, err := f.store.Evidence(ctx, e.ID)
				if err != nil || cur.Version != 3 || cur.SHA256 != hexSHA(mine) {
					t.Errorf("current after the race: %+v %v", cur, err)
				}
			})
		}
	}
}

// afterVersion runs fn once, right after a version commits.
type afterVersion struct {
	dossier.Store
	fn func()
}

func (s *afterVersion) AddVersion(ctx context.Context, v *dossier.EvidenceVersion) error {
	err := s.Store.AddVersion(ctx, v)
	if fn := s.fn; fn != nil && err == nil {
		s.fn = nil
		fn()
	}
	return err
}

// A version committed right after this upload's (before the vault read the
// item back) does not change the answer: it still describes the version
// this upload made, not the later one.
func TestAddVersionAnswerIsItsOwn(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	e, _, err := f.vault.Ingest(ctx, f.admin, f.caseID, form(t, "contract", "a.pdf", random(500)))
	if err != nil {
		t.Fatal(err)
	}
	spy := &afterVersion{Store: f.store}
	f.vault.Store = spy
	theirs := random(900)
	spy.fn = func() {
		if _, _, err := f.vault.AddVersion(ctx, f.admin, e.ID, form(t, "", "theirs.pdf", theirs)); err != nil {
			t.Error(err)
		}
	}
	mine := random(700)
	got, created, err := f.vault.AddVersion(ctx, f.admin, e.ID, form(t, "", "mine.pdf", mine))
	if err != nil || !created {
		t.Fatalf("AddVersion: created %v, %v", created, err)
	}
	if got.Version != 2 || got.SHA256 != hexSHA(mine) || got.Filename != "mine.pdf" || got.Size != 700 {
		t.Errorf("answered version %d %q size %d sha %s, want version 2 mine.pdf 700 %s",
			got.Version, got.Filename, got.Size, got.SHA256, hexSHA(mine))
	}
	if cur, err := f.store.Evidence(ctx, e.ID); err != nil || cur.Version != 3 || cur.SHA256 != hexSHA(theirs) {
		t.Errorf("current: %+v %v, want version 3 with the later bytes", cur, err)
	}
}
