package sqlstore_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

func TestBundles(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		c := newCase("2026-BD-0001", dossier.NewDate(2026, 1, 1))
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		b := &dossier.Bundle{ID: dossier.NewID(), CaseID: c.ID, Title: "一审证据",
			Items: []dossier.BundleItem{{N: 1, EvidenceID: "e1", Version: 2, Purpose: "证明合同成立", Title: "买卖合同",
				ZipName: "originals/01-买卖合同.pdf", SHA256: "ab", Size: 3, PageFrom: 1, Pages: 2, Merged: true}},
			ListZH: dossier.BundleFile{SHA256: "z", Size: 1}, ListEN: dossier.BundleFile{SHA256: "e", Size: 2},
			Merged: dossier.BundleFile{SHA256: "m", Size: 3}, Pages: 2, MerkleRoot: "r", CreatedBy: "u1", CreatedAt: now}
		t.Run("OK", func(t *testing.T) {
			if err := db.CreateBundle(ctx, b); err != nil {
				t.Fatal(err)
			}
			got, err := db.Bundle(ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Items[0].Purpose != "证明合同成立" || got.Items[0].Version != 2 || got.ListEN.Size != 2 ||
				!got.CreatedAt.Equal(now) || got.MerkleRoot != "r" {
				t.Fatalf("round trip: %+v", got)
			}
			list, err := db.Bundles(ctx, c.ID)
			if err != nil || len(list) != 1 {
				t.Fatalf("list: %v %v", list, err)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			if _, err := db.Bundle(ctx, "nope"); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Fatalf("got %v", err)
			}
			bad := *b
			bad.ID, bad.CaseID = dossier.NewID(), "no-case"
			if err := db.CreateBundle(ctx, &bad); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Fatalf("absent case: got %v", err)
			}
		})
		newShare := func(hash string, max int, expires time.Time) *dossier.Share {
			s := &dossier.Share{ID: dossier.NewID(), BundleID: b.ID, CaseID: c.ID, TokenHash: hash,
				ExpiresAt: expires, MaxDownloads: max, Note: "律所", CreatedBy: "u1", CreatedAt: now}
			if err := db.CreateShare(ctx, s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		t.Run("ShareLimitConcurrent", func(t *testing.T) {
			s := newShare("h-limit", 3, now.Add(time.Hour))
			var ok atomic.Int32
			var wg sync.WaitGroup
			for i := 0; i < 12; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := db.ClaimDownload(ctx, s.ID, &dossier.ShareDownload{At: time.Now(), IP: "10.0.0.1", UserAgent: "curl"})
					switch dossier.ErrorCode(err) {
					case "":
						ok.Add(1)
					case dossier.ENOTFOUND, dossier.EUNAVAILABLE:
					default:
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if ok.Load() != 3 {
				t.Fatalf("%d claims succeeded, want exactly 3", ok.Load())
			}
			got, err := db.ShareByToken(ctx, "h-limit")
			if err != nil || got.Downloads != 3 {
				t.Fatalf("share after claims: %+v %v", got, err)
			}
			log, err := db.ShareDownloads(ctx, s.ID)
			if err != nil || len(log) != 3 || log[0].IP != "10.0.0.1" || log[0].UserAgent != "curl" {
				t.Fatalf("download log: %+v %v", log, err)
			}
		})
		t.Run("ErrExpired", func(t *testing.T) {
			s := newShare("h-exp", 0, now.Add(time.Minute))
			if _, err := db.ClaimDownload(ctx, s.ID, &dossier.ShareDownload{At: now.Add(2 * time.Minute)}); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Fatalf("expired: got %v", err)
			}
		})
		t.Run("ErrRevoked", func(t *testing.T) {
			s := newShare("h-rev", 0, now.Add(time.Hour))
			if _, err := db.ClaimDownload(ctx, s.ID, &dossier.ShareDownload{At: now}); err != nil {
				t.Fatal(err)
			}
			if err := db.RevokeShare(ctx, b.ID, s.ID, now); err != nil {
				t.Fatal(err)
			}
			if err := db.RevokeShare(ctx, "other", s.ID, now); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Fatalf("revoke through another bundle: %v", err)
			}
			if _, err := db.ClaimDownload(ctx, s.ID, &dossier.ShareDownload{At: now}); dossier.ErrorCode(err) != dossier.ENOTFOUND {
				t.Fatalf("revoked: got %v", err)
			}
			got, _ := db.ShareByToken(ctx, "h-rev")
			if got.RevokedAt == nil || got.Live(now) {
				t.Fatalf("revoked share reads %+v", got)
			}
		})
		t.Run("ErrConflict", func(t *testing.T) {
			s := &dossier.Share{ID: dossier.NewID(), BundleID: b.ID, CaseID: c.ID, TokenHash: "h-rev",
				ExpiresAt: now, CreatedAt: now}
			if err := db.CreateShare(ctx, s); dossier.ErrorCode(err) != dossier.ECONFLICT {
				t.Fatalf("duplicate token hash: %v", err)
			}
		})
		t.Run("List", func(t *testing.T) {
			l, err := db.Shares(ctx, b.ID)
			if err != nil || len(l) != 3 {
				t.Fatalf("shares: %d %v", len(l), err)
			}
		})
	})
}
