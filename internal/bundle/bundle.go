// Package bundle makes litigation bundles for outside counsel and hands them
// out: an immutable, ordered list of exhibits (evidence versions and generated
// documents, each pinned by sha256 at creation), streamed as one ZIP holding
//
//	00-evidence-list.pdf    the 证据目录 (zh-CN, or English on request)
//	01-bundle.pdf           every exhibit as PDF pages, merged in exhibit order,
//	                        one bookmark per exhibit, every page stamped
//	originals/NN-<title>.<ext>  the original files, byte-identical
//	manifest.json           case, bundle, creator, time, every file with size
//	                        and sha256, and the Merkle root over the exhibits
//	SHA256SUMS              the same digests for `sha256sum -c`
//
// The two PDFs are rendered once, when the bundle is created, and kept as
// blobs pinned in the bundle record: a download only streams blobs, so the
// first byte leaves at once, memory stays bounded whatever the size, and
// every download of a bundle carries identical bytes. pdfcpu (which holds a
// whole PDF in memory) therefore runs only at creation, on temp files, and
// only on exhibits below Config.MaxMergeBytes; a larger exhibit gets a
// description page in the merged PDF and travels as its original only.
//
// Merkle root (manifest.json "merkle_root"): RFC 6962 Merkle Tree Hash over
// the exhibits in exhibit order, where leaf i is the 32-byte binary sha256 of
// original i: leaf hash = SHA-256(0x00 ‖ digest), node hash = SHA-256(0x01 ‖
// left ‖ right), with the tree split at the largest power of two smaller
// than the number of leaves; lowercase hex. It commits to every original and
// to their order in one value that can be quoted in a filing.
//
// Share links give the ZIP to people without an account: a 256-bit random
// token shown once and stored only as its sha256, with an expiry, an
// optional download limit counted atomically in SQL, and revocation.
package bundle

import (
	"context"
	"fmt"
	"github.com/gabriel-vasile/mimetype"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dossier/dossier/internal/account"
	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/policy"
	"github.com/dossier/dossier/internal/render"
)

// CaseReader is the part of the case store bundles need.
type CaseReader interface {
	Case(ctx context.Context, id string) (*dossier.Case, error)
}

// Config holds a Service's dependencies.
type Config struct {
	Cases     CaseReader
	Evidence  dossier.EvidenceStore
	Documents dossier.DocumentStore // nil: document items are refused
	Bundles   dossier.BundleStore
	Blobs     blob.Store
	Font      *render.Font // nil: loaded once by New
	// WorkDir holds temp files while PDFs are built and pdfcpu's font
	// configuration; default os.TempDir()/dossier-bundle.
	WorkDir string
	// BaseURL is the public origin share URLs start with ("https://dossier.example.com").
	BaseURL string
	// MaxMergeBytes: exhibits larger than this are not merged into the PDF
	// (pdfcpu holds them in memory); default 32 MiB.
	MaxMergeBytes int64
	// Guesses limits failed share-token lookups per IP; default 20 per 10 minutes.
	Guesses *account.Limiter
	Now     func() time.Time
}

// Service creates bundles, streams them and manages their share links.
type Service struct {
	cfg Config
}

