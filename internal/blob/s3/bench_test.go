package s3_test

import (
	"context"
	"flag"
	"fmt"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/blobtest"
	"github.com/dossier/dossier/internal/blob/s3"
)

var benchSize = flag.Int64("blob.size", 256<<20, "bytes per Put in benchmarks")

// BenchmarkPut compares the store with a plain upload of the same generated
// bytes: Store is Put (for a blob over SmallMax: hash, checksummed upload to
// a temp key, server-side copy to the name, temp delete); StoreDeclared is
// Put with the digest declared (hash, checksummed upload straight to the
// name, completed once the digest matched); RawPutObject is one minio-go PutObject
// with the same part size and minio-go's default checksum (CRC32C);
// RawPutObjectSHA256 is that upload with the SHA-256 checksum the store
// uses, separating the checksum's cost from the copy's.
func BenchmarkPut(b *testing.B) {
	b.Run("Store", func(b *testing.B) {
		s, _, _ := newStore(b, false)
		blobtest.BenchPut(b, s, *benchSize)
	})
	// With the digest declared: a multipart upload straight to the name.
	b.Run("StoreDeclared", func(b *testing.B) {
		s, _, _ := newStore(b, false)
		blobtest.BenchPutDeclared(b, s, *benchSize)
	})
	raw := func(b *testing.B, opts minio.PutObjectOptions) {
		_, raw, bucket := newStore(b, false)
		ctx := context.Background()
		blobtest.BenchFunc(b, *benchSize, func(seed uint64) (blob.Ref, error) {
			info, err := raw.PutObject(ctx, bucket, "raw", blobtest.Stream(seed, *benchSize), -1, opts)
			return blob.Ref{Size: info.Size}, err
		}, func(blob.Ref) error {
			return raw.RemoveObject(ctx, bucket, "raw", minio.RemoveObjectOptions{})
		})
	}
	b.Run("RawPutObject", func(b *testing.B) {
		raw(b, minio.PutObjectOptions{PartSize: s3.DefaultPartSize})
	})
	b.Run("RawPutObjectSHA256", func(b *testing.B) {
		raw(b, minio.PutObjectOptions{PartSize: s3.DefaultPartSize, Checksum: minio.ChecksumSHA256})
	})
}

// BenchmarkPutSmall measures blobs Put sends as one request (letters,
// invoices, photos) against the plain single PUT of the same bytes with
// minio-go computing the SHA-256 checksum: the store adds the existence
// check of content addressing.
func BenchmarkPutSmall(b *testing.B) {
	for _, size := range []int64{64 << 10, 1 << 20, s3.SmallMax} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			b.Run("Store", func(b *testing.B) {
				s, _, _ := newStore(b, false)
				blobtest.BenchPut(b, s, size)
			})
			b.Run("RawPutObjectSHA256", func(b *testing.B) {
				_, raw, bucket := newStore(b, false)
				ctx := context.Background()
				blobtest.BenchFunc(b, size, func(seed uint64) (blob.Ref, error) {
					info, err := raw.PutObject(ctx, bucket, "raw", blobtest.Stream(seed, size), size,
						minio.PutObjectOptions{Checksum: minio.ChecksumSHA256})
					return blob.Ref{Size: info.Size}, err
				}, func(blob.Ref) error {
					return raw.RemoveObject(ctx, bucket, "raw", minio.RemoveObjectOptions{})
				})
			})
		})
	}
}
