package evidence

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"mime"
	"net"
	"net/http"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/dossier"
)

// Text fields accepted beside the file, with their size limits. Fields are
// small and buffered; the file part is never buffered, so fields may come
// before or after it.
var (
	uploadFields = map[string]int{"kind": 64, "title": 4 << 10, "occurred_at": 64, "source": 4 << 10,
		"description": 64 << 10, "transcript": 4 << 20, "sha256": 128}
	versionFields = map[string]int{"note": 4 << 10, "sha256": 128}
)

// declared returns the file's SHA-256 as the client declared it in the
// optional field "sha256" (64 hex digits, either case; "" when absent or
// empty, as the other optional fields), or a 422 naming the field.
func declared(fields map[string]string) (string, error) {
	s := strings.TrimSpace(fields["sha256"])
	if s == "" {
		return "", nil
	}
	w, err := blob.CheckWant(s)
	if err != nil {
		return "", fieldErr("sha256", "must be the file's SHA-256 as 64 hexadecimal digits")
	}
	return w, nil
}

// checkDeclared compares a stored file with the digest the client declared
// after the file part (one declared before it was checked while the bytes
// arrived, and nothing was stored unless it matched).
func checkDeclared(fields map[string]string, f *stored) error {
	want, err := declared(fields)
	if err != nil || want == "" || f == nil {
		return err
	}
	return mismatch(blob.CheckDigest(f.ref, want))
}

// declaredNote is the audit detail's word that the stored bytes have the
// digest the client declared ("" when it declared none).
func declaredNote(fields map[string]string) string {
	if want, _ := declared(fields); want == "" {
		return ""
	}
	return "; equal to the sha256 the client declared"
}

// mismatch turns a blob digest mismatch into a 422 naming the field and
// the digest actually received; other errors pass unchanged.
func mismatch(err error) error {
	var mm *blob.MismatchError
	if !errors.As(err, &mm) {
		return err
	}
	return fieldErr("sha256", "does not match the file received: %d bytes with SHA-256 %s", mm.Got.Size, mm.Got.SHA256)
}

// sniffLen is how much of the stream the media type detector sees; it is
// mimetype's own default read limit.
const sniffLen = 3072

// sniff returns the media type of a file from its first bytes (whole: all
// of them). mimetype labels any 8-bit text that is not UTF-8 iso-8859-1 or
// windows-1252, or, where it holds bytes 0x80–0x9F, no charset at all; ours
// is far more often GBK from a Chinese Windows machine (a chat export, a
// note), and the Latin label (or UTF-8, read for none) made text extraction
// and the preview decode it as other letters. Bytes that are valid GB18030
// and read as Chinese text are labelled so.
func sniff(hdr []byte, whole bool) string {
	mt := mimetype.Detect(hdr).String()
	base, params, err := mime.ParseMediaType(mt)
	if err != nil || base != "text/plain" {
		return mt
	}
	switch cs := params["charset"]; {
	case cs == "iso-8859-1", cs == "windows-1252":
	case cs == "" && !utf8.Valid(hdr[:len(hdr)-utf8Tail(hdr)]):
		// GBK characters outside GB2312 (陳, 貨: most traditional ones)
		// have a second byte from 0x80, which no Latin charset labels.
		if params == nil {
			params = map[string]string{}
		}
	default:
		return mt
	}
	if !validGB18030(hdr, whole) || !mostlyGB2312(hdr) {
		return mt
	}
	params["charset"] = "gb18030"
	return mime.FormatMediaType(base, params)
}

// utf8Tail is the number of bytes at the end of b that may begin a UTF-8
// character cut off there.
func utf8Tail(b []byte) int {
	for n := 1; n <= 3 && n <= len(b); n++ {
		c := b[len(b)-n]
		if c < 0x80 {
			return 0
		}
		if c >= 0xC0 { // a lead byte: cut if its character is longer
			if l := bits.LeadingZeros8(^c); l > n {
				return n
			}
			return 0
		}
	}
	return 0
}

// validGB18030 reports whether b decodes as GB18030 without a replacement
// character. b may end inside a character (of up to four bytes) unless whole.
func validGB18030(b []byte, whole bool) bool {
	for cut := 0; cut < 4 && cut < len(b); cut++ {
		s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b[:len(b)-cut])
		if err == nil && !bytes.ContainsRune(s, utf8.RuneError) {
			return true
		}
		if whole {
			break
		}
	}
	return false
}