// New returns a Service with defaults filled in.
func New(cfg Config) (*Service, error) {
	if cfg.WorkDir == "" {
		cfg.WorkDir = filepath.Join(os.TempDir(), "dossier-bundle")
	}
	if cfg.MaxMergeBytes == 0 {
		cfg.MaxMergeBytes = 32 << 20
	}
	if cfg.Guesses == nil {
		cfg.Guesses = account.NewLimiter(20, 10*time.Minute)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Font == nil {
		f, err := render.LoadFont()
		if err != nil {
			return nil, fmt.Errorf("bundle: font: %w", err)
		}
		cfg.Font = f
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if err := os.MkdirAll(cfg.WorkDir, 0o700); err != nil {
		return nil, fmt.Errorf("bundle: work dir: %w", err)
	}
	return &Service{cfg: cfg}, nil
}

// Create pins the requested exhibits, renders the evidence lists and the
// merged PDF, and stores the bundle. EINVALID names items that are absent,
// of another case or deleted; ENOTFOUND if the case is not visible.
func (s *Service) Create(ctx context.Context, a *dossier.Actor, caseID string, req *dossier.BundleRequest) (*dossier.Bundle, error) {
	if err := policy.Can(a, policy.BundleCreate, caseID); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	c, err := s.cfg.Cases.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	b := &dossier.Bundle{ID: dossier.NewID(), CaseID: caseID, Title: req.Title, CreatedBy: a.UserID(),
		CreatedAt: s.cfg.Now().UTC().Truncate(time.Microsecond)}
	dossier.Note(ctx, caseID, "bundle", b.ID)
	var f dossier.Fields
	width := max(2, len(fmt.Sprint(len(req.Items))))
	var exs []*exhibit
	for i, in := range req.Items {
		ex, err := s.pin(ctx, caseID, in.EvidenceID, in.DocumentID)
		if err != nil {
			if dossier.ErrorCode(err) != dossier.ENOTFOUND && dossier.ErrorCode(err) != dossier.EINVALID {
				return nil, err
			}
			f.Add(fmt.Sprintf("items[%d]", i), "%s", dossier.ErrorMessage(err))
			continue
		}
		ex.N, ex.Purpose = i+1, in.Purpose
		ex.ZipName = zipName(i+1, width, ex.Title, ex.Filename, ex.MediaType)
		exs = append(exs, ex)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if err := s.build(ctx, c, b, exs); err != nil {
		return nil, err
	}
	b.MerkleRoot = MerkleRoot(b.Items)
	if err := s.cfg.Bundles.CreateBundle(ctx, b); err != nil {
		return nil, fmt.Errorf("bundle: create: %w", err)
	}
	return b, nil
}

// exhibit is an item being built, with what its description page needs.
type exhibit struct {
	dossier.BundleItem
	kind, description, transcript string
	part                          string // this exhibit's pages as a PDF file, while building
}

// pin reads the current version of an evidence item or a document.
func (s *Service) pin(ctx context.Context, caseID, evidenceID, documentID string) (*exhibit, error) {
	if evidenceID != "" {
		e, err := s.cfg.Evidence.Evidence(ctx, evidenceID)
		if err != nil {
			return nil, err
		}
		if e.CaseID != caseID {
			return nil, dossier.NotFound("evidence")
		}
		if e.DeletedAt != nil {
			return nil, dossier.Errorf(dossier.EINVALID, "evidence is deleted")
		}
		title := e.Title
		if title == "" {
			title = strings.TrimSuffix(e.Filename, path.Ext(e.Filename))
		}
		return &exhibit{BundleItem: dossier.BundleItem{EvidenceID: e.ID, Version: e.Version, Title: title,
			Source: e.Source, Filename: e.Filename, MediaType: e.MediaType, Size: e.Size, SHA256: e.SHA256},
			kind: string(e.Kind), description: e.Description, transcript: e.Transcript}, nil
	}
	if s.cfg.Documents == nil {
		return nil, dossier.Errorf(dossier.EINVALID, "documents are not available")
	}
	d, err := s.cfg.Documents.Document(ctx, documentID)
	if err != nil {
		return nil, err
	}
	if d.CaseID != caseID {
		return nil, dossier.NotFound("document")
	}
	return &exhibit{BundleItem: dossier.BundleItem{DocumentID: d.ID, Title: documentTitle(d.Template, d.Lang), Source: documentSource(d.Lang),
		Filename: d.Template + ".pdf", MediaType: "application/pdf", Size: d.Size, SHA256: d.SHA256},
		kind: "document"}, nil
}

// documentTitles names generated documents by template ID: {Chinese, English}.
var documentTitles = map[string][2]string{
	"payment_order_application": {"支付令申请书", "Payment-order application"},
	"lawyer_letter":             {"律师函", "Lawyer's letter"},
	"installment_agreement":     {"分期还款协议", "Installment agreement"},
}

// documentTitle names a generated document by its template in lang
// ("zh", "zh-CN", "en"); an unknown template keeps its ID.
func documentTitle(template, lang string) string {
	n, ok := documentTitles[template]
	if !ok {
		return template
	}
	if strings.HasPrefix(lang, "en") {
		return n[1]
	}
	return n[0]
}

// documentSource is a generated document's 证据来源 in lang: the party
// submitting the bundle (提交人, as the evidence list's heading calls the
// creditor) made it itself; a court asks who produced a paper, not with
// what software.
func documentSource(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return "Prepared by the submitting party"
	}
	return "提交人制作"
}

// ItemSource is an exhibit's 证据来源 in lang: a generated document's in
// that language (its pinned source is in the document's own language, or
// "Dossier" in bundles made before), any other exhibit's as pinned.
func ItemSource(it dossier.BundleItem, lang string) string {
	if it.DocumentID != "" {
		return documentSource(lang)
	}
	return it.Source
}

// ItemTitle is an exhibit's name in lang: a generated document by its
// template in that language (its pinned title is in the document's own
// language), any other exhibit by its pinned title.
func ItemTitle(it dossier.BundleItem, lang string) string {
	if it.DocumentID != "" {
		if t := strings.TrimSuffix(it.Filename, ".pdf"); documentTitles[t][0] != "" {
			return documentTitle(t, lang)
		}
	}
	return it.Title
}

// ItemFilename is the file name to show for an exhibit: an evidence item's
// original's, a generated document's name in the ZIP ("06-分期还款协议.pdf"),
// since its Filename holds the template ID, which names no file a reader
// of the bundle can find.
func ItemFilename(it dossier.BundleItem) string {
	if it.DocumentID != "" && it.ZipName != "" {
		return path.Base(it.ZipName)
	}
	return it.Filename
}

// Get returns a bundle the actor may read. ENOTFOUND if absent or invisible.
func (s *Service) Get(ctx context.Context, a *dossier.Actor, id string) (*dossier.Bundle, error) {
	return s.visible(ctx, a, id, policy.BundleRead)
}

// List returns a case's bundles; ENOTFOUND if the case is absent or not
// visible, as for its other lists (not an empty list).
func (s *Service) List(ctx context.Context, a *dossier.Actor, caseID string) ([]*dossier.Bundle, error) {
	if err := policy.Can(a, policy.BundleRead, caseID); err != nil {
		return nil, err
	}
	if _, err := s.cfg.Cases.Case(ctx, caseID); err != nil {
		return nil, err
	}
	return s.cfg.Bundles.Bundles(ctx, caseID)
}

// zipName is the original's path inside the ZIP: originals/NN-<title>.<ext>,
// the title made safe for file systems (Chinese kept) and the extension
// taken from the original file name, or from the media type.
func zipName(n, width int, title, filename, mediaType string) string {
	ext := strings.ToLower(path.Ext(dossier.SanitizeFilename(filename)))
	if ext == "" || utf8.RuneCountInString(ext) > 10 {
		ext = extFor(mediaType)
	}
	t := dossier.FilenamePart(title)
	t = strings.TrimSuffix(t, ext)
	t = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u3000' {
			return '_'
		}
		return r
	}, t)
	for utf8.RuneCountInString(t) > 80 {
		_, sz := utf8.DecodeLastRuneInString(t)
		t = t[:len(t)-sz]
	}
	return fmt.Sprintf("originals/%0*d-%s%s", width, n, t, ext)
}

