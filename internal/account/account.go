// Package account handles users, logins and login tokens: argon2id password
// hashes, opaque random tokens stored only as sha256, expiry and revocation,
// and per-username and per-IP login rate limits.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
)

// Service is the account capability.
type Service struct {
	Store    dossier.Store
	TokenTTL time.Duration
	Now      func() time.Time
	byUser   *Limiter
	byIP     *Limiter
}

// New returns a Service allowing 5 failed logins per username and 20 per IP
// within 15 minutes.
func New(store dossier.Store, ttl time.Duration) *Service {
	return &Service{Store: store, TokenTTL: ttl, Now: time.Now,
		byUser: NewLimiter(5, 15*time.Minute), byIP: NewLimiter(20, 15*time.Minute)}
}

// Session is the answer to a successful login.
type Session struct {
	Token     string        `json:"token"`
	ExpiresAt time.Time     `json:"expires_at"`
	User      *dossier.User `json:"user"`
}

var errBadCredentials = dossier.Errorf(dossier.EUNAUTHENTICATED, "invalid username or password")

// Login checks credentials and issues a token. Unknown users and wrong
// passwords get the same answer; too many failures give ERATELIMITED.
func (s *Service) Login(ctx context.Context, username, password, ip string) (*Session, error) {
	now := s.Now()
	var f dossier.Fields
	if username == "" {
		f.Add("username", "is required")
	}
	if password == "" {
		f.Add("password", "is required")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	for _, lim := range []struct {
		l   *Limiter
		key string
	}{{s.byUser, "u:" + username}, {s.byIP, "ip:" + ip}} {
		if blocked, wait := lim.l.Blocked(lim.key, now); blocked {
			return nil, &dossier.Error{Code: dossier.ERATELIMITED, Message: "too many failed logins; try again later",
				RetryAfter: int(math.Ceil(wait.Seconds()))}
		}
	}
	dossier.NoteFrom(ctx).Detail = "username=" + username
	u, err := s.Store.UserByName(ctx, username)
	if err != nil && dossier.ErrorCode(err) != dossier.ENOTFOUND {
		return nil, err
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	if !CheckPassword(hash, password) || u == nil || u.Disabled {
		s.byUser.Fail("u:"+username, now)
		s.byIP.Fail("ip:"+ip, now)
		return nil, errBadCredentials
	}
	s.byUser.Reset("u:" + username)
	dossier.Note(ctx, "", "user", u.ID)
	secret, hashHex := newToken()
	t := &dossier.Token{Hash: hashHex, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.TokenTTL)}
	if err := s.Store.CreateToken(ctx, t); err != nil {
		return nil, err
	}
	return &Session{Token: secret, ExpiresAt: t.ExpiresAt, User: u}, nil
}

// newToken returns 256 random bits, base64url, and the sha256 hex stored for it.
func newToken() (secret, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret)
}

// HashToken is how tokens (and share-link tokens) are stored.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Authenticate resolves a bearer token to an actor with its grants.
// EUNAUTHENTICATED for unknown, expired or revoked tokens and disabled users.
func (s *Service) Authenticate(ctx context.Context, secret string) (*dossier.Actor, error) {
	bad := dossier.Errorf(dossier.EUNAUTHENTICATED, "invalid or expired token")
	if secret == "" || len(secret) > 200 {
		return nil, bad
	}
	t, err := s.Store.TokenByHash(ctx, HashToken(secret))
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	if t.RevokedAt != nil || !s.Now().Before(t.ExpiresAt) {
		return nil, bad
	}
	return s.ActorFor(ctx, t.UserID)
}

// ActorFor loads a user and its grants.
func (s *Service) ActorFor(ctx context.Context, userID string) (*dossier.Actor, error) {
	u, err := s.Store.User(ctx, userID)
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return nil, dossier.Errorf(dossier.EUNAUTHENTICATED, "invalid or expired token")
	} else if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, dossier.Errorf(dossier.EUNAUTHENTICATED, "account disabled")
	}
	grants, err := s.Store.GrantsOfUser(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return &dossier.Actor{User: u, Grants: grants}, nil
}

// Logout revokes the token.
func (s *Service) Logout(ctx context.Context, secret string) error {
	return s.Store.RevokeToken(ctx, HashToken(secret), s.Now())
}

// NewUser is the input to CreateUser.
type NewUser struct {
	Username    string       `json:"username"`
	DisplayName string       `json:"display_name"`
	Role        dossier.Role `json:"role"`
	Password    string       `json:"password"`
}

// CreateUser adds a user (admin only).
func (s *Service) CreateUser(ctx context.Context, a *dossier.Actor, in NewUser) (*dossier.User, error) {
	if err := policy.Can(a, policy.UserManage, ""); err != nil {
		return nil, err
	}
	u := &dossier.User{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, CreatedAt: s.Now()}
	if err := u.Validate(in.Password, true); err != nil {
		return nil, err
	}
	u.PasswordHash = HashPassword(in.Password)
	if err := s.Store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	dossier.Note(ctx, "", "user", u.ID)
	return u, nil
}

