// Package blobtest is the contract suite every blob.Store must pass, in the
// manner of restic's backend/test: one Run per implementation, against the
// real storage (a temp dir, a live MinIO), never a mock of it.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/blob"
)

// Stream returns size pseudo-random bytes determined by seed, generated on
// the fly so tests and benchmarks can push large blobs without holding them
// in memory. Different seeds give different blobs.
func Stream(seed uint64, size int64) io.Reader {
	var key [32]byte
	key[0], key[1] = byte(seed), byte(seed>>8)
	for i := 2; i < 8; i++ {
		key[i] = byte(seed >> (8 * i))
	}
	return io.LimitReader(rand.NewChaCha8(key), size)
}

// StreamRef computes the Ref of Stream(seed, size) without storing it.
func StreamRef(seed uint64, size int64) blob.Ref {
	h := blob.NewHashReader(Stream(seed, size))
	if _, err := io.Copy(io.Discard, h); err != nil {
		panic(err) // a generator cannot fail
	}
	return h.Ref()
}

// FaultReader is a reader whose behaviour a test decides with a function
// field: the fault (an error, a cancellation) happens where real I/O
// cannot be made to fail on demand.
type FaultReader struct {
	ReadFunc func(p []byte) (int, error)
}

func (f *FaultReader) Read(p []byte) (int, error) { return f.ReadFunc(p) }

// FailAfter returns a reader that yields the first n bytes of r and then
// fails with err, as a client whose connection drops mid-upload.
func FailAfter(r io.Reader, n int64, err error) *FaultReader {
	left := n
	return &FaultReader{ReadFunc: func(p []byte) (int, error) {
		if left <= 0 {
			return 0, err
		}
		if int64(len(p)) > left {
			p = p[:left]
		}
		k, rerr := r.Read(p)
		left -= int64(k)
		return k, rerr
	}}
}

// errDropped is the fault the suite injects into uploads.
var errDropped = errors.New("blobtest: connection dropped")

// Options tunes Run for slow backends.
type Options struct {
	// LargeSize is the size of the streamed blob; 0 means 64 MiB
	// (8 MiB with -short).
	LargeSize int64
	// EdgeSizes are sizes where the store changes how it writes (buffer
	// sizes, a single request against a streamed one); PutOpenStat,
	// ErrReaderFails and PutRepairs also run at each of them.
	EdgeSizes []int
	// Overwrite stores data under the blob name sha behind the store's
	// back, as damage in storage would. PutRepairs runs when it is set.
	Overwrite func(t *testing.T, s blob.Store, sha string, data []byte)
}

// Run runs the contract suite. newStore must return an empty store that the
// test owns; it is called once per subtest.
func Run(t *testing.T, newStore func(t *testing.T) blob.Store) {
	RunOptions(t, newStore, Options{})
}

