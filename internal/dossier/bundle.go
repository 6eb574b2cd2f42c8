package dossier

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// BundleItem is one exhibit of a bundle: an evidence version or a generated
// document, pinned by its sha256 when the bundle was made.
type BundleItem struct {
	N          int    `json:"n"` // exhibit number, from 1, in bundle order
	EvidenceID string `json:"evidence_id,omitempty"`
	Version    int    `json:"version,omitempty"` // the pinned evidence version
	DocumentID string `json:"document_id,omitempty"`
	Purpose    string `json:"purpose"` // 证明目的
	Title      string `json:"title"`
	Source     string `json:"source"`   // 证据来源
	Filename   string `json:"filename"` // the original's file name
	ZipName    string `json:"zip_name"` // its path inside the bundle ZIP
	MediaType  string `json:"media_type"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	// CRC32 (IEEE) of the bytes, taken when the bundle was made while the
	// sha256 was re-checked; downloads compare it in-stream at almost no cost.
	CRC32 uint32 `json:"crc32"`
	// PageFrom and Pages locate the exhibit in the merged PDF.
	PageFrom int  `json:"page_from"`
	Pages    int  `json:"pages"`
	Merged   bool `json:"merged"` // false: only a description page stands in for it
}

// BundleFile is a derived file of a bundle (the evidence list, the merged
// PDF), rendered once at creation and kept as a blob.
type BundleFile struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Bundle is a litigation file for outside counsel: an ordered list of
// exhibits with their derived PDFs. It never changes once created.
type Bundle struct {
	ID         string       `json:"id"`
	CaseID     string       `json:"case_id"`
	Title      string       `json:"title"`
	Items      []BundleItem `json:"items"`
	ListZH     BundleFile   `json:"evidence_list_zh"`
	ListEN     BundleFile   `json:"evidence_list_en"`
	Merged     BundleFile   `json:"merged_pdf"`
	Pages      int          `json:"pages"`       // of the merged PDF
	MerkleRoot string       `json:"merkle_root"` // over the items' sha256, see internal/bundle
	CreatedBy  string       `json:"created_by"`
	CreatedAt  time.Time    `json:"created_at"`
}

// BundleRequest is what a caller asks for: a title and the exhibits in order.
type BundleRequest struct {
	Title string              `json:"title"`
	Items []BundleRequestItem `json:"items"`
}

// BundleRequestItem names one exhibit: an evidence item (its current
// version is pinned) or a generated document, and what it proves.
type BundleRequestItem struct {
	EvidenceID string `json:"evidence_id,omitempty"`
	DocumentID string `json:"document_id,omitempty"`
	Purpose    string `json:"purpose"`
}

// MaxBundleItems bounds one bundle.
const MaxBundleItems = 500

// Validate normalises r and returns EINVALID naming every bad field.
func (r *BundleRequest) Validate() error {
	var f Fields
	r.Title = strings.TrimSpace(r.Title)
	if r.Title == "" {
		f.Add("title", "is required")
	} else if utf8.RuneCountInString(r.Title) > 200 {
		f.Add("title", "must be at most 200 characters")
	}
	if len(r.Items) == 0 {
		f.Add("items", "must list at least one item")
	} else if len(r.Items) > MaxBundleItems {
		f.Add("items", "must list at most %d items", MaxBundleItems)
	}
	for i := range r.Items {
		it := &r.Items[i]
		it.Purpose = strings.TrimSpace(it.Purpose)
		p := "items[" + strconv.Itoa(i) + "]"
		if (it.EvidenceID == "") == (it.DocumentID == "") {
			f.Add(p, "must name exactly one of evidence_id and document_id")
		}
		if it.Purpose == "" {
			f.Add(p+".purpose", "is required (证明目的)")
		} else if utf8.RuneCountInString(it.Purpose) > 2000 {
			f.Add(p+".purpose", "must be at most 2000 characters")
		}
	}
	f = append(f, repeatedItems(r.Items)...)
	return f.Err()
}

// repeatedItems names every evidence item or document listed more than
// once: a court bundle lists each exhibit once, under one number.
func repeatedItems(items []BundleRequestItem) Fields {
	var f Fields
	seen := map[BundleRequestItem]int{}
	for i, it := range items {
		if (it.EvidenceID == "") == (it.DocumentID == "") {
			continue // Validate names it
		}
		key := BundleRequestItem{EvidenceID: it.EvidenceID, DocumentID: it.DocumentID}
		first, ok := seen[key]
		switch {
		case !ok:
			seen[key] = i
		case first < 0: // reported once, however often it repeats
		case it.EvidenceID != "":
			f.Add("items", "lists evidence %s twice (items[%d] and items[%d]): a bundle lists each exhibit once", it.EvidenceID, first, i)
			seen[key] = -1
		default:
			f.Add("items", "lists document %s twice (items[%d] and items[%d]): a bundle lists each exhibit once", it.DocumentID, first, i)
			seen[key] = -1
		}
	}
	return f
}

// Share is a public download link to a bundle. Only the sha256 of its token
// is stored; the token itself is shown once.
type Share struct {
	ID           string     `json:"id"`
	BundleID     string     `json:"bundle_id"`
	CaseID       string     `json:"case_id"`
	TokenHash    string     `json:"-"`
	ExpiresAt    time.Time  `json:"expires_at"`
	MaxDownloads int        `json:"max_downloads"` // 0: no limit
	Downloads    int        `json:"downloads"`
	Note         string     `json:"note"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
}

// Live reports whether the link still answers at now.
func (s *Share) Live(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt) && (s.MaxDownloads == 0 || s.Downloads < s.MaxDownloads)
}

// ShareDownload is one counted ZIP download through a share link.
type ShareDownload struct {
	ShareID   string    `json:"share_id"`
	At        time.Time `json:"at"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"user_agent"`
}

// BundleStore keeps bundles, their share links and the links' download log.
type BundleStore interface {
	// CreateBundle stores b (ID set). ENOTFOUND if the case is absent.
	CreateBundle(ctx context.Context, b *Bundle) error
	// Bundle returns a bundle; ENOTFOUND if absent.
	Bundle(ctx context.Context, id string) (*Bundle, error)
	// Bundles lists a case's bundles, oldest first.
	Bundles(ctx context.Context, caseID string) ([]*Bundle, error)
	// CreateShare stores s (ID and TokenHash set). ENOTFOUND if the bundle is
	// absent, ECONFLICT if the token hash is taken.
	CreateShare(ctx context.Context, s *Share) error
	// ShareByToken returns the share whose token hashes to hash, live or
	// not; ENOTFOUND if none.
	ShareByToken(ctx context.Context, hash string) (*Share, error)
	// Shares lists a bundle's shares, oldest first.
	Shares(ctx context.Context, bundleID string) ([]*Share, error)
	// RevokeShare marks share id of bundle bundleID revoked at at (a second
	// revocation keeps the first time). ENOTFOUND if there is no such share.
	RevokeShare(ctx context.Context, bundleID, id string, at time.Time) error
	// ClaimDownload counts one download of share id and logs d, atomically:
	// it succeeds only while the share is unrevoked, unexpired at d.At and
	// below its limit, so concurrent claims never exceed the limit. ENOTFOUND
	// when the share is absent or no longer live. Returns the updated share.
	ClaimDownload(ctx context.Context, id string, d *ShareDownload) (*Share, error)
	// ShareDownloads lists the downloads of a share, oldest first.
	ShareDownloads(ctx context.Context, shareID string) ([]*ShareDownload, error)
}