// Users lists all users (admin only).
func (s *Service) Users(ctx context.Context, a *dossier.Actor) ([]*dossier.User, error) {
	if err := policy.Can(a, policy.UserManage, ""); err != nil {
		return nil, err
	}
	return s.Store.Users(ctx)
}

// SetPassword changes a user's password and revokes its tokens. Operators
// call it with a nil actor from the command line.
func (s *Service) SetPassword(ctx context.Context, username, password string) error {
	u, err := s.Store.UserByName(ctx, username)
	if err != nil {
		return err
	}
	if len([]rune(password)) < dossier.MinPasswordLength {
		return &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
			Fields: []dossier.FieldError{{Field: "password", Message: "must be at least 12 characters"}}}
	}
	u.PasswordHash = HashPassword(password)
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return err
	}
	return s.Store.RevokeUserTokens(ctx, u.ID, s.Now())
}

// SetDisabled disables or enables a user; disabling revokes its tokens.
// Operators call it from the command line; requests go through Disable.
func (s *Service) SetDisabled(ctx context.Context, username string, disabled bool) error {
	u, err := s.Store.UserByName(ctx, username)
	if err != nil {
		return err
	}
	u.Disabled = disabled
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return err
	}
	if disabled {
		return s.Store.RevokeUserTokens(ctx, u.ID, s.Now())
	}
	return nil
}

// Disable disables or enables a user on behalf of an admin. An admin may
// not disable itself (the last way in could be lost that way).
func (s *Service) Disable(ctx context.Context, a *dossier.Actor, username string, disabled bool) error {
	if err := policy.Can(a, policy.UserManage, ""); err != nil {
		return err
	}
	if disabled && a.User.Username == username {
		return &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
			Fields: []dossier.FieldError{{Field: "username", Message: "you cannot disable your own account"}}}
	}
	if u, err := s.Store.UserByName(ctx, username); err == nil {
		dossier.Note(ctx, "", "user", u.ID)
	}
	return s.SetDisabled(ctx, username, disabled)
}

// SetLang stores the caller's preferred language.
func (s *Service) SetLang(ctx context.Context, a *dossier.Actor, lang string) error {
	if a == nil || a.User == nil {
		return dossier.Errorf(dossier.EUNAUTHENTICATED, "sign in first")
	}
	if lang != "zh-CN" && lang != "en" {
		return &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
			Fields: []dossier.FieldError{{Field: "lang", Message: "must be zh-CN or en"}}}
	}
	a.User.Lang = lang
	return s.Store.UpdateUser(ctx, a.User)
}

// Bootstrap creates the admin user on an empty store. It returns the
// password when it generated one (to be printed once), "" otherwise.
func (s *Service) Bootstrap(ctx context.Context, password string) (created bool, generated string, err error) {
	n, err := s.Store.CountUsers(ctx)
	if err != nil || n > 0 {
		return false, "", err
	}
	if password == "" {
		b := make([]byte, 15)
		_, _ = rand.Read(b)
		password = base64.RawURLEncoding.EncodeToString(b)
		generated = password
	}
	u := &dossier.User{Username: "admin", DisplayName: "Administrator", Role: dossier.RoleAdmin, CreatedAt: s.Now()}
	if err := u.Validate(password, true); err != nil {
		return false, "", err
	}
	u.PasswordHash = HashPassword(password)
	if err := s.Store.CreateUser(ctx, u); err != nil {
		return false, "", err
	}
	return true, generated, nil
}

// Grant gives a user access to a case (admin, counsel).
func (s *Service) Grant(ctx context.Context, a *dossier.Actor, caseID, userID string, access dossier.Access) (*dossier.Grant, error) {
	if err := policy.Can(a, policy.CaseGrant, caseID); err != nil {
		return nil, err
	}
	dossier.Note(ctx, caseID, "grant", userID)
	var f dossier.Fields
	if userID == "" {
		f.Add("user_id", "is required")
	}
	if access != dossier.AccessRead && access != dossier.AccessWrite {
		f.Add("access", "must be read or write")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if _, err := s.Store.Case(ctx, caseID); err != nil {
		return nil, err
	}
	if _, err := s.Store.User(ctx, userID); dossier.ErrorCode(err) == dossier.ENOTFOUND {
		return nil, &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
			Fields: []dossier.FieldError{{Field: "user_id", Message: "no such user"}}}
	} else if err != nil {
		return nil, err
	}
	g := &dossier.Grant{CaseID: caseID, UserID: userID, Access: access, CreatedBy: a.UserID(), CreatedAt: s.Now()}
	return g, s.Store.PutGrant(ctx, g)
}

// Revoke removes a user's grant on a case.
func (s *Service) Revoke(ctx context.Context, a *dossier.Actor, caseID, userID string) error {
	if err := policy.Can(a, policy.CaseGrant, caseID); err != nil {
		return err
	}
	dossier.Note(ctx, caseID, "grant", userID)
	return s.Store.DeleteGrant(ctx, caseID, userID)
}
