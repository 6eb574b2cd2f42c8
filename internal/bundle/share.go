package bundle

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
	"github.com/dossier/dossier/internal/render"
)

// ShareInput is a request for a share link.
type ShareInput struct {
	ExpiresAt    time.Time `json:"expires_at"`
	MaxDownloads int       `json:"max_downloads"` // 0: no limit
	Note         string    `json:"note"`
}

// MaxShareLife bounds how far ahead a link may expire.
const MaxShareLife = 366 * 24 * time.Hour

// NewShare is a created link: the token is shown this once.
type NewShare struct {
	Token string         `json:"token"`
	URL   string         `json:"url"`
	Share *dossier.Share `json:"share"`
}

// ShareView is a share with its download log (never the token).
type ShareView struct {
	*dossier.Share
	Live         bool                     `json:"live"`
	DownloadsLog []*dossier.ShareDownload `json:"download_log"`
}

// CreateShare makes a share link for a bundle. EINVALID for a past or too
// distant expiry, a negative limit or an over-long note.
func (s *Service) CreateShare(ctx context.Context, a *dossier.Actor, bundleID string, in ShareInput) (*NewShare, error) {
	b, err := s.visible(ctx, a, bundleID, policy.ShareManage)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now().UTC()
	var f dossier.Fields
	switch {
	case in.ExpiresAt.IsZero():
		f.Add("expires_at", "is required (RFC 3339)")
	case !in.ExpiresAt.After(now):
		f.Add("expires_at", "must be in the future")
	case in.ExpiresAt.After(now.Add(MaxShareLife)):
		f.Add("expires_at", "must be within a year")
	}
	if in.MaxDownloads < 0 || in.MaxDownloads > 10000 {
		f.Add("max_downloads", "must be from 0 (no limit) to 10000")
	}
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > 500 {
		f.Add("note", "must be at most 500 characters")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("bundle: token: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	sh := &dossier.Share{ID: dossier.NewID(), BundleID: b.ID, CaseID: b.CaseID, TokenHash: account.HashToken(tok),
		ExpiresAt: in.ExpiresAt.UTC().Truncate(time.Microsecond), MaxDownloads: in.MaxDownloads, Note: in.Note,
		CreatedBy: a.UserID(), CreatedAt: now.Truncate(time.Microsecond)}
	if err := s.cfg.Bundles.CreateShare(ctx, sh); err != nil {
		return nil, fmt.Errorf("bundle: create share: %w", err)
	}
	dossier.NoteFrom(ctx).Detail = "share " + sh.ID
	return &NewShare{Token: tok, URL: s.cfg.BaseURL + "/s/" + tok, Share: sh}, nil
}

// visible reads a bundle and checks act on its case. A bundle of a case
// the actor may not see answers as an absent one does ("bundle not found",
// not the policy's "case not found"), and the audit note names the bundle
// and its case before the check, so a refusal says what was tried.
func (s *Service) visible(ctx context.Context, a *dossier.Actor, bundleID string, act policy.Action) (*dossier.Bundle, error) {
	if a == nil {
		return nil, dossier.Errorf(dossier.EUNAUTHENTICATED, "authentication required")
	}
	dossier.Note(ctx, "", "bundle", bundleID)
	b, err := s.cfg.Bundles.Bundle(ctx, bundleID)
	if err != nil {
		return nil, err
	}
	dossier.Note(ctx, b.CaseID, "bundle", b.ID)
	if err := policy.Can(a, act, b.CaseID); err != nil {
		if dossier.ErrorCode(err) == dossier.ENOTFOUND {
			return nil, dossier.NotFound("bundle")
		}
		return nil, err
	}
	return b, nil
}

// Shares lists a bundle's links with their download logs.
func (s *Service) Shares(ctx context.Context, a *dossier.Actor, bundleID string) ([]*ShareView, error) {
	if _, err := s.visible(ctx, a, bundleID, policy.ShareManage); err != nil {
		return nil, err
	}
	shs, err := s.cfg.Bundles.Shares(ctx, bundleID)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	out := make([]*ShareView, len(shs))
	for i, sh := range shs {
		log, err := s.cfg.Bundles.ShareDownloads(ctx, sh.ID)
		if err != nil {
			return nil, err
		}
		out[i] = &ShareView{Share: sh, Live: sh.Live(now), DownloadsLog: log}
	}
	return out, nil
}

// RevokeShare ends a link. ref is the link's token or its share ID (the
// list shows IDs only). ENOTFOUND if the bundle has no such link.
func (s *Service) RevokeShare(ctx context.Context, a *dossier.Actor, bundleID, ref string) error {
	if _, err := s.visible(ctx, a, bundleID, policy.ShareManage); err != nil {
		return err
	}
	id := ref
	if sh, err := s.cfg.Bundles.ShareByToken(ctx, account.HashToken(ref)); err == nil && sh.BundleID == bundleID {
		id = sh.ID
	}
	// The trail names a link by its ID only: a ref that is not one may be a
	// token (of another bundle, or mistyped), which is a link itself.
	if isID(id) {
		dossier.NoteFrom(ctx).Detail = "share " + id
	} else {
		dossier.NoteFrom(ctx).Detail = "share: no link of this bundle has the given token or ID"
	}
	return s.cfg.Bundles.RevokeShare(ctx, bundleID, id, s.cfg.Now().UTC())
}

// isID reports whether s has the form of dossier.NewID (32 lowercase hex
// digits), which no share token has.
func isID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Shared is what a live share link leads to.
type Shared struct {
	Share  *dossier.Share
	Bundle *dossier.Bundle
	Case   *dossier.Case
}

// OpenShare resolves a token for a visitor at ip. ENOTFOUND when the token
// is unknown, expired, revoked or used up; ERATELIMITED (with RetryAfter)
// once ip has guessed too many unknown tokens.
func (s *Service) OpenShare(ctx context.Context, token, ip string) (*Shared, error) {
	now, key := s.cfg.Now(), account.AddressKey(ip)
	if blocked, wait := s.cfg.Guesses.Blocked(key, now); blocked {
		return nil, &dossier.Error{Code: dossier.ERATELIMITED, Message: "too many invalid links; try again later",
			RetryAfter: int(wait/time.Second) + 1}
	}
	sh, err := s.cfg.Bundles.ShareByToken(ctx, account.HashToken(token))
	if dossier.ErrorCode(err) == dossier.ENOTFOUND {
		s.cfg.Guesses.Fail(key, now)
		return nil, dossier.NotFound("link")
	}
	if err != nil {
		return nil, err
	}
	dossier.Note(ctx, sh.CaseID, "bundle", sh.BundleID)
	dossier.NoteFrom(ctx).Detail = "share " + sh.ID
	if !sh.Live(now) {
		return nil, dossier.NotFound("link")
	}
	b, err := s.cfg.Bundles.Bundle(ctx, sh.BundleID)
	if err != nil {
		return nil, err
	}
	c, err := s.cfg.Cases.Case(ctx, b.CaseID)
	if err != nil {
		return nil, err
	}
	return &Shared{Share: sh, Bundle: b, Case: c}, nil
}

// ClaimDownload counts one ZIP download of a live link and logs who took
// it. ENOTFOUND if the link stopped being live meanwhile (the last allowed
// download went to someone else).
func (s *Service) ClaimDownload(ctx context.Context, sh *Shared, ip, ua string) error {
	d := &dossier.ShareDownload{At: s.cfg.Now().UTC(), IP: ip, UserAgent: truncate(ua, 300)}
	got, err := s.cfg.Bundles.ClaimDownload(ctx, sh.Share.ID, d)
	if err != nil {
		return err
	}
	sh.Share = got
	limit := "unlimited"
	if got.MaxDownloads > 0 {
		limit = fmt.Sprint(got.MaxDownloads)
	}
	dossier.NoteFrom(ctx).Detail = fmt.Sprintf("share %s download %d of %s", got.ID, got.Downloads, limit)
	return nil
}

func truncate(s string, n int) string {
	for len(s) > n {
		_, sz := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-sz]
	}
	return s
}

