package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

func itoa(i int) string { return strconv.Itoa(i) }

const userColumns = `id, username, display_name, role, lang, disabled, password_hash, created_at`

// CreateUser inserts u with a new ID.
func (db *DB) CreateUser(ctx context.Context, u *dossier.User) error {
	if u.ID == "" {
		u.ID = dossier.NewID()
	}
	_, err := db.q.ExecContext(ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		u.ID, u.Username, u.DisplayName, string(u.Role), u.Lang, u.Disabled, u.PasswordHash, tm(u.CreatedAt))
	if dossier.ErrorCode(db.wrap("", err)) == dossier.ECONFLICT {
		return &dossier.Error{Code: dossier.ECONFLICT, Message: "username already taken",
			Fields: []dossier.FieldError{{Field: "username", Message: "is already taken"}}, Err: err}
	}
	return db.wrap("create user", err)
}

func (db *DB) user(ctx context.Context, where string, arg any) (*dossier.User, error) {
	var u dossier.User
	var role, created string
	err := db.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg).
		Scan(&u.ID, &u.Username, &u.DisplayName, &role, &u.Lang, &u.Disabled, &u.PasswordHash, &created)
	if err == sql.ErrNoRows {
		return nil, dossier.NotFound("user")
	}
	if err != nil {
		return nil, db.wrap("user", err)
	}
	u.Role, u.CreatedAt = dossier.Role(role), parseTm(created)
	return &u, nil
}

// User returns a user by ID.
func (db *DB) User(ctx context.Context, id string) (*dossier.User, error) {
	return db.user(ctx, "id=$1", id)
}

// UserByName returns a user by username.
func (db *DB) UserByName(ctx context.Context, username string) (*dossier.User, error) {
	return db.user(ctx, "username=$1", username)
}

// SetUserLang stores a user's language and nothing else.
func (db *DB) SetUserLang(ctx context.Context, id, lang string) error {
	return db.setUser(ctx, "lang", id, lang)
}

// SetUserPassword stores a user's password hash and nothing else.
func (db *DB) SetUserPassword(ctx context.Context, id, hash string) error {
	return db.setUser(ctx, "password_hash", id, hash)
}

// SetUserDisabled stores a user's disabled flag and nothing else.
func (db *DB) SetUserDisabled(ctx context.Context, id string, disabled bool) error {
	return db.setUser(ctx, "disabled", id, disabled)
}

// setUser updates one column (a constant of the callers above) of one user.
func (db *DB) setUser(ctx context.Context, column, id string, v any) error {
	res, err := db.q.ExecContext(ctx, `UPDATE users SET `+column+`=$2 WHERE id=$1`, id, v)
	if err != nil {
		return db.wrap("update user "+column, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dossier.NotFound("user")
	}
	return nil
}

// Users lists all users by username.
func (db *DB) Users(ctx context.Context) ([]*dossier.User, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, db.wrap("users", err)
	}
	defer rows.Close()
	out := []*dossier.User{}
	for rows.Next() {
		var u dossier.User
		var role, created string
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &role, &u.Lang, &u.Disabled, &u.PasswordHash, &created); err != nil {
			return nil, db.wrap("scan user", err)
		}
		u.Role, u.CreatedAt = dossier.Role(role), parseTm(created)
		out = append(out, &u)
	}
	return out, db.wrap("users", rows.Err())
}

// CountUsers returns the number of users.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, db.wrap("count users", err)
}

// CreateToken stores a login token.
func (db *DB) CreateToken(ctx context.Context, t *dossier.Token) error {
	_, err := db.q.ExecContext(ctx, `INSERT INTO tokens (hash, user_id, created_at, expires_at) VALUES ($1,$2,$3,$4)`,
		t.Hash, t.UserID, tm(t.CreatedAt), tm(t.ExpiresAt))
	return db.wrap("create token", err)
}

