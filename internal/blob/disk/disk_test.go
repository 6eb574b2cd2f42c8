package disk_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/blobtest"
	"github.com/dossier/dossier/internal/blob/disk"
)

func newStore(tb testing.TB) *disk.Store {
	tb.Helper()
	s, err := disk.New(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// edges are where a Put's copy changes step: one write buffer, and a
// direct-I/O tail that is not a whole block.
var edges = blobtest.Options{EdgeSizes: []int{1 << 20, 1<<20 + 1}, Overwrite: overwrite}

// overwrite damages a blob as bit rot or a stray write would.
func overwrite(t *testing.T, s blob.Store, sha string, data []byte) {
	p := filepath.Join(s.(*disk.Store).Root(), sha[:2], sha[2:4], sha)
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestContract(t *testing.T) {
	blobtest.RunOptions(t, func(t *testing.T) blob.Store { return newStore(t) }, edges)
}

// TestContractBuffered runs the contract on the path taken where the
// filesystem has no direct I/O.
func TestContractBuffered(t *testing.T) {
	blobtest.RunOptions(t, func(t *testing.T) blob.Store {
		s, err := disk.NewBuffered(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, edges)
}

func TestLayoutReadOnly(t *testing.T) {
	s := newStore(t)
	ref, err := s.Put(context.Background(), blobtest.Stream(1, 5000), "")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(s.Root(), ref.SHA256[:2], ref.SHA256[2:4], ref.SHA256)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatalf("blob not at %s: %v", p, err)
	}
	if mode := fi.Mode().Perm(); mode&0o222 != 0 {
		t.Fatalf("blob mode %v, want read-only", mode)
	}
	assertNoTemp(t, s)
}

func TestErrReaderFailsNoTemp(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name string
		want string
		err  error
	}{
		{"ErrReader", "", errBoom},
		{"ErrCorrupt", blobtest.StreamRef(9, 10).SHA256, blob.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			r := blobtest.FailAfter(blobtest.Stream(2, 3<<20), 2<<20, errBoom)
			if tt.err != errBoom {
				r = blobtest.FailAfter(blobtest.Stream(2, 3<<20), 4<<20, errBoom)
			}
			if _, err := s.Put(context.Background(), r, tt.want); !errors.Is(err, tt.err) {
				t.Fatalf("Put error = %v, want %v", err, tt.err)
			}
			assertNoTemp(t, s)
			// Nothing but the empty temp dir may exist under root.
			entries, err := os.ReadDir(s.Root())
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Name() != "tmp" {
				t.Fatalf("root holds %v after a failed Put", entries)
			}
		})
	}
}

func TestRemoveTemp(t *testing.T) {
	s := newStore(t)
	// A crash mid-Put leaves a temp file; Walk must not report it and
	// RemoveTemp must collect it once it is old enough.
	stale := filepath.Join(s.Root(), "tmp", "put-123")
	if err := os.WriteFile(stale, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(s.Root(), "tmp", "put-456")
	if err := os.WriteFile(fresh, []byte("in progress"), 0o644); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := s.Walk(context.Background(), func(blob.Ref) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("Walk saw %d blobs, err %v; want temp files ignored", n, err)
	}
	removed, err := s.RemoveTemp(time.Hour)
	if err != nil || removed != 1 {
		t.Fatalf("RemoveTemp = %d, %v; want 1", removed, err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale temp still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatalf("fresh temp removed: %v", err)
	}
}

func assertNoTemp(t *testing.T, s *disk.Store) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(s.Root(), "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("temp files left: %v", entries)
	}
}

// TestVerifyErrCorrupt damages a stored file behind the store's back, as
// bit rot or a careless administrator would, and expects Verify to notice.
func TestVerifyErrCorrupt(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	ref, err := s.Put(ctx, blobtest.Stream(3, 10_000), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := blob.Verify(ctx, s, ref); err != nil {
		t.Fatalf("Verify of intact blob: %v", err)
	}
	p := filepath.Join(s.Root(), ref.SHA256[:2], ref.SHA256[2:4], ref.SHA256)
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0xff}, 5000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := blob.Verify(ctx, s, ref); !errors.Is(err, blob.ErrCorrupt) {
		t.Fatalf("Verify of damaged blob = %v, want ErrCorrupt", err)
	}
}