//go:embed landing.html ended.html
var landingFS embed.FS

var (
	landing = template.Must(template.ParseFS(landingFS, "landing.html"))
	ended   = template.Must(template.ParseFS(landingFS, "ended.html"))
)

// WriteEnded renders the page a browser sees instead of a link that leads
// nowhere (unknown, expired, revoked or used up), in Chinese and English:
// its recipients are outside lawyers without an account, who can only ask
// the sender for a new link. With retryAfter > 0 (seconds) it says instead
// that too many unknown links came from the visitor's network.
func WriteEnded(w io.Writer, retryAfter int) error {
	wait := 0
	if retryAfter > 0 {
		wait = (retryAfter + 59) / 60
	}
	return ended.Execute(w, map[string]any{"Wait": wait})
}

// WriteLanding renders the small page a browser sees for a live link: case,
// bundle title, size, expiry and a download button (no scripts). The expiry
// is written in loc, the business time zone (DOSSIER_TZ) every other page
// uses, labelled with its name and offset; nil is UTC+8.
func WriteLanding(w io.Writer, sh *Shared, downloadURL string, loc *time.Location) error {
	size := Size(sh.Bundle, "zh")
	left := ""
	if sh.Share.MaxDownloads > 0 {
		left = fmt.Sprint(sh.Share.MaxDownloads - sh.Share.Downloads)
	}
	return landing.Execute(w, map[string]any{
		"CaseNumber": sh.Case.Number, "CaseTitle": sh.Case.Title, "Title": sh.Bundle.Title,
		"Items": len(sh.Bundle.Items), "Size": render.Bytes(size),
		"Expires": expiresIn(sh.Share.ExpiresAt, loc),
		"Left":    left, "Download": downloadURL, "Note": sh.Share.Note,
	})
}

// expiresIn writes an expiry as a wall-clock time in loc with the zone named,
// such as "2026-03-10 17:00 (Asia/Shanghai, UTC+08:00)": a recipient abroad
// must be able to tell when the link stops working.
func expiresIn(t time.Time, loc *time.Location) string {
	name := ""
	if loc == nil {
		loc = china
	} else if n := loc.String(); n != "" && n != "Local" && n != "UTC" {
		name = n + ", "
	}
	at := t.In(loc)
	off := "UTC" + at.Format("-07:00")
	if off == "UTC+00:00" {
		off = "UTC"
	}
	return at.Format("2006-01-02 15:04") + " (" + name + off + ")"
}
