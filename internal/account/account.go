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
	"fmt"
	"math"
	"net/netip"
	"runtime"
	"time"
	"unicode/utf8"

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
	hashes   chan struct{} // one token per argon2 computation running
}

// New returns a Service allowing 5 failed logins per username and 20 per IP
// within 15 minutes, and at most hashSlots password hashes at once.
func New(store dossier.Store, ttl time.Duration) *Service {
	return &Service{Store: store, TokenTTL: ttl, Now: time.Now,
		byUser: NewLimiter(5, 15*time.Minute), byIP: NewLimiter(20, 15*time.Minute),
		hashes: make(chan struct{}, hashSlots())}
}

// hashSlots bounds the argon2 computations running at once. Each takes 64 MiB
// (argonMemory) and two threads, so a burst of anonymous sign-ins waits its
// turn instead of exhausting memory; four keep a few cores busy.
func hashSlots() int { return max(1, min(runtime.GOMAXPROCS(0), 4)) }

// slot waits for a free hash slot, or for ctx (the request) to end.
func (s *Service) slot(ctx context.Context) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, &dossier.Error{Code: dossier.EUNAVAILABLE, Message: "too many sign-ins at once; try again", Err: err}
	}
	select {
	case s.hashes <- struct{}{}:
		return func() { <-s.hashes }, nil
	case <-ctx.Done():
		return nil, &dossier.Error{Code: dossier.EUNAVAILABLE, Message: "too many sign-ins at once; try again", Err: ctx.Err()}
	}
}

