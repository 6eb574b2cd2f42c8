package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

var _ dossier.BundleStore = (*DB)(nil)

const bundleColumns = `id, case_id, title, items, list_zh_sha, list_zh_size, list_en_sha, list_en_size,
	merged_sha, merged_size, pages, merkle_root, created_by, created_at`

// CreateBundle inserts b with its items.
func (db *DB) CreateBundle(ctx context.Context, b *dossier.Bundle) error {
	items, err := json.Marshal(b.Items)
	if err != nil {
		return fmt.Errorf("sqlstore: bundle items: %w", err)
	}
	_, err = db.q.ExecContext(ctx, `INSERT INTO bundles (`+bundleColumns+`) VALUES
		($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		b.ID, b.CaseID, b.Title, string(items), b.ListZH.SHA256, b.ListZH.Size, b.ListEN.SHA256, b.ListEN.Size,
		b.Merged.SHA256, b.Merged.Size, b.Pages, b.MerkleRoot, b.CreatedBy, tm(b.CreatedAt))
	return db.wrap("create bundle", err)
}

func scanBundle(s scanner) (*dossier.Bundle, error) {
	var b dossier.Bundle
	var items, created string
	if err := s.Scan(&b.ID, &b.CaseID, &b.Title, &items, &b.ListZH.SHA256, &b.ListZH.Size, &b.ListEN.SHA256,
		&b.ListEN.Size, &b.Merged.SHA256, &b.Merged.Size, &b.Pages, &b.MerkleRoot, &b.CreatedBy, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(items), &b.Items); err != nil {
		return nil, fmt.Errorf("bundle %s items: %w", b.ID, err)
	}
	b.CreatedAt = parseTm(created)
	return &b, nil
}

// Bundle returns one bundle.
func (db *DB) Bundle(ctx context.Context, id string) (*dossier.Bundle, error) {
	b, err := scanBundle(db.q.QueryRowContext(ctx, `SELECT `+bundleColumns+` FROM bundles WHERE id=$1`, id))
	if err == sql.ErrNoRows {
		return nil, dossier.NotFound("bundle")
	}
	return b, db.wrap("bundle", err)
}

// Bundles lists a case's bundles, oldest first.
func (db *DB) Bundles(ctx context.Context, caseID string) ([]*dossier.Bundle, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT `+bundleColumns+` FROM bundles WHERE case_id=$1
		ORDER BY created_at, id`, caseID)
	if err != nil {
		return nil, db.wrap("bundles", err)
	}
	defer rows.Close()
	out := []*dossier.Bundle{}
	for rows.Next() {
		b, err := scanBundle(rows)
		if err != nil {
			return nil, db.wrap("scan bundle", err)
		}
		out = append(out, b)
	}
	return out, db.wrap("bundles", rows.Err())
}

const shareColumns = `id, bundle_id, case_id, token_hash, expires_at, max_downloads, downloads, note,
	revoked_at, created_by, created_at`

