package blobtest

import (
	"context"
	"testing"

	"github.com/dossier/dossier/internal/blob"
)

// BenchPut measures Put of size-byte blobs streamed from the generator; the
// testing package prints MB/s from SetBytes. Each iteration stores a new blob
// (a fresh seed defeats deduplication) and deletes it outside the timer, so
// disk use stays at one blob.
func BenchPut(b *testing.B, s blob.Store, size int64) {
	BenchFunc(b, size, func(seed uint64) (blob.Ref, error) {
		return s.Put(context.Background(), Stream(seed, size), "")
	}, func(ref blob.Ref) error {
		return s.Delete(context.Background(), ref.SHA256)
	})
}

// BenchPutDeclared is BenchPut with each blob's digest declared to Put,
// as a client that hashed the file at collection declares it; the digest
// is computed outside the timer.
func BenchPutDeclared(b *testing.B, s blob.Store, size int64) {
	BenchFunc(b, size, func(seed uint64) (blob.Ref, error) {
		b.StopTimer()
		want := StreamRef(seed, size).SHA256
		b.StartTimer()
		return s.Put(context.Background(), Stream(seed, size), want)
	}, func(ref blob.Ref) error {
		return s.Delete(context.Background(), ref.SHA256)
	})
}

// BenchFunc runs put for each iteration with a fresh seed and cleanup after
// it, untimed. Backends use it for their raw baselines so both sides of a
// ratio are measured the same way.
func BenchFunc(b *testing.B, size int64, put func(seed uint64) (blob.Ref, error), cleanup func(blob.Ref) error) {
	b.SetBytes(size)
	b.ReportAllocs()
	seed := uint64(1000)
	for b.Loop() {
		seed++
		ref, err := put(seed)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := cleanup(ref); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