// TokenByHash returns a token.
func (db *DB) TokenByHash(ctx context.Context, hash string) (*dossier.Token, error) {
	var t dossier.Token
	var created, expires string
	var revoked sql.NullString
	err := db.q.QueryRowContext(ctx, `SELECT hash, user_id, created_at, expires_at, revoked_at FROM tokens WHERE hash=$1`, hash).
		Scan(&t.Hash, &t.UserID, &created, &expires, &revoked)
	if err == sql.ErrNoRows {
		return nil, dossier.NotFound("token")
	}
	if err != nil {
		return nil, db.wrap("token", err)
	}
	t.CreatedAt, t.ExpiresAt, t.RevokedAt = parseTm(created), parseTm(expires), parseTmPtr(revoked)
	return &t, nil
}

// RevokeToken marks a token revoked.
func (db *DB) RevokeToken(ctx context.Context, hash string, at time.Time) error {
	_, err := db.q.ExecContext(ctx, `UPDATE tokens SET revoked_at=$2 WHERE hash=$1 AND revoked_at IS NULL`, hash, tm(at))
	return db.wrap("revoke token", err)
}

// RevokeUserTokens revokes every live token of a user.
func (db *DB) RevokeUserTokens(ctx context.Context, userID string, at time.Time) error {
	_, err := db.q.ExecContext(ctx, `UPDATE tokens SET revoked_at=$2 WHERE user_id=$1 AND revoked_at IS NULL`, userID, tm(at))
	return db.wrap("revoke tokens", err)
}

// PutGrant creates or replaces a grant.
func (db *DB) PutGrant(ctx context.Context, g *dossier.Grant) error {
	_, err := db.q.ExecContext(ctx, `INSERT INTO grants (case_id, user_id, access, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5) ON CONFLICT (case_id, user_id) DO UPDATE SET access=excluded.access,
		created_by=excluded.created_by, created_at=excluded.created_at`,
		g.CaseID, g.UserID, string(g.Access), g.CreatedBy, tm(g.CreatedAt))
	return db.wrap("put grant", err)
}

// DeleteGrant removes a grant.
func (db *DB) DeleteGrant(ctx context.Context, caseID, userID string) error {
	res, err := db.q.ExecContext(ctx, `DELETE FROM grants WHERE case_id=$1 AND user_id=$2`, caseID, userID)
	if err != nil {
		return db.wrap("delete grant", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dossier.NotFound("grant")
	}
	return nil
}

// GrantsOfUser returns a user's grants by case ID.
func (db *DB) GrantsOfUser(ctx context.Context, userID string) (map[string]dossier.Access, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT case_id, access FROM grants WHERE user_id=$1`, userID)
	if err != nil {
		return nil, db.wrap("grants", err)
	}
	defer rows.Close()
	out := map[string]dossier.Access{}
	for rows.Next() {
		var c, a string
		if err := rows.Scan(&c, &a); err != nil {
			return nil, db.wrap("scan grant", err)
		}
		out[c] = dossier.Access(a)
	}
	return out, db.wrap("grants", rows.Err())
}

// GrantsOfCase lists the grants on a case.
func (db *DB) GrantsOfCase(ctx context.Context, caseID string) ([]*dossier.Grant, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT case_id, user_id, access, created_by, created_at FROM grants
		WHERE case_id=$1 ORDER BY created_at`, caseID)
	if err != nil {
		return nil, db.wrap("grants", err)
	}
	defer rows.Close()
	out := []*dossier.Grant{}
	for rows.Next() {
		var g dossier.Grant
		var a, created string
		if err := rows.Scan(&g.CaseID, &g.UserID, &a, &g.CreatedBy, &created); err != nil {
			return nil, db.wrap("scan grant", err)
		}
		g.Access, g.CreatedAt = dossier.Access(a), parseTm(created)
		out = append(out, &g)
	}
	return out, db.wrap("grants", rows.Err())
}