// checkPassword is CheckPassword in a hash slot.
func (s *Service) checkPassword(ctx context.Context, hash, pw string) (bool, error) {
	release, err := s.slot(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return CheckPassword(hash, pw), nil
}

// hashPassword is HashPassword in a hash slot.
func (s *Service) hashPassword(ctx context.Context, pw string) (string, error) {
	release, err := s.slot(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return HashPassword(pw), nil
}

// Session is the answer to a successful login.
type Session struct {
	Token     string        `json:"token"`
	ExpiresAt time.Time     `json:"expires_at"`
	User      *dossier.User `json:"user"`
}

var errBadCredentials = dossier.Errorf(dossier.EUNAUTHENTICATED, "invalid username or password")

func throttled(wait time.Duration) error {
	return &dossier.Error{Code: dossier.ERATELIMITED, Message: "too many failed logins; try again later",
		RetryAfter: int(math.Ceil(wait.Seconds()))}
}

// Login checks credentials and issues a token. Unknown users, usernames no
// account can have and wrong passwords get the same answer; too many failures
// give ERATELIMITED.
//
// Each attempt counts against its username and address before the password
// is checked and is given back if it succeeds, so parallel guesses cannot
// pass the check together. A success also forgets the username's failures
// counted before it, but not the attempts still being checked beside it. A malformed username is refused before it becomes
// a limiter key (keys stay short), but counts against the address.
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
	// Named before any refusal: the trail of a throttled attack names its target.
	dossier.NoteFrom(ctx).Detail = "username=" + clip(username)
	userKey, ipKey := "", "ip:"+AddressKey(ip)
	if dossier.ValidUsername(username) {
		userKey = "u:" + username
		if ok, wait := s.byUser.Take(userKey, now); !ok {
			return nil, throttled(wait)
		}
	}
	if ok, wait := s.byIP.Take(ipKey, now); !ok {
		if userKey != "" {
			s.byUser.Refund(userKey, now)
		}
		return nil, throttled(wait)
	}
	refund := func() {
		s.byUser.Refund(userKey, now)
		s.byIP.Refund(ipKey, now)
	}
	if userKey == "" {
		s.byIP.Failed(ipKey, now)
		return nil, errBadCredentials
	}
	u, err := s.Store.UserByName(ctx, username)
	if err != nil && dossier.ErrorCode(err) != dossier.ENOTFOUND {
		refund() // no guess was checked
		return nil, err
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := s.checkPassword(ctx, hash, password)
	if err != nil {
		refund()
		return nil, err
	}
	if !ok || u == nil || u.Disabled {
		s.byUser.Failed(userKey, now)
		s.byIP.Failed(ipKey, now)
		return nil, errBadCredentials
	}
	s.byUser.Succeeded(userKey, now)
	s.byIP.Refund(ipKey, now)
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

// AddressKey is the limiter key of a client address: an IPv6 address by its
// /64, which one subscriber is normally given whole (RFC 6177), so walking
// through that network's addresses gives no fresh guesses. IPv4 addresses
// (mapped ones too) and what does not parse count one by one.
func AddressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Unmap().Is4() {
		return ip
	}
	p, err := a.WithZone("").Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

// clip bounds a caller-chosen name for an audit detail.
func clip(s string) string {
	const n = 64
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
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
	err := u.Validate(in.Password, true)
	// A new admin must stand out in the trail, refused attempts too.
	dossier.NoteFrom(ctx).Detail = fmt.Sprintf("username=%s role=%s", clip(u.Username), clip(string(u.Role)))
	if err != nil {
		return nil, err
	}
	if u.PasswordHash, err = s.hashPassword(ctx, in.Password); err != nil {
		return nil, err
	}
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
// call it from the command line. Only the hash is written, so a change of the
// user made meanwhile (disabling it) stays.
func (s *Service) SetPassword(ctx context.Context, username, password string) error {
	dossier.NoteFrom(ctx).Detail = "username=" + clip(username)
	u, err := s.Store.UserByName(ctx, username)
	if err != nil {
		return err
	}
	dossier.Note(ctx, "", "user", u.ID)
	if msg := dossier.PasswordError(password); msg != "" {
		return &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
			Fields: []dossier.FieldError{{Field: "password", Message: msg}}}
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx dossier.Store) error {
		if err := tx.SetUserPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		return tx.RevokeUserTokens(ctx, u.ID, s.Now())
	})
}

// SetDisabled disables or enables a user; disabling revokes its tokens.
// Operators call it from the command line; requests go through Disable.
func (s *Service) SetDisabled(ctx context.Context, username string, disabled bool) error {
	dossier.NoteFrom(ctx).Detail = fmt.Sprintf("username=%s disabled=%t", clip(username), disabled)
	u, err := s.Store.UserByName(ctx, username)
	if err != nil {
		return err
	}
	dossier.Note(ctx, "", "user", u.ID)
	return s.Store.InTx(ctx, func(tx dossier.Store) error {
		if err := tx.SetUserDisabled(ctx, u.ID, disabled); err != nil {
			return err
		}
		if disabled {
			return tx.RevokeUserTokens(ctx, u.ID, s.Now())
		}
		return nil
	})
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
	return s.SetDisabled(ctx, username, disabled)
}

// SetLang stores the caller's preferred language. Only the language is
// written: the actor was loaded when the request began, and writing back the
// whole row would undo a disable or password reset made since.
func (s *Service) SetLang(ctx context.Context, a *dossier.Actor, lang string) error {
	if a == nil || a.User == nil {
		return dossier.Errorf(dossier.EUNAUTHENTICATED, "sign in first")
	}
	if lang != "zh-CN" && lang != "en" {
		return &dossier.Error{Code: dossier.EINVALID, Message: "invalid fields",
			Fields: []dossier.FieldError{{Field: "lang", Message: "must be zh-CN or en"}}}
	}
	if err := s.Store.SetUserLang(ctx, a.User.ID, lang); err != nil {
		return err
	}
	a.User.Lang = lang
	return nil
}

// Bootstrap creates the admin user on a store without an administrator
// (empty, or holding only users `dossier user add` made before the first
// start). It returns the password when it generated one (to be printed
// once), "" otherwise.
func (s *Service) Bootstrap(ctx context.Context, password string) (created bool, generated string, err error) {
	users, err := s.Store.Users(ctx)
	if err != nil {
		return false, "", err
	}
	for _, u := range users {
		// A disabled administrator still counts: it can be enabled again.
		if u.Role == dossier.RoleAdmin || u.Username == "admin" {
			return false, "", nil
		}
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
	if u.PasswordHash, err = s.hashPassword(ctx, password); err != nil {
		return false, "", err
	}
	if err := s.Store.CreateUser(ctx, u); err != nil {
		return false, "", err
	}
	return true, generated, nil
}

// Grant gives a user access to a case (admin, counsel), or changes its level.
// The audit detail says which level, and which it replaced: the grants table
// keeps only the current one.
func (s *Service) Grant(ctx context.Context, a *dossier.Actor, caseID, userID string, access dossier.Access) (*dossier.Grant, error) {
	if err := policy.Can(a, policy.CaseGrant, caseID); err != nil {
		return nil, err
	}
	dossier.Note(ctx, caseID, "grant", userID)
	note := dossier.NoteFrom(ctx)
	note.Detail = "access=" + clip(string(access))
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
	err := s.Store.InTx(ctx, func(tx dossier.Store) error {
		prev, err := tx.GrantsOfUser(ctx, userID)
		if err != nil {
			return err
		}
		if p, ok := prev[caseID]; ok {
			note.Detail += " (was " + string(p) + ")"
		}
		return tx.PutGrant(ctx, g)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Revoke removes a user's grant on a case.
func (s *Service) Revoke(ctx context.Context, a *dossier.Actor, caseID, userID string) error {
	if err := policy.Can(a, policy.CaseGrant, caseID); err != nil {
		return err
	}
	dossier.Note(ctx, caseID, "grant", userID)
	return s.Store.InTx(ctx, func(tx dossier.Store) error {
		prev, err := tx.GrantsOfUser(ctx, userID)
		if err != nil {
			return err
		}
		if p, ok := prev[caseID]; ok {
			dossier.NoteFrom(ctx).Detail = "access=" + string(p)
		}
		return tx.DeleteGrant(ctx, caseID, userID)
	})
}
