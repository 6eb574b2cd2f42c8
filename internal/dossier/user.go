package dossier

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Role decides what a user may do; per-case grants widen what external users see.
type Role string

const (
	RoleAdmin    Role = "admin"    // everything, including users and grants
	RoleCounsel  Role = "counsel"  // in-house counsel: read/write on every case
	RoleExternal Role = "external" // outside law firm: only granted cases
	RoleAuditor  Role = "auditor"  // read-only on everything, plus the audit trail
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleCounsel, RoleExternal, RoleAuditor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if v == r {
			return true
		}
	}
	return false
}

// MinPasswordLength is the shortest password Dossier accepts.
const MinPasswordLength = 12

// MaxPasswordBytes is the longest password Dossier accepts: longer adds no
// strength, and each login would hash it all.
const MaxPasswordBytes = 1024

// PasswordError is the field message for a password that cannot be set, or
// "" when it can.
func PasswordError(password string) string {
	switch {
	case len([]rune(password)) < MinPasswordLength:
		return "must be at least 12 characters"
	case len(password) > MaxPasswordBytes:
		return fmt.Sprintf("must be at most %d bytes", MaxPasswordBytes)
	}
	return ""
}

// User is an account.
type User struct {
	ID           string    `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	Role         Role      `json:"role"`
	Lang         string    `json:"lang,omitempty"` // preferred UI language, zh-CN or en
	Disabled     bool      `json:"disabled"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._\-]{1,63}$`)

// ValidUsername reports whether s is a username an account can have.
func ValidUsername(s string) bool { return usernameRE.MatchString(s) }

// Validate checks a new or changed user; password is the clear text being set
// ("" when unchanged).
func (u *User) Validate(password string, setting bool) error {
	var f Fields
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	if !usernameRE.MatchString(u.Username) {
		f.Add("username", "must be 2–64 lowercase letters, digits, '.', '_' or '-'")
	}
	if !u.Role.Valid() {
		f.Add("role", "must be one of admin, counsel, external, auditor")
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	if msg := PasswordError(password); setting && msg != "" {
		f.Add("password", "%s", msg)
	}
	return f.Err()
}

// Access is a per-case grant level.
type Access string

const (
	AccessRead  Access = "read"
	AccessWrite Access = "write"
)

// Grant gives a user access to one case.
type Grant struct {
	CaseID    string    `json:"case_id"`
	UserID    string    `json:"user_id"`
	Access    Access    `json:"access"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Token is a login session. Only the sha256 of the secret is stored.
type Token struct {
	Hash      string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

// Actor is the caller of an operation: the user plus the grants that widen
// an external user's view. A nil *Actor is anonymous.
type Actor struct {
	User   *User
	Grants map[string]Access // case ID → access
	IP     string
	UA     string
}

// UserID returns the actor's user ID, or "" when anonymous.
func (a *Actor) UserID() string {
	if a == nil || a.User == nil {
		return ""
	}
	return a.User.ID
}

// Username returns the actor's username, or "anonymous".
func (a *Actor) Username() string {
	if a == nil || a.User == nil {
		return "anonymous"
	}
	return a.User.Username
}

// RoleOf returns the actor's role, or "" when anonymous.
func (a *Actor) RoleOf() Role {
	if a == nil || a.User == nil {
		return ""
	}
	return a.User.Role
}

// UserStore keeps users, login tokens and case grants.
type UserStore interface {
	// CreateUser stores u with a new ID. ECONFLICT if the username is taken.
	CreateUser(ctx context.Context, u *User) error
	// User returns a user by ID; ENOTFOUND if absent.
	User(ctx context.Context, id string) (*User, error)
	// UserByName returns a user by username; ENOTFOUND if absent.
	UserByName(ctx context.Context, username string) (*User, error)
	// SetUserLang, SetUserPassword and SetUserDisabled change one column of
	// the user with ID id; ENOTFOUND if absent. There is no whole-row update:
	// writing back a user as loaded could undo a change made meanwhile.
	SetUserLang(ctx context.Context, id, lang string) error
	SetUserPassword(ctx context.Context, id, hash string) error
	SetUserDisabled(ctx context.Context, id string, disabled bool) error
	// Users lists every user by username.
	Users(ctx context.Context) ([]*User, error)
	// CountUsers returns how many users exist.
	CountUsers(ctx context.Context) (int, error)

	// CreateToken stores a login token.
	CreateToken(ctx context.Context, t *Token) error
	// TokenByHash returns the token; ENOTFOUND if absent.
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	// RevokeToken marks the token revoked; revoking twice is fine.
	RevokeToken(ctx context.Context, hash string, at time.Time) error
	// RevokeUserTokens revokes every live token of a user.
	RevokeUserTokens(ctx context.Context, userID string, at time.Time) error

	// PutGrant creates or replaces a grant. ENOTFOUND if case or user is absent.
	PutGrant(ctx context.Context, g *Grant) error
	// DeleteGrant removes a grant; ENOTFOUND if there was none.
	DeleteGrant(ctx context.Context, caseID, userID string) error
	// GrantsOfUser returns a user's grants keyed by case ID.
	GrantsOfUser(ctx context.Context, userID string) (map[string]Access, error)
	// GrantsOfCase lists the grants on a case.
	GrantsOfCase(ctx context.Context, caseID string) ([]*Grant, error)
}