// RunOptions is Run with options.
func RunOptions(t *testing.T, newStore func(t *testing.T) blob.Store, opt Options) {
	if opt.LargeSize == 0 {
		opt.LargeSize = 64 << 20
		if testing.Short() {
			opt.LargeSize = 8 << 20
		}
	}
	ctx := context.Background()

	t.Run("Ping", func(t *testing.T) {
		if err := newStore(t).Ping(ctx); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})

	t.Run("PutOpenStat", func(t *testing.T) {
		s := newStore(t)
		for _, size := range append([]int{0, 1, 4096, 100_001}, opt.EdgeSizes...) {
			t.Run(fmt.Sprint(size), func(t *testing.T) {
				data := randBytes(uint64(size)+1, size)
				want := refOf(data)
				ref := mustPut(t, s, data, "")
				if ref != want {
					t.Fatalf("Put = %+v, want %+v", ref, want)
				}
				if got, err := s.Stat(ctx, ref.SHA256); err != nil || got != want {
					t.Fatalf("Stat = %+v, %v; want %+v", got, err, want)
				}
				if got := mustRead(t, s, ref.SHA256, 0, -1); !bytes.Equal(got, data) {
					t.Fatalf("Open read %d bytes that differ from the %d put", len(got), len(data))
				}
				if err := blob.Verify(ctx, s, ref); err != nil {
					t.Fatalf("Verify: %v", err)
				}
			})
		}
	})

	t.Run("OpenRange", func(t *testing.T) {
		s := newStore(t)
		data := randBytes(7, 10_000)
		ref := mustPut(t, s, data, "")
		size := int64(len(data))
		tests := []struct {
			name       string
			off, n     int64
			start, end int64 // expected slice of data
		}{
			{"Head", 0, 10, 0, 10},
			{"Middle", 1234, 4321, 1234, 5555},
			{"ToEnd", 9000, -1, 9000, size},
			{"Whole", 0, -1, 0, size},
			{"PastEnd", size - 5, 100, size - 5, size},
			{"Empty", 100, 0, 100, 100},
			{"AtEnd", size, -1, size, size},
			{"BeyondEnd", size + 10, 5, size, size},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := mustRead(t, s, ref.SHA256, tt.off, tt.n)
				if !bytes.Equal(got, data[tt.start:tt.end]) {
					t.Fatalf("Open(%d, %d) read %d bytes, want data[%d:%d]", tt.off, tt.n, len(got), tt.start, tt.end)
				}
			})
		}
		t.Run("ErrNegativeOffset", func(t *testing.T) {
			if rc, err := s.Open(ctx, ref.SHA256, -1, 10); err == nil {
				rc.Close()
				t.Fatal("Open with off=-1 succeeded")
			}
		})
	})

	t.Run("PutTwice", func(t *testing.T) {
		s := newStore(t)
		data := randBytes(11, 50_000)
		first := mustPut(t, s, data, "")
		// An intact blob is never taken for a damaged one and replaced.
		rctx := blob.OnRepair(ctx, func(r blob.Repair) { t.Errorf("intact blob repaired: %v", r) })
		// Once blind, once announcing the digest (the cheap path).
		for _, want := range []string{"", first.SHA256} {
			if again, err := s.Put(rctx, bytes.NewReader(data), want); err != nil || again != first {
				t.Fatalf("second Put(want=%q) = %+v, %v; first %+v", want, again, err, first)
			}
		}
		if refs := walkAll(t, s); len(refs) != 1 || refs[0] != first {
			t.Fatalf("Walk after identical puts = %+v, want just %+v", refs, first)
		}
		if got := mustRead(t, s, first.SHA256, 0, -1); !bytes.Equal(got, data) {
			t.Fatal("content changed by the second Put")
		}
	})

	t.Run("PutConcurrent", func(t *testing.T) {
		// Several clients uploading the same evidence at once must all get
		// the one blob, none an error.
		s := newStore(t)
		data := randBytes(13, 300_000)
		want := refOf(data)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				ref, err := s.Put(ctx, bytes.NewReader(data), "")
				if err == nil && ref != want {
					err = fmt.Errorf("ref %+v, want %+v", ref, want)
				}
				errs[i] = err
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if refs := walkAll(t, s); len(refs) != 1 {
			t.Fatalf("Walk = %+v, want one blob", refs)
		}
	})

	t.Run("PutWant", func(t *testing.T) {
		// At the edge sizes and a large one too: a store may take another
		// path when the digest is declared (S3 streams straight to the
		// blob's name and completes the upload only if it matches).
		for _, size := range append([]int{20_000, int(opt.LargeSize)}, opt.EdgeSizes...) {
			data := randBytes(uint64(size)+17, size)
			other := refOf(randBytes(18, 10))
			tests := []struct {
				name string
				want string
				err  error
			}{
				{"OK", refOf(data).SHA256, nil},
				{"OKUpperCase", toUpper(refOf(data).SHA256), nil},
				{"ErrCorrupt", other.SHA256, blob.ErrCorrupt},
				{"ErrCorruptMalformed", "not-a-digest", blob.ErrCorrupt},
			}
			for _, tt := range tests {
				t.Run(fmt.Sprintf("%d/%s", size, tt.name), func(t *testing.T) {
					s := newStore(t)
					ref, err := s.Put(ctx, bytes.NewReader(data), tt.want)
					if !errors.Is(err, tt.err) {
						t.Fatalf("Put(want=%q) = %+v, %v; want error %v", tt.want, ref, err, tt.err)
					}
					// A mismatch says what was received.
					var mm *blob.MismatchError
					if tt.name == "ErrCorrupt" && (!errors.As(err, &mm) || mm.Got != refOf(data) || mm.Want != tt.want) {
						t.Fatalf("Put(want=%q) error %v (%+v), want a MismatchError with got %+v", tt.want, err, mm, refOf(data))
					}
					refs := walkAll(t, s)
					if tt.err != nil && len(refs) != 0 {
						t.Fatalf("rejected Put left %+v behind", refs)
					}
					if tt.err == nil && (len(refs) != 1 || refs[0] != refOf(data)) {
						t.Fatalf("Walk = %+v, want %+v", refs, refOf(data))
					}
					if tt.err == nil {
						if got := mustRead(t, s, ref.SHA256, 0, -1); !bytes.Equal(got, data) {
							t.Fatalf("Open read %d bytes that differ from the %d put", len(got), len(data))
						}
					}
				})
			}
		}
	})

	if opt.Overwrite != nil {
		t.Run("PutRepairs", func(t *testing.T) { putRepairs(t, newStore, opt) })
	}

	t.Run("ErrNotExist", func(t *testing.T) {
		s := newStore(t)
		absent := refOf([]byte("never stored")).SHA256
		for _, name := range []string{absent, "", "../../etc/passwd", toUpper(absent)} {
			if rc, err := s.Open(ctx, name, 0, -1); !errors.Is(err, blob.ErrNotExist) {
				if err == nil {
					rc.Close()
				}
				t.Errorf("Open(%q) error = %v, want ErrNotExist", name, err)
			}
			if _, err := s.Stat(ctx, name); !errors.Is(err, blob.ErrNotExist) {
				t.Errorf("Stat(%q) error = %v, want ErrNotExist", name, err)
			}
			if err := s.Delete(ctx, name); !errors.Is(err, blob.ErrNotExist) {
				t.Errorf("Delete(%q) error = %v, want ErrNotExist", name, err)
			}
			if err := s.Lock(ctx, name, time.Now().Add(time.Hour), false); !errors.Is(err, blob.ErrNotExist) {
				t.Errorf("Lock(%q) error = %v, want ErrNotExist", name, err)
			}
		}
		if err := blob.Verify(ctx, s, blob.Ref{SHA256: absent}); !errors.Is(err, blob.ErrNotExist) {
			t.Errorf("Verify of absent blob = %v, want ErrNotExist", err)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		keep := mustPut(t, s, randBytes(21, 1000), "")
		gone := mustPut(t, s, randBytes(22, 1000), "")
		if err := s.Delete(ctx, gone.SHA256); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := s.Stat(ctx, gone.SHA256); !errors.Is(err, blob.ErrNotExist) {
			t.Fatalf("Stat after Delete = %v, want ErrNotExist", err)
		}
		if err := s.Delete(ctx, gone.SHA256); !errors.Is(err, blob.ErrNotExist) {
			t.Fatalf("second Delete = %v, want ErrNotExist", err)
		}
		if refs := walkAll(t, s); len(refs) != 1 || refs[0] != keep {
			t.Fatalf("Walk after Delete = %+v, want just %+v", refs, keep)
		}
		// Deleted bytes can come back, as the same blob.
		if ref := mustPut(t, s, randBytes(22, 1000), ""); ref != gone {
			t.Fatalf("Put after Delete = %+v, want %+v", ref, gone)
		}
	})

	t.Run("Walk", func(t *testing.T) {
		s := newStore(t)
		if refs := walkAll(t, s); len(refs) != 0 {
			t.Fatalf("Walk of empty store = %+v", refs)
		}
		var want []blob.Ref
		for i := range 5 {
			want = append(want, mustPut(t, s, randBytes(uint64(30+i), 100*i), ""))
		}
		got := walkAll(t, s)
		sortRefs(want)
		if !slices.Equal(got, want) {
			t.Fatalf("Walk = %+v\nwant %+v", got, want)
		}
		stop := errors.New("stop")
		calls := 0
		err := s.Walk(ctx, func(blob.Ref) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Fatalf("Walk with failing fn = %v after %d calls, want stop after 1", err, calls)
		}
	})

	t.Run("Lock", func(t *testing.T) {
		s := newStore(t)
		ref := mustPut(t, s, randBytes(40, 1000), "")
		if err := s.Lock(ctx, ref.SHA256, time.Now().Add(time.Minute), false); err != nil {
			t.Fatalf("Lock: %v", err)
		}
		if err := blob.Verify(ctx, s, ref); err != nil {
			t.Fatalf("Verify after Lock: %v", err)
		}
	})

	t.Run("ErrReaderFails", func(t *testing.T) {
		// The fault comes after several MiB, so chunked and multipart
		// uploads are already under way when it happens.
		const failAt = 20 << 20
		// net/http's request body fails with io.ErrUnexpectedEOF when the
		// client goes away before Content-Length: that is a failure too,
		// not the end of the blob (io.ReadFull would take it for one).
		type fault struct {
			name string
			at   int64 // bytes the reader gives before failing
			want string
			err  error
		}
		tests := []fault{
			{"Blind", failAt, "", errDropped},
			{"WithWant", failAt, StreamRef(50, failAt+1000).SHA256, errDropped},
			{"UnexpectedEOF", failAt, "", io.ErrUnexpectedEOF},
			{"Early", 1000, "", errDropped},
			{"EarlyUnexpectedEOF", 1000, "", io.ErrUnexpectedEOF},
		}
		for _, size := range opt.EdgeSizes {
			tests = append(tests, fault{fmt.Sprintf("At%d", size), int64(size), "", io.ErrUnexpectedEOF})
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := newStore(t)
				r := FailAfter(Stream(50, tt.at+1000), tt.at, tt.err)
				if ref, err := s.Put(ctx, r, tt.want); !errors.Is(err, tt.err) {
					t.Fatalf("Put = %+v, %v; want the reader's error", ref, err)
				}
				if refs := walkAll(t, s); len(refs) != 0 {
					t.Fatalf("failed Put left %+v behind", refs)
				}
			})
		}
	})

	t.Run("ErrCanceled", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		src := Stream(51, 8<<20)
		var read int64
		r := &FaultReader{ReadFunc: func(p []byte) (int, error) {
			if read > 1<<20 {
				cancel()
			}
			n, err := src.Read(p)
			read += int64(n)
			return n, err
		}}
		if ref, err := s.Put(cctx, r, ""); !errors.Is(err, context.Canceled) {
			t.Fatalf("Put = %+v, %v; want context.Canceled", ref, err)
		}
		if refs := walkAll(t, s); len(refs) != 0 {
			t.Fatalf("canceled Put left %+v behind", refs)
		}
	})

	t.Run("Large", func(t *testing.T) {
		s := newStore(t)
		want := StreamRef(60, opt.LargeSize)
		ref, err := s.Put(ctx, Stream(60, opt.LargeSize), want.SHA256)
		if err != nil {
			t.Fatalf("Put of %d bytes: %v", opt.LargeSize, err)
		}
		if ref != want {
			t.Fatalf("Put = %+v, want %+v", ref, want)
		}
		if err := blob.Verify(ctx, s, ref); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		// A range deep inside a large blob must be read from the right place.
		off := opt.LargeSize - 3<<20
		got := mustRead(t, s, ref.SHA256, off, 1<<20)
		exp := make([]byte, 1<<20)
		src := Stream(60, opt.LargeSize)
		if _, err := io.CopyN(io.Discard, src, off); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(src, exp); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, exp) {
			t.Fatalf("range at %d of the large blob differs", off)
		}
	})
}