// mostlyGB2312 reports whether at least half the multi-byte characters of
// b are in GB2312's range (both bytes from 0xA1: the common hanzi and
// full-width punctuation of Chinese text). Western text in windows-1252 or
// ISO 8859-1 is often valid GB18030 too, an accented letter and the ASCII
// letter after it ("ü" "r" of "für") making one GBK extension character,
// but those have a second byte below 0x80.
func mostlyGB2312(b []byte) bool {
	common, other := 0, 0
	for i := 0; i < len(b); {
		switch {
		case b[i] < 0x80:
			i++
			continue
		case i+1 >= len(b):
			i++ // cut inside a character
			continue
		case b[i+1] >= 0x30 && b[i+1] <= 0x39: // four bytes
			other++
			i += 4
			continue
		case b[i] >= 0xA1 && b[i+1] >= 0xA1:
			common++
		default:
			other++
		}
		i += 2
	}
	return common > 0 && common >= other
}

// stored is a file part committed to the blob store.
type stored struct {
	ref       blob.Ref
	filename  string
	mediaType string
	seconds   float64
	format    string
	repair    *blob.Repair // the upload restored damaged stored bytes
}

// noteDetail sets the audit detail of an upload that succeeded. A repair
// the upload made is in the detail from the moment it happened (an upload
// refused afterwards still left the store changed) and stays, after it.
func noteDetail(ctx context.Context, s string) {
	n := dossier.NoteFrom(ctx)
	if n.Detail != "" {
		s += "; " + n.Detail
	}
	n.Detail = s
}

// readForm walks the multipart parts: known text fields are read (bounded),
// the part named "file" is handed to onFile with the fields seen so far, and
// anything else is refused with 422 naming it.
func (v *Vault) readForm(mr *FormReader, allowed map[string]int, onFile func(*FormPart, map[string]string) error) (map[string]string, error) {
	fields := map[string]string{}
	files := 0
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return fields, nil
		}
		if err != nil {
			return nil, bodyError(err, v.maxUpload())
		}
		name := p.FormName()
		if name == "" {
			// Nothing to name in a field error: the form itself is wrong.
			return nil, dossier.Errorf(dossier.EMALFORMED,
				`malformed multipart body: part %d has no Content-Disposition "form-data" with a name`, len(fields)+files+1)
		}
		if name == "file" {
			if files++; files > 1 {
				return nil, fieldErr("file", "only one file per request")
			}
			if err := onFile(p, fields); err != nil {
				return nil, err
			}
			continue
		}
		limit, ok := allowed[name]
		if !ok {
			return nil, fieldErr(name, "is not a known field")
		}
		// A field sent twice is ambiguous: the last one silently won.
		if _, dup := fields[name]; dup {
			return nil, fieldErr(name, "is given more than once")
		}
		b, err := io.ReadAll(io.LimitReader(p, int64(limit)+1))
		if err != nil {
			return nil, bodyError(err, v.maxUpload())
		}
		if len(b) > limit {
			return nil, fieldErr(name, "must be at most %d bytes", limit)
		}
		// PostgreSQL stores neither a NUL nor bytes that are not UTF-8
		// (the file's name is sanitised instead: see SanitizeFilename).
		if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
			return nil, fieldErr(name, "must be UTF-8 text without a NUL character")
		}
		fields[name] = string(b)
	}
}

func fieldErr(field, format string, args ...any) error {
	var f dossier.Fields
	f.Add(field, format, args...)
	return f.Err()
}

// source counts the file part's bytes, stops at the size limit and
// remembers the client-side error, so a failed Put can be blamed correctly
// whatever the blob store wraps it in.
type source struct {
	r        io.Reader
	n, max   int64
	err      error
	tooLarge bool
}

