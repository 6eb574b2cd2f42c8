package indexer_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"mime/multipart"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/evidence"
	"github.com/dossier/dossier/internal/indexer"
	"github.com/dossier/dossier/internal/search"
	"github.com/dossier/dossier/internal/testenv"
)

// wav is a PCM WAV file (8 kHz mono, 16 bit) of the given length in seconds;
// its bytes differ by length, so two lengths are two blobs.
func wav(seconds int) []byte {
	frames := 8000 * seconds
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*frames))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))    // PCM
	le(uint16(1))    // mono
	le(uint32(8000)) // rate
	le(uint32(16000))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(uint32(2 * frames))
	b.Write(make([]byte, 2*frames))
	return b.Bytes()
}

func uploadForm(kind, name string, data []byte) *evidence.FormReader {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if kind != "" {
		_ = w.WriteField("kind", kind)
	}
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	return evidence.NewFormReader(bytes.NewReader(b.Bytes()), w.Boundary())
}

// drain waits until the indexing queue is empty: every job, including any
// queued while an extraction ran, has been processed.
func (f *fixture) drain(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var n int
		if err := f.store.SQL().QueryRow(`SELECT COUNT(*) FROM index_jobs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d indexing jobs still queued", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A user's change to an item while its text is being extracted survives the
// extraction: the indexer writes only the text state, and only for the
// version it read. Before, it wrote back its whole stale copy, lifting legal
// holds, undoing tombstones and marking a new version indexed with the old
// version's text.
func TestIndexerKeepsConcurrentChanges(t *testing.T) {
	admin := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}
	counsel := &dossier.Actor{User: &dossier.User{Role: dossier.RoleAuditor}}
	tests := []struct {
		name     string
		kind     string
		filename string
		data     []byte
		// during runs while the first extraction is held up.
		during func(ctx context.Context, t *testing.T, v *evidence.Vault, e *dossier.Evidence)
		check  func(ctx context.Context, t *testing.T, f *fixture, got *dossier.Evidence)
	}{
		{"Hold", "contract", "contract.txt", []byte("合同全文 holdcontracttext"),
			func(ctx context.Context, t *testing.T, v *evidence.Vault, e *dossier.Evidence) {
				hold := true
				if _, err := v.Hold(ctx, admin, e.ID, &hold, "诉讼保全"); err != nil {
					t.Fatal(err)
				}
			},
			func(ctx context.Context, t *testing.T, f *fixture, got *dossier.Evidence) {
				if !got.Hold || got.HoldReason != "诉讼保全" {
					t.Errorf("hold=%v reason=%q after indexing, want the legal hold kept", got.Hold, got.HoldReason)
				}
				if got.TextStatus != dossier.TextIndexed {
					t.Errorf("text_status %q, want indexed", got.TextStatus)
				}
			}},
		{"Delete", "chat", "chat.txt", []byte("聊天记录 deletedchattext"),
			func(ctx context.Context, t *testing.T, v *evidence.Vault, e *dossier.Evidence) {
				if err := v.Delete(ctx, admin, e.ID); err != nil {
					t.Fatal(err)
				}
			},
			func(ctx context.Context, t *testing.T, f *fixture, got *dossier.Evidence) {
				if got.DeletedAt == nil {
					t.Errorf("tombstone undone by the indexer")
				}
				res, err := f.ix.Search(ctx, counsel, search.Query{Q: "deletedchattext"})
				if err != nil || res.Total != 0 {
					t.Errorf("deleted item still found: %+v %v", res, err)
				}
			}},
		{"NewVersion", "chat", "chat.txt", []byte("oldversiontext"),
			func(ctx context.Context, t *testing.T, v *evidence.Vault, e *dossier.Evidence) {
				if _, _, err := v.AddVersion(ctx, admin, e.ID, uploadForm("", "chat2.txt", []byte("newversionzebra"))); err != nil {
					t.Fatal(err)
				}
			},
			func(ctx context.Context, t *testing.T, f *fixture, got *dossier.Evidence) {
				if got.Version != 2 || got.TextStatus != dossier.TextIndexed || got.TextSHA256 != got.SHA256 {
					t.Errorf("version %d text_status %q from sha256 %s, want version 2 (%s) indexed",
						got.Version, got.TextStatus, got.TextSHA256, got.SHA256)
				}
				for q, want := range map[string]uint64{"newversionzebra": 1, "oldversiontext": 0} {
					res, err := f.ix.Search(ctx, counsel, search.Query{Q: q})
					if err != nil || res.Total != want {
						t.Errorf("search %q: %d hits (%v), want %d", q, res.Total, err, want)
					}
				}
			}},
		{"NewRecordingVersion", "recording", "call.wav", wav(1),
			func(ctx context.Context, t *testing.T, v *evidence.Vault, e *dossier.Evidence) {
				if _, _, err := v.AddVersion(ctx, admin, e.ID, uploadForm("", "call2.wav", wav(3))); err != nil {
					t.Fatal(err)
				}
			},
			func(ctx context.Context, t *testing.T, f *fixture, got *dossier.Evidence) {
				if got.Version != 2 || got.DurationSec != 3 || got.AudioFormat != "wav" {
					t.Errorf("version %d duration %v format %q, want version 2 of 3 s wav", got.Version, got.DurationSec, got.AudioFormat)
				}
				if got.TextStatus == dossier.TextPending {
					t.Errorf("version 2 never processed: text_status pending")
				}
			}},
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, tt := range tests {
			t.Run(backend+"/"+tt.name, func(t *testing.T) {
				url := testenv.StoreURL(t, backend)
				f := newFixture(t, url)
				ctx := context.Background()
				started, release := make(chan struct{}), make(chan struct{})
				first := true
				f.ix.Workers = 1 // the first extraction is the one held up
				f.ix.Extract = func(ctx context.Context, mt, fn string, r io.Reader) (string, error) {
					if first {
						first = false
						close(started)
						<-release // a long OCR
					}
					return indexer.ExtractText(ctx, mt, fn, r)
				}
				v := &evidence.Vault{Store: f.store, Blobs: f.blobs, OnIngest: f.ix.Notify}
				if err := f.ix.Start(ctx); err != nil {
					t.Fatal(err)
				}
				defer f.ix.Close(ctx)
				e, _, err := v.Ingest(ctx, admin, f.c.ID, uploadForm(tt.kind, tt.filename, tt.data))
				if err != nil {
					t.Fatal(err)
				}
				<-started
				tt.during(ctx, t, v, e)
				close(release)
				f.drain(t)
				got, err := f.store.Evidence(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				tt.check(ctx, t, f, got)
			})
		}
	}
}

// racingStore runs hook once, right after the first read of an item: the
// moment between a writer's read and its write.
type racingStore struct {
	dossier.Store
	hook func()
}

func (s *racingStore) Evidence(ctx context.Context, id string) (*dossier.Evidence, error) {
	e, err := s.Store.Evidence(ctx, id)
	if h := s.hook; h != nil {
		s.hook = nil
		h()
	}
	return e, err
}

// A hold or a deletion whose read came before another writer's change keeps
// that change: each writes only its own columns, and a deletion is refused
// (423) if the item was put on hold meanwhile.
func TestHoldAndDeleteKeepOtherWrites(t *testing.T) {
	admin := &dossier.Actor{User: &dossier.User{ID: "u1", Username: "admin", Role: dossier.RoleAdmin}}
	hold := func(ctx context.Context, v *evidence.Vault, id string) error {
		on := true
		_, err := v.Hold(ctx, admin, id, &on, "诉讼保全")
		return err
	}
	del := func(ctx context.Context, v *evidence.Vault, id string) error { return v.Delete(ctx, admin, id) }
	index := func(ctx context.Context, f *fixture, _ *evidence.Vault, _ string) error {
		return f.ix.Reindex(ctx, nil, nil)
	}
	tests := []struct {
		name string
		// between runs between act's read of the item and its write.
		between     func(ctx context.Context, f *fixture, other *evidence.Vault, id string) error
		act         func(ctx context.Context, v *evidence.Vault, id string) error
		wantCode    string
		wantHold    bool
		wantDeleted bool
		wantText    string
	}{
		{"HoldKeepsText", index, hold, "", true, false, dossier.TextIndexed},
		{"DeleteKeepsText", index, del, "", false, true, dossier.TextIndexed},
		{"ErrDeleteOfItemHeldMeanwhile", func(ctx context.Context, _ *fixture, other *evidence.Vault, id string) error {
			return hold(ctx, other, id)
		}, del, dossier.ELOCKED, true, false, dossier.TextPending},
		{"ErrHoldOfItemDeletedMeanwhile", func(ctx context.Context, _ *fixture, other *evidence.Vault, id string) error {
			return del(ctx, other, id)
		}, hold, dossier.ECONFLICT, false, true, dossier.TextPending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, filepath.Join(t.TempDir(), "meta.db"))
			ctx := context.Background()
			e := f.add(t, "contract", "合同", "contract.txt", "text/plain", []byte("合同全文"), "")
			rs := &racingStore{Store: f.store}
			v := &evidence.Vault{Store: rs, Blobs: f.blobs}
			other := &evidence.Vault{Store: f.store, Blobs: f.blobs}
			rs.hook = func() {
				if err := tt.between(ctx, f, other, e.ID); err != nil {
					t.Error(err)
				}
			}
			if err := tt.act(ctx, v, e.ID); dossier.ErrorCode(err) != tt.wantCode && (err != nil || tt.wantCode != "") {
				t.Fatalf("%s: %v, want code %q", tt.name, err, tt.wantCode)
			}
			got, err := f.store.Evidence(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.TextStatus != tt.wantText || got.Hold != tt.wantHold || (got.DeletedAt != nil) != tt.wantDeleted {
				t.Errorf("text_status=%q hold=%v deleted_at=%v; want %q, hold %v, deleted %v",
					got.TextStatus, got.Hold, got.DeletedAt, tt.wantText, tt.wantHold, tt.wantDeleted)
			}
		})
	}
}
