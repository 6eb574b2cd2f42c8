package s3

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/dossier/dossier/internal/blob"
)

// Delete implements blob.Store. On a versioned bucket every version of the
// blob is removed by ID: a plain delete would only add a delete marker,
// which S3 allows even on locked objects, and the "deleted" bytes would
// linger. Removing a locked version is what the service refuses, and that
// refusal is reported as ErrLocked.
func (s *Store) Delete(ctx context.Context, sha256 string) (err error) {
	defer func() { err = outage(err) }()
	if !blob.ValidSHA256(sha256) {
		return fmt.Errorf("s3: delete %q: %w", sha256, blob.ErrNotExist)
	}
	k := key(sha256)
	if !s.versioned {
		if _, err := s.c.StatObject(ctx, s.bucket, k, minio.StatObjectOptions{}); err != nil {
			return mapErr("delete", sha256, err)
		}
		if err := s.c.RemoveObject(ctx, s.bucket, k, minio.RemoveObjectOptions{}); err != nil {
			return mapErr("delete", sha256, err)
		}
		return nil
	}

	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var versions []minio.ObjectInfo
	live := false
	for obj := range s.c.ListObjects(lctx, s.bucket, minio.ListObjectsOptions{Prefix: k, WithVersions: true}) {
		if obj.Err != nil {
			return fmt.Errorf("s3: delete %s: %w", sha256, obj.Err)
		}
		if obj.Key != k {
			continue
		}
		versions = append(versions, obj)
		if obj.IsLatest && !obj.IsDeleteMarker {
			live = true
		}
	}
	// Only delete markers (or nothing) left: the blob is already gone.
	if !live {
		return fmt.Errorf("s3: delete %s: %w", sha256, blob.ErrNotExist)
	}
	var errs []error
	for _, v := range versions {
		err := s.c.RemoveObject(ctx, s.bucket, k, minio.RemoveObjectOptions{VersionID: v.VersionID})
		if err != nil && !notExist(err) {
			errs = append(errs, s.lockedErr(ctx, k, v.VersionID, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("s3: delete %s: %w", sha256, err)
	}
	return nil
}

// lockedErr turns a refused deletion into ErrLocked when the version really
// is under retention or legal hold. AccessDenied is also what wrong
// credentials produce, so the lock is confirmed before it is blamed.
func (s *Store) lockedErr(ctx context.Context, k, versionID string, err error) error {
	switch code(err) {
	case "ObjectLocked":
		return fmt.Errorf("%w: %w", blob.ErrLocked, err)
	case "AccessDenied", "InvalidRequest":
	default:
		return err
	}
	if st, herr := s.c.GetObjectLegalHold(ctx, s.bucket, k, minio.GetObjectLegalHoldOptions{VersionID: versionID}); herr == nil &&
		st != nil && *st == minio.LegalHoldEnabled {
		return fmt.Errorf("%w (legal hold): %w", blob.ErrLocked, err)
	}
	if _, until, rerr := s.c.GetObjectRetention(ctx, s.bucket, k, versionID); rerr == nil &&
		until != nil && until.After(time.Now()) {
		return fmt.Errorf("%w (retained until %s): %w", blob.ErrLocked, until.UTC().Format(time.RFC3339), err)
	}
	return err
}

// Lock implements blob.Store on the blob's current version. Retention is
// only extended: a COMPLIANCE date cannot be shortened, and a caller passing
// an older date (or one already past) means no change. Without object locking on the bucket it
// only checks that the blob exists.
func (s *Store) Lock(ctx context.Context, sha256 string, until time.Time, hold bool) (err error) {
	defer func() { err = outage(err) }()
	if !blob.ValidSHA256(sha256) {
		return fmt.Errorf("s3: lock %q: %w", sha256, blob.ErrNotExist)
	}
	k := key(sha256)
	info, err := s.c.StatObject(ctx, s.bucket, k, minio.StatObjectOptions{})
	if err != nil {
		return mapErr("lock", sha256, err)
	}
	if !s.locking {
		return nil
	}
	// A date already past asks for nothing: S3 refuses to retain until
	// then, and the hold must still be set.
	if until.After(time.Now()) {
		_, cur, err := s.c.GetObjectRetention(ctx, s.bucket, k, info.VersionID)
		if err != nil && code(err) != "NoSuchObjectLockConfiguration" {
			return fmt.Errorf("s3: lock %s: %w", sha256, err)
		}
		if cur == nil || cur.Before(until) {
			until := until.UTC()
			err := s.c.PutObjectRetention(ctx, s.bucket, k, minio.PutObjectRetentionOptions{
				Mode: &s.mode, RetainUntilDate: &until, VersionID: info.VersionID,
			})
			if err != nil {
				return fmt.Errorf("s3: lock %s: retention: %w", sha256, err)
			}
		}
	}
	status := minio.LegalHoldDisabled
	if hold {
		status = minio.LegalHoldEnabled
	}
	err = s.c.PutObjectLegalHold(ctx, s.bucket, k, minio.PutObjectLegalHoldOptions{VersionID: info.VersionID, Status: &status})
	if err != nil {
		return fmt.Errorf("s3: lock %s: legal hold: %w", sha256, err)
	}
	return nil
}

var _ blob.LockReader = (*Store)(nil)

// LockState implements blob.LockReader on the blob's current version, the
// one Lock sets. A bucket without object locking answers ErrNoLocking. An
// object never given a retention date or a legal hold has none, which S3
// reports as a missing lock configuration rather than an empty one.
func (s *Store) LockState(ctx context.Context, sha256 string) (until time.Time, hold bool, err error) {
	defer func() { err = outage(err) }()
	if !blob.ValidSHA256(sha256) {
		return time.Time{}, false, fmt.Errorf("s3: lock state %q: %w", sha256, blob.ErrNotExist)
	}
	if !s.locking {
		return time.Time{}, false, fmt.Errorf("s3: lock state %s: bucket %s: %w", sha256, s.bucket, blob.ErrNoLocking)
	}
	k := key(sha256)
	info, err := s.c.StatObject(ctx, s.bucket, k, minio.StatObjectOptions{})
	if err != nil {
		return time.Time{}, false, mapErr("lock state", sha256, err)
	}
	_, cur, err := s.c.GetObjectRetention(ctx, s.bucket, k, info.VersionID)
	switch {
	case code(err) == "NoSuchObjectLockConfiguration":
	case err != nil:
		return time.Time{}, false, mapErr("lock state", sha256, err)
	case cur != nil:
		until = cur.UTC()
	}
	st, err := s.c.GetObjectLegalHold(ctx, s.bucket, k, minio.GetObjectLegalHoldOptions{VersionID: info.VersionID})
	switch {
	case code(err) == "NoSuchObjectLockConfiguration":
	case err != nil:
		return time.Time{}, false, mapErr("lock state", sha256, err)
	default:
		hold = st != nil && *st == minio.LegalHoldEnabled
	}
	return until, hold, nil
}