func extFor(mediaType string) string {
	m := map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png",
		"text/plain": ".txt", "message/rfc822": ".eml", "audio/mpeg": ".mp3", "audio/mp4": ".m4a",
		"audio/wav": ".wav", "audio/x-wav": ".wav", "video/mp4": ".mp4", "application/zip": ".zip",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}
	mt, _, _ := strings.Cut(mediaType, ";")
	if e, ok := m[mt]; ok {
		return e
	}
	// Every other type the upload's sniffer can name (M4A, AMR and 3GP call
	// recordings, QuickTime, HEIC photos, Outlook messages) has its
	// extension there: a recording saved as .bin opens in nothing.
	if t := mimetype.Lookup(mt); t != nil && t.Extension() != "" {
		return t.Extension()
	}
	return ".bin"
}

// DownloadName is the ZIP's file name, "<case number>-<bundle title>.zip",
// as one path segment: a "/" in either is replaced, never cuts the name;
// a long title is cut so that the whole name, .zip kept, fits 255 bytes.
func DownloadName(sh *Shared) string {
	return dossier.FilenamePart(sh.Case.Number + "-" + sh.Bundle.Title + ".zip")
}

// ForDownload returns a bundle the actor may read with its case, ready for
// WriteZip. ENOTFOUND if absent or invisible.
func (s *Service) ForDownload(ctx context.Context, a *dossier.Actor, id string) (*Shared, error) {
	b, err := s.visible(ctx, a, id, policy.BundleRead)
	if err != nil {
		return nil, err
	}
	c, err := s.cfg.Cases.Case(ctx, b.CaseID)
	if err != nil {
		return nil, err
	}
	return &Shared{Bundle: b, Case: c}, nil
}