// putRepairs: bytes damaged in storage, then uploaded again intact (the
// keeper's copy of the original after a failed fixity check), are replaced
// by the good bytes and the repair is reported. Before, the store kept the
// damage because "same name means same bytes" and answered success.
func putRepairs(t *testing.T, newStore func(t *testing.T) blob.Store, opt Options) {
	ctx := context.Background()
	for _, size := range append([]int{10_000}, opt.EdgeSizes...) {
		data := randBytes(uint64(size)+70, size)
		flipped := slices.Clone(data)
		flipped[size/2] ^= 0xff
		good := refOf(data)
		tests := []struct {
			name    string
			damaged []byte
			want    string
		}{
			{"BitFlip", flipped, ""},
			{"BitFlipDeclared", flipped, good.SHA256},
			{"Truncated", data[:size-1], ""},
			{"TruncatedDeclared", data[:size-1], good.SHA256},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%d/%s", size, tt.name), func(t *testing.T) {
				s := newStore(t)
				mustPut(t, s, data, "")
				opt.Overwrite(t, s, good.SHA256, tt.damaged)
				if err := blob.Verify(ctx, s, good); !errors.Is(err, blob.ErrCorrupt) {
					t.Fatalf("Verify after damage = %v, want ErrCorrupt", err)
				}
				var repairs []blob.Repair
				rctx := blob.OnRepair(ctx, func(r blob.Repair) { repairs = append(repairs, r) })
				if ref, err := s.Put(rctx, bytes.NewReader(data), tt.want); err != nil || ref != good {
					t.Fatalf("Put of the intact bytes = %+v, %v; want %+v", ref, err, good)
				}
				if err := blob.Verify(ctx, s, good); err != nil {
					t.Fatalf("Put answered success but kept the damaged bytes: %v", err)
				}
				if len(repairs) != 1 || repairs[0].Ref != good || repairs[0].Damage == "" {
					t.Fatalf("repairs reported: %+v, want one of %+v", repairs, good)
				}
				// Repaired for good: the next Put finds the blob intact.
				repairs = nil
				if _, err := s.Put(rctx, bytes.NewReader(data), tt.want); err != nil || len(repairs) != 0 {
					t.Fatalf("Put after the repair: %v, repairs %+v", err, repairs)
				}
				if refs := walkAll(t, s); len(refs) != 1 || refs[0] != good {
					t.Fatalf("Walk = %+v, want just %+v", refs, good)
				}
			})
		}
	}
}

