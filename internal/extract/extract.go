// Package extract turns evidence files into searchable text: plain text and
// CSV in any common Chinese or Unicode encoding, HTML, e-mail, DOCX, XLSX,
// PDF text layers, and OCR (Chinese + English, tesseract) for images and
// scanned PDFs. PDF and OCR run poppler and tesseract as subprocesses under
// the caller's context.
//
// Extract never panics on hostile input: a file that cannot be read gives an
// error whose text is the reason stored with the evidence (text_status
// failed); a type without text gives ErrUnsupported (text_status none).
package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrUnsupported means the media type carries no extractable text (audio,
// video, archives, unknown binaries). Recordings are indexed by their
// transcript instead.
var ErrUnsupported = errors.New("extract: no text extraction for this media type")

// ErrTooLarge means the input, or an archive's uncompressed content, exceeds
// Limits: a zip bomb or simply a file too big to extract.
var ErrTooLarge = errors.New("extract: input exceeds extraction limits")

// Limits bound the work and memory of one extraction. Zero fields take the
// defaults below.
type Limits struct {
	MaxText       int           // bytes of text kept; longer text is truncated (8 MiB)
	MaxInput      int64         // bytes read from r (512 MiB)
	MaxUnzipped   int64         // uncompressed bytes read from a DOCX/XLSX (256 MiB)
	MaxZipEntries int           // entries in a DOCX/XLSX (10,000)
	MaxOCRPages   int           // pages of a scanned PDF that are OCRed (50)
	Timeout       time.Duration // for the whole extraction, subprocesses included (10 min)
	TempDir       string        // for spooled input and page images ("" = os.TempDir)
}

func (l Limits) withDefaults() Limits {
	if l.MaxText <= 0 {
		l.MaxText = 8 << 20
	}
	if l.MaxInput <= 0 {
		l.MaxInput = 512 << 20
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = 256 << 20
	}
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = 10000
	}
	if l.MaxOCRPages <= 0 {
		l.MaxOCRPages = 50
	}
	if l.Timeout <= 0 {
		l.Timeout = 10 * time.Minute
	}
	return l
}

// Result is the extracted text of one file.
type Result struct {
	Text string
	// Meta holds format-specific fields: for e-mail subject, from, to, cc,
	// date and attachments; for PDFs pages.
	Meta map[string]string
	// Method names the extractor: text, html, eml, docx, xlsx, pdftotext, ocr.
	Method string
	// Truncated is set when the text was cut at Limits.MaxText.
	Truncated bool
}

// Extract reads r, a file of the given media type (as sniffed or declared;
// parameters such as charset are honoured) and name, and returns its text.
// The filename's extension decides when the media type is generic
// (application/octet-stream, application/zip, text/plain for .eml).
func Extract(ctx context.Context, mediaType, filename string, r io.Reader, limits Limits) (res Result, err error) {
	defer func() {
		// The parsers below handle hostile input, but a panic in a
		// dependency must still become a failed extraction, not a crash of
		// the indexing worker.
		if p := recover(); p != nil {
			res, err = Result{}, fmt.Errorf("extract: %s: internal error: %v", filename, p)
		}
	}()
	l := limits.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, l.Timeout)
	defer cancel()

	mt, params, _ := mime.ParseMediaType(mediaType)
	if mt == "" {
		mt = strings.ToLower(strings.TrimSpace(mediaType))
	}
	kind := classify(mt, strings.ToLower(filepath.Ext(filename)))
	in := &limitedReader{r: r, n: l.MaxInput}
	switch kind {
	case "text":
		res, err = extractText(in, params["charset"], l)
	case "html":
		res, err = extractHTML(in, mediaType, l)
	case "eml":
		res, err = extractEML(in, l)
	case "docx":
		res, err = extractDOCX(ctx, in, l)
	case "xlsx":
		res, err = extractXLSX(ctx, in, l)
	case "pdf":
		res, err = extractPDF(ctx, in, l)
	case "image":
		res, err = extractImage(ctx, in, l)
	default:
		return Result{}, ErrUnsupported
	}
	if err != nil {
		if in.exceeded {
			err = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, l.MaxInput)
		}
		return Result{}, err
	}
	res.Text, res.Truncated = clip(res.Text, l.MaxText, res.Truncated)
	return res, nil
}

// classify maps a media type and file extension to an extractor.
func classify(mt, ext string) string {
	switch mt {
	case "text/plain", "text/csv", "text/tab-separated-values", "text/markdown", "application/csv":
		if ext == ".eml" {
			return "eml"
		}
		return "text"
	case "text/html", "application/xhtml+xml":
		return "html"
	case "message/rfc822":
		return "eml"
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return "docx"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return "xlsx"
	case "application/pdf", "application/x-pdf":
		return "pdf"
	case "image/png", "image/jpeg", "image/tiff", "image/bmp", "image/gif", "image/webp":
		return "image"
	case "", "application/octet-stream", "application/zip", "application/x-zip-compressed":
		switch ext {
		case ".txt", ".csv", ".tsv":
			return "text"
		case ".htm", ".html":
			return "html"
		case ".eml":
			return "eml"
		case ".docx":
			return "docx"
		case ".xlsx":
			return "xlsx"
		case ".pdf":
			return "pdf"
		}
	}
	return ""
}

// clip cuts s to at most max bytes on a rune boundary.
func clip(s string, max int, truncated bool) (string, bool) {
	if len(s) <= max {
		return s, truncated
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i], true
}

// limitedReader fails, instead of silently stopping like io.LimitReader,
// once more than n bytes are read, so a truncated file is never mistaken
// for a complete one.
type limitedReader struct {
	r        io.Reader
	n        int64
	exceeded bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		l.exceeded = true
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		l.exceeded = true
		return n, ErrTooLarge
	}
	return n, err
}

// textBuffer accumulates text up to a limit and remembers whether it had to
// drop anything. It also serves as a subprocess's stdout: writes past the
// limit are discarded (not refused) so the process is not killed by EPIPE.
type textBuffer struct {
	b         strings.Builder
	max       int
	truncated bool
}

func (t *textBuffer) Write(p []byte) (int, error) {
	if room := t.max - t.b.Len(); len(p) > room {
		if room > 0 {
			t.b.Write(p[:room])
		}
		t.truncated = true
		return len(p), nil
	}
	t.b.Write(p)
	return len(p), nil
}

func (t *textBuffer) WriteString(s string) (int, error) { return t.Write([]byte(s)) }

func (t *textBuffer) full() bool { return t.b.Len() >= t.max }

func (t *textBuffer) String() string { return strings.ToValidUTF8(t.b.String(), "\uFFFD") }
