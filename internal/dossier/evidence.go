package dossier

import (
	"context"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// EvidenceKind classifies an evidence item.
type EvidenceKind string

// EvidenceKinds lists the accepted kinds.
var EvidenceKinds = []EvidenceKind{"contract", "invoice", "delivery", "statement", "letter", "recording",
	"chat", "email", "photo", "judgment", "other"}

// Valid reports whether k is a known kind.
func (k EvidenceKind) Valid() bool {
	for _, v := range EvidenceKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Text extraction states.
const (
	TextPending = "pending"
	TextIndexed = "indexed"
	TextFailed  = "failed"
	TextNone    = "none"
)

// Evidence is one item of evidence. Its bytes live in the blob store under
// SHA256; the fields describing the bytes are those of the current version.
type Evidence struct {
	ID          string       `json:"id"`
	CaseID      string       `json:"case_id"`
	Kind        EvidenceKind `json:"kind"`
	Title       string       `json:"title"`
	Filename    string       `json:"filename"`
	MediaType   string       `json:"media_type"`
	Size        int64        `json:"size"`
	SHA256      string       `json:"sha256"`
	Version     int          `json:"version"`
	OccurredAt  *time.Time   `json:"occurred_at"`
	Source      string       `json:"source"`
	Description string       `json:"description"`
	Transcript  string       `json:"transcript,omitempty"`
	// Recordings: duration in seconds and container format (wav, mp3, m4a,
	// amr; mp4 for an MP4 with a video track, mov for QuickTime).
	DurationSec float64    `json:"duration_seconds,omitempty"`
	AudioFormat string     `json:"audio_format,omitempty"`
	TextStatus  string     `json:"text_status"`
	TextError   string     `json:"text_error,omitempty"`
	TextSHA256  string     `json:"text_sha256,omitempty"` // the version last extracted
	Hold        bool       `json:"hold"`
	HoldReason  string     `json:"hold_reason,omitempty"`
	RetainUntil *time.Time `json:"retain_until,omitempty"`
	DeletedAt   *time.Time `json:"deleted_at,omitempty"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
}

// Validate checks the descriptive fields of a new item.
func (e *Evidence) Validate() error {
	var f Fields
	if !e.Kind.Valid() {
		f.Add("kind", "must be one of contract, invoice, delivery, statement, letter, recording, chat, email, photo, judgment, other")
	}
	e.Title = strings.TrimSpace(e.Title)
	if utf8.RuneCountInString(e.Title) > 300 {
		f.Add("title", "must be at most 300 characters")
	}
	if utf8.RuneCountInString(e.Source) > 300 {
		f.Add("source", "must be at most 300 characters")
	}
	if utf8.RuneCountInString(e.Description) > 10000 {
		f.Add("description", "must be at most 10000 characters")
	}
	if len(e.Transcript) > 4<<20 {
		f.Add("transcript", "must be at most 4 MiB")
	}
	return f.Err()
}

// EvidenceVersion is one stored version of an item's bytes.
type EvidenceVersion struct {
	EvidenceID string    `json:"evidence_id"`
	N          int       `json:"n"`
	Filename   string    `json:"filename"`
	MediaType  string    `json:"media_type"`
	Size       int64     `json:"size"`
	SHA256     string    `json:"sha256"`
	Note       string    `json:"note,omitempty"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	// DurationSec and AudioFormat describe a recording's bytes; AddVersion
	// stores them on the item, whose fields describe its current version.
	DurationSec float64 `json:"-"`
	AudioFormat string  `json:"-"`
}

// SanitizeFilename makes a client's file name safe to store and to save
// on any system a counsel downloads it to. It keeps the last path element
// and Chinese and other letters; drops control characters, format
// characters (bidi overrides that make "invoice\u202efdp.exe" read as
// "invoiceexe.pdf") and line and paragraph separators; turns characters
// Windows refuses into "_"; and trims blanks and dots from both ends. A name
// that was only an extension (".pdf") becomes "file.pdf", an empty one
// "file", and a Windows device name (CON, NUL, COM1, LPT1… in any case,
// with or without extension) gets a "_" in front. Long names are cut to
// 200 characters and 255 bytes of UTF-8, the extension kept.
func SanitizeFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
			continue
		case strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	// Windows drops trailing dots and blanks; leading dots hide a file.
	s := strings.TrimRightFunc(b.String(), dotOrSpace)
	t := strings.TrimLeftFunc(s, dotOrSpace)
	switch {
	case t == "":
		return "file"
	case !strings.Contains(t, ".") && strings.Contains(s[:len(s)-len(t)], "."):
		t = "file." + t // ".pdf": keep it a PDF
	}
	t = cutFilename(t)
	if reservedFilename(t) {
		t = cutFilename("_" + t)
	}
	return t
}

func dotOrSpace(r rune) bool { return r == '.' || unicode.IsSpace(r) }

// Limits of SanitizeFilename: 255 bytes is what ext4, APFS and a ZIP entry
// extracted on Linux hold (NTFS counts 255 UTF-16 units, never more than
// the bytes); 200 characters leave room for the directory within Windows'
// 260-character path limit.
const (
	maxFilename      = 200
	maxFilenameBytes = 255
)

// cutFilename cuts the stem of a name over the limits, not its extension
// (a download without its .pdf opens in nothing), at a character boundary.
func cutFilename(s string) string {
	if len(s) <= maxFilenameBytes && utf8.RuneCountInString(s) <= maxFilename {
		return s
	}
	stem, ext := s, ""
	if i := strings.LastIndexByte(s, '.'); i > 0 && utf8.RuneCountInString(s[i+1:]) <= 16 {
		stem, ext = s[:i], s[i:]
	}
	runes, end := maxFilename-utf8.RuneCountInString(ext), 0
	for i, r := range stem {
		if runes == 0 || i+utf8.RuneLen(r) > maxFilenameBytes-len(ext) {
			break
		}
		runes--
		end = i + utf8.RuneLen(r)
	}
	return strings.TrimRightFunc(stem[:end], dotOrSpace) + ext
}

// reservedFilename reports a Windows device name: CON, PRN, AUX, NUL,
// COM0–9, LPT0–9 (superscript ¹²³ too), CONIN$, CONOUT$, whatever follows
// a dot and whatever the case. Saving such a file opens the device.
func reservedFilename(s string) bool {
	base, _, _ := strings.Cut(s, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	for _, dev := range []string{"COM", "LPT"} {
		if d, ok := strings.CutPrefix(base, dev); ok {
			return len(d) == 1 && '0' <= d[0] && d[0] <= '9' || d == "¹" || d == "²" || d == "³"
		}
	}
	return false
}

// EvidenceFilter selects evidence for a list.
type EvidenceFilter struct {
	CaseID         string
	Kind           EvidenceKind
	IncludeDeleted bool
	Page
}

// EvidenceStore keeps evidence records and their versions.
type EvidenceStore interface {
	// CreateEvidence stores e and its version 1. ECONFLICT if the case already
	// has a live item with the same sha256; ENOTFOUND if the case is absent.
	CreateEvidence(ctx context.Context, e *Evidence) error
	// Evidence returns an item (tombstoned ones too); ENOTFOUND if absent.
	Evidence(ctx context.Context, id string) (*Evidence, error)
	// EvidenceBySHA returns the live item of a case with that content; ENOTFOUND.
	EvidenceBySHA(ctx context.Context, caseID, sha string) (*Evidence, error)
	// ListEvidence returns a page of a case's items, oldest first. Items
	// carry no Transcript (up to 4 MiB each); Evidence returns it.
	ListEvidence(ctx context.Context, f EvidenceFilter) (items []*Evidence, total int, next string, err error)
	// AddVersion appends v (N must be current+1) and makes it current, with
	// its duration and format and text_status pending. ECONFLICT if another
	// version N was added concurrently.
	AddVersion(ctx context.Context, v *EvidenceVersion) error
	// Versions lists an item's versions, oldest first.
	Versions(ctx context.Context, id string) ([]*EvidenceVersion, error)
	// Each writer of an item's mutable state changes only the columns it
	// owns, so writers that read the item at different times never undo
	// each other's work.
	//
	// HoldEvidence sets Hold and HoldReason of a live item. ENOTFOUND if
	// absent; ECONFLICT if it is tombstoned.
	HoldEvidence(ctx context.Context, id string, hold bool, reason string) error
	// TombstoneEvidence sets DeletedAt of a live item that is neither on hold
	// nor retained at time at. ENOTFOUND if absent; ECONFLICT if it is
	// tombstoned already, on hold or retained: read it again to say which.
	TombstoneEvidence(ctx context.Context, id string, at time.Time) error
	// SetEvidenceText stores the outcome of extracting the text of version n
	// whose bytes are sha: TextStatus, TextError and TextSHA256. ENOTFOUND if
	// absent; ECONFLICT if n is no longer the current version or the item
	// was tombstoned meanwhile (the result is stale and was not stored).
	SetEvidenceText(ctx context.Context, id string, n int, sha, status, reason string) error
	// EvidenceByBlob returns every item (any case, tombstoned ones too) with
	// a version whose bytes are the blob sha: blobs are shared, so a storage
	// lock must reflect all of them.
	EvidenceByBlob(ctx context.Context, sha string) ([]*Evidence, error)
	// ScanEvidence calls fn for every version of every item, including
	// tombstoned ones, in creation order.
	ScanEvidence(ctx context.Context, fn func(*Evidence, *EvidenceVersion) error) error
}
