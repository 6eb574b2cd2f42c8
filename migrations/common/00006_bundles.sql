-- +goose Up
-- A bundle never changes after creation: its exhibits (pinned sha256 per
-- item) are kept as one JSON array, written once and only ever read whole.
CREATE TABLE bundles (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases(id),
    title        TEXT NOT NULL,
    items        TEXT NOT NULL,
    list_zh_sha  TEXT NOT NULL,
    list_zh_size BIGINT NOT NULL,
    list_en_sha  TEXT NOT NULL,
    list_en_size BIGINT NOT NULL,
    merged_sha   TEXT NOT NULL,
    merged_size  BIGINT NOT NULL,
    pages        INTEGER NOT NULL,
    merkle_root  TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX bundles_case ON bundles(case_id, created_at);

-- Share links: only the sha256 of the token is stored.
CREATE TABLE bundle_shares (
    id            TEXT PRIMARY KEY,
    bundle_id     TEXT NOT NULL REFERENCES bundles(id),
    case_id       TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    expires_at    TEXT NOT NULL,
    max_downloads INTEGER NOT NULL,
    downloads     INTEGER NOT NULL DEFAULT 0,
    note          TEXT NOT NULL,
    revoked_at    TEXT,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX bundle_shares_bundle ON bundle_shares(bundle_id, created_at);

CREATE TABLE bundle_share_downloads (
    share_id   TEXT NOT NULL REFERENCES bundle_shares(id),
    at         TEXT NOT NULL,
    ip         TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX bundle_share_downloads_share ON bundle_share_downloads(share_id, at);

-- +goose Down
DROP TABLE bundle_share_downloads;
DROP TABLE bundle_shares;
DROP TABLE bundles;