// CreateShare inserts s.
func (db *DB) CreateShare(ctx context.Context, s *dossier.Share) error {
	_, err := db.q.ExecContext(ctx, `INSERT INTO bundle_shares (`+shareColumns+`) VALUES
		($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		s.ID, s.BundleID, s.CaseID, s.TokenHash, tm(s.ExpiresAt), s.MaxDownloads, s.Downloads, s.Note,
		tmPtr(s.RevokedAt), s.CreatedBy, tm(s.CreatedAt))
	return db.wrap("create share", err)
}

func scanShare(sc scanner) (*dossier.Share, error) {
	var s dossier.Share
	var expires, created string
	var revoked sql.NullString
	if err := sc.Scan(&s.ID, &s.BundleID, &s.CaseID, &s.TokenHash, &expires, &s.MaxDownloads, &s.Downloads,
		&s.Note, &revoked, &s.CreatedBy, &created); err != nil {
		return nil, err
	}
	s.ExpiresAt, s.CreatedAt, s.RevokedAt = parseTm(expires), parseTm(created), parseTmPtr(revoked)
	return &s, nil
}

func (db *DB) share(ctx context.Context, cond string, arg any) (*dossier.Share, error) {
	s, err := scanShare(db.q.QueryRowContext(ctx, `SELECT `+shareColumns+` FROM bundle_shares WHERE `+cond, arg))
	if err == sql.ErrNoRows {
		return nil, dossier.NotFound("share")
	}
	return s, db.wrap("share", err)
}

// ShareByToken returns the share with the token hash.
func (db *DB) ShareByToken(ctx context.Context, hash string) (*dossier.Share, error) {
	return db.share(ctx, `token_hash=$1`, hash)
}

// Shares lists a bundle's shares, oldest first.
func (db *DB) Shares(ctx context.Context, bundleID string) ([]*dossier.Share, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT `+shareColumns+` FROM bundle_shares WHERE bundle_id=$1
		ORDER BY created_at, id`, bundleID)
	if err != nil {
		return nil, db.wrap("shares", err)
	}
	defer rows.Close()
	out := []*dossier.Share{}
	for rows.Next() {
		s, err := scanShare(rows)
		if err != nil {
			return nil, db.wrap("scan share", err)
		}
		out = append(out, s)
	}
	return out, db.wrap("shares", rows.Err())
}

// RevokeShare marks a share revoked; the first revocation time is kept.
func (db *DB) RevokeShare(ctx context.Context, bundleID, id string, at time.Time) error {
	res, err := db.q.ExecContext(ctx, `UPDATE bundle_shares SET revoked_at=COALESCE(revoked_at, $1)
		WHERE id=$2 AND bundle_id=$3`, tm(at), id, bundleID)
	if err != nil {
		return db.wrap("revoke share", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return db.wrap("revoke share", err)
	} else if n == 0 {
		return dossier.NotFound("share")
	}
	return nil
}

// ClaimDownload counts a download in one conditional UPDATE: the database
// checks liveness and the limit in the same statement that increments, so two
// concurrent downloads of the last allowed one cannot both succeed.
func (db *DB) ClaimDownload(ctx context.Context, id string, d *dossier.ShareDownload) (*dossier.Share, error) {
	var out *dossier.Share
	err := db.InTx(ctx, func(st dossier.Store) error {
		tx := st.(*DB)
		res, err := tx.q.ExecContext(ctx, `UPDATE bundle_shares SET downloads=downloads+1
			WHERE id=$1 AND revoked_at IS NULL AND expires_at > $2
			AND (max_downloads = 0 OR downloads < max_downloads)`, id, tm(d.At))
		if err != nil {
			return tx.wrap("claim download", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return tx.wrap("claim download", err)
		} else if n == 0 {
			return dossier.NotFound("share")
		}
		d.ShareID = id
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO bundle_share_downloads (share_id, at, ip, user_agent)
			VALUES ($1,$2,$3,$4)`, id, tm(d.At), d.IP, d.UserAgent); err != nil {
			return tx.wrap("log download", err)
		}
		out, err = tx.share(ctx, `id=$1`, id)
		return err
	})
	return out, err
}

// ShareDownloads lists a share's downloads, oldest first.
func (db *DB) ShareDownloads(ctx context.Context, shareID string) ([]*dossier.ShareDownload, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT share_id, at, ip, user_agent FROM bundle_share_downloads
		WHERE share_id=$1 ORDER BY at`, shareID)
	if err != nil {
		return nil, db.wrap("share downloads", err)
	}
	defer rows.Close()
	out := []*dossier.ShareDownload{}
	for rows.Next() {
		var d dossier.ShareDownload
		var at string
		if err := rows.Scan(&d.ShareID, &at, &d.IP, &d.UserAgent); err != nil {
			return nil, db.wrap("scan share download", err)
		}
		d.At = parseTm(at)
		out = append(out, &d)
	}
	return out, db.wrap("share downloads", rows.Err())
}