func mustPut(t *testing.T, s blob.Store, data []byte, want string) blob.Ref {
	t.Helper()
	ref, err := s.Put(context.Background(), bytes.NewReader(data), want)
	if err != nil {
		t.Fatalf("Put(%d bytes): %v", len(data), err)
	}
	return ref
}

func mustRead(t *testing.T, s blob.Store, sha string, off, n int64) []byte {
	t.Helper()
	rc, err := s.Open(context.Background(), sha, off, n)
	if err != nil {
		t.Fatalf("Open(%s, %d, %d): %v", sha, off, n, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", sha, err)
	}
	return b
}

func walkAll(t *testing.T, s blob.Store) []blob.Ref {
	t.Helper()
	var refs []blob.Ref
	if err := s.Walk(context.Background(), func(r blob.Ref) error {
		refs = append(refs, r)
		return nil
	}); err != nil {
		t.Fatalf("Walk: %v", err)
	}
	sortRefs(refs)
	return refs
}

func sortRefs(refs []blob.Ref) {
	slices.SortFunc(refs, func(a, b blob.Ref) int {
		if a.SHA256 < b.SHA256 {
			return -1
		}
		if a.SHA256 > b.SHA256 {
			return 1
		}
		return 0
	})
}

func randBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(Stream(seed, int64(n)), b); err != nil {
		panic(err)
	}
	return b
}

func refOf(b []byte) blob.Ref {
	sum := sha256.Sum256(b)
	return blob.Ref{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b))}
}

func toUpper(s string) string {
	return string(bytes.ToUpper([]byte(s)))
}