func (s *source) Read(p []byte) (int, error) {
	if s.n >= s.max+1 {
		s.tooLarge = true
		return 0, errors.New("evidence: file exceeds the upload limit")
	}
	if rem := s.max + 1 - s.n; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.n > s.max {
		s.tooLarge = true
		return n, errors.New("evidence: file exceeds the upload limit")
	}
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// storeFile streams one file part into the blob store. The first bytes are
// peeked for the media type and stitched back in front of the rest, and an
// audio probe watches the stream go by: the file is read exactly once.
//
// seen are the fields that came before the file. A digest declared among
// them makes the store commit the bytes only if they have it (422 naming
// "sha256" otherwise); bytes it already holds are then only hashed, not
// written again.
func (v *Vault) storeFile(ctx context.Context, p *FormPart, seen map[string]string) (*stored, error) {
	want, err := declared(seen)
	if err != nil {
		return nil, err
	}
	// The store reads p in its own goroutine (if any) and is done with it
	// when Put returns, before the next NextPart.
	src := &source{r: p, max: v.maxUpload()}
	hdr := make([]byte, sniffLen)
	n, err := blob.Fill(src, hdr)
	if err != nil && err != io.EOF {
		return nil, v.uploadError(ctx, src, err)
	}
	if n == 0 {
		return nil, fieldErr("file", "is empty")
	}
	hdr = hdr[:n]
	mt := sniff(hdr, n < sniffLen)
	out := &stored{filename: dossier.SanitizeFilename(p.FileName()), mediaType: mt}
	var r io.Reader = io.MultiReader(bytes.NewReader(hdr), src)
	probe := newAudioProbe(mt)
	if probe != nil {
		r = io.TeeReader(r, probe)
	}
	// Uploading the intact original of bytes found damaged (the keeper's
	// copy after a failed fixity check) restores them in the store.
	var repair *blob.Repair
	pctx := blob.OnRepair(ctx, func(r blob.Repair) {
		repair = &r
		dossier.NoteFrom(ctx).Detail = r.String()
	})
	ref, err := v.Blobs.Put(pctx, r, want)
	if err != nil {
		if e := mismatch(err); e != err {
			return nil, e
		}
		return nil, v.uploadError(ctx, src, err)
	}
	if src.tooLarge { // defensive: Put saw EOF but the limit tripped
		return nil, v.uploadError(ctx, src, nil)
	}
	out.ref = ref
	if repair != nil {
		out.repair = repair
		if v.Log != nil {
			v.Log.Warn("evidence: "+repair.String(), "sha256", ref.SHA256)
		}
		// The replaced object may have carried the storage lock (S3 keeps
		// it on the damaged version): apply it to the restored bytes.
		if err := v.syncLock(ctx, ref.SHA256, nil); err != nil {
			return nil, err
		}
	}
	if probe != nil {
		if s, f, ok := probe.Result(); ok {
			out.seconds, out.format = s, f
		}
	}
	return out, nil
}

// uploadError decides whose fault a failed upload was: too large (413), the
// client's broken or interrupted body (400), or the storage (503 when it is
// down or full, else 500).
func (v *Vault) uploadError(ctx context.Context, src *source, err error) error {
	if src.tooLarge {
		return &dossier.Error{Code: dossier.ETOOLARGE, Message: fmt.Sprintf("file larger than the %d-byte limit", v.maxUpload()), Err: err}
	}
	if src.err != nil {
		return bodyError(src.err, v.maxUpload())
	}
	// The request context ends when the client goes away; the store may
	// notice that before the body reader reports the broken connection.
	if ctx.Err() != nil {
		return bodyError(context.Canceled, v.maxUpload())
	}
	return storageError("could not store the file", err)
}

// storageError is a failed blob store operation: the dependency being down
// (unreachable, full) is EUNAVAILABLE, 503, which a client may retry; the
// request cancelled (its client gone) is the client's doing, 400, as an
// interrupted upload is; anything else is internal.
func storageError(msg string, err error) error {
	if errors.Is(err, context.Canceled) {
		return &dossier.Error{Code: dossier.EMALFORMED, Message: msg + ": request cancelled by its client", Err: err}
	}
	if blob.Unavailable(err) {
		return &dossier.Error{Code: dossier.EUNAVAILABLE, Message: msg + ": the blob store is unavailable; try again later", Err: err}
	}
	return &dossier.Error{Code: dossier.EINTERNAL, Message: msg, Err: err}
}

// bodyError classifies an error reading the request body.
func bodyError(err error, max int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &dossier.Error{Code: dossier.ETOOLARGE, Message: fmt.Sprintf("file larger than the %d-byte limit", max), Err: err}
	}
	// The client's connection reset or timed out: its upload broke off,
	// the form was not malformed.
	var ne net.Error
	if errors.Is(err, context.Canceled) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne) ||
		errors.Is(err, syscall.ECONNRESET) {
		return &dossier.Error{Code: dossier.EMALFORMED, Message: "upload interrupted before the end of the body", Err: err}
	}
	// Say what is wrong with the form: the client cannot see Err.
	if errors.Is(err, errForm) {
		return &dossier.Error{Code: dossier.EMALFORMED,
			Message: "malformed multipart body: " + strings.TrimPrefix(err.Error(), errForm.Error()+": "), Err: err}
	}
	return &dossier.Error{Code: dossier.EMALFORMED, Message: "malformed multipart body", Err: err}
}
