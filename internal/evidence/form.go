package evidence

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/textproto"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// FormReader reads a multipart/form-data body (RFC 7578, framed as in
// RFC 2046 §5.1.1) one part at a time, as mime/multipart.Reader does, with
// the same leniency: a preamble is skipped, the line ending is taken from
// the first boundary line (CRLF, or LF from sloppy clients), and a
// boundary-like string inside a part ends it only when "--", blanks or a
// line break follow it.
//
// It exists for throughput. mime/multipart peeks through a fixed 4 KiB
// buffer, so a 1 GiB file part costs 262,144 reads, each copying 4 KiB out
// of one buffer into another. FormReader receives into one large buffer,
// scans it for the delimiter once, and hands a part's bytes out in blocks
// as large as the caller asks for. Once a large part's first bytes are out,
// it receives straight into the caller's slice and scans it there: the
// kernel's copy from the socket is the only one. Memory stays bounded by
// formBufSize whatever the body holds.
type FormReader struct {
	src   *stickyReader
	br    *recvBuf
	dash  []byte // "--" + boundary
	nl    []byte // the line ending: "\r\n" until the first boundary line says "\n"
	delim []byte // nl + dash: where a part's body ends
	part  *FormPart
	parts int
	done  bool
	// clear counts the bytes at the head of br known to be body (no
	// delimiter starts in them); atDelim says a confirmed delimiter follows
	// them, and delimSkip how much of it the part consumes (its line
	// break). They save rescanning the buffer on every small Read.
	clear     int
	atDelim   bool
	delimSkip int
	// directMin is the smallest part Read that receives straight into the
	// caller's slice when nothing is buffered (see partBody.Read).
	directMin int
}

// formBufSize is the receive buffer of one upload: reads from the
// connection are this large at most.
const formBufSize = 1 << 20

// maxPartHeader bounds one part's header block. The form's parts are a
// file and short text fields; a larger header is not a form we accept.
const maxPartHeader = 16 << 10

// NewFormReader reads the form in r, whose parts are separated by boundary
// (the Content-Type's boundary parameter).
func NewFormReader(r io.Reader, boundary string) *FormReader {
	return newFormReaderSize(r, boundary, formBufSize)
}

func newFormReaderSize(r io.Reader, boundary string, size int) *FormReader {
	fr := &FormReader{src: &stickyReader{r: r}, dash: []byte("--" + boundary), nl: []byte("\r\n")}
	fr.delim = append(append([]byte{}, fr.nl...), fr.dash...)
	size = max(size, 2*len(fr.delim)+16)
	fr.br = &recvBuf{src: fr.src, buf: make([]byte, size)}
	fr.directMin = max(min(32<<10, size/4), len(fr.delim)+1)
	return fr
}

// errForm is a body that is not a well-formed multipart form.
var errForm = errors.New("multipart: malformed form")

// NextPart returns the next part, or io.EOF after the closing boundary.
// Whatever the caller left unread of the previous part is skipped. A body
// that ends before the closing boundary is io.ErrUnexpectedEOF; an error of
// the underlying reader (such as *http.MaxBytesError) is returned as is.
func (fr *FormReader) NextPart() (*FormPart, error) {
	if fr.done {
		return nil, io.EOF
	}
	if fr.part != nil {
		if _, err := io.Copy(io.Discard, fr.part.body); err != nil {
			return nil, err
		}
		fr.part = nil
	}
	for {
		line, err := fr.readLine()
		if fr.isFinal(line) {
			fr.done = true
			return nil, io.EOF
		}
		if fr.isBoundary(line) {
			break
		}
		if err == io.EOF && fr.parts == 0 {
			// The whole body came without one: not an interrupted upload
			// but a boundary parameter that does not split this body.
			return nil, fmt.Errorf("%w: no line %q in the body; the Content-Type's boundary parameter must separate its parts",
				errForm, truncate(fr.dash))
		}
		if err != nil {
			return nil, fr.readErr(err)
		}
		if fr.parts == 0 {
			continue // the preamble, which the RFC says to ignore
		}
		return nil, fmt.Errorf("%w: expected a boundary line, got %q", errForm, truncate(line))
	}
	hdr, err := fr.readHeader()
	if err != nil {
		return nil, err
	}
	fr.parts++
	if err := checkDisposition(hdr.Get("Content-Disposition")); err != nil {
		return nil, fmt.Errorf("%w: part %d has a Content-Disposition that cannot be read: %v", errForm, fr.parts, err)
	}
	p := &FormPart{Header: hdr}
	p.body = &partBody{fr: fr}
	p.r = p.body
	// As mime/multipart: quoted-printable parts are decoded, and the
	// header no longer claims an encoding the bytes do not have.
	if strings.EqualFold(hdr.Get("Content-Transfer-Encoding"), "quoted-printable") {
		hdr.Del("Content-Transfer-Encoding")
		p.r = quotedprintable.NewReader(p.body)
	}
	fr.part = p
	return p, nil
}

// readLine returns the next line including its ending. Lines longer than
// the buffer are malformed (a boundary line is at most 74 bytes).
func (fr *FormReader) readLine() ([]byte, error) {
	line, err := fr.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("%w: line longer than %d bytes", errForm, fr.br.Size())
	}
	if err == io.EOF && fr.src.err != nil {
		err = fr.src.err
	}
	return line, err
}

func (fr *FormReader) readErr(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// isBoundary reports a "--boundary" line that opens a part. The first one
// fixes the form's line ending.
func (fr *FormReader) isBoundary(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, fr.dash)
	if !ok {
		return false
	}
	rest = bytes.TrimLeft(rest, " \t")
	if fr.parts == 0 && len(rest) == 1 && rest[0] == '\n' {
		fr.nl = fr.nl[1:]
		fr.delim = fr.delim[1:]
	}
	return bytes.Equal(rest, fr.nl)
}

// isFinal reports the closing "--boundary--" line (its line ending may be
// missing at the end of the body).
func (fr *FormReader) isFinal(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, fr.dash)
	if !ok {
		return false
	}
	rest, ok = bytes.CutPrefix(rest, []byte("--"))
	if !ok {
		return false
	}
	rest = bytes.TrimLeft(rest, " \t")
	return len(rest) == 0 || bytes.Equal(rest, fr.nl)
}

// readHeader reads a part's header block, up to and including the empty
// line that ends it, within maxPartHeader bytes.
func (fr *FormReader) readHeader() (textproto.MIMEHeader, error) {
	var block []byte
	for {
		line, err := fr.readLine()
		if err != nil {
			return nil, fr.readErr(err)
		}
		if len(block)+len(line) > maxPartHeader {
			return nil, fmt.Errorf("%w: part header larger than %d bytes", errForm, maxPartHeader)
		}
		block = append(block, line...)
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			break
		}
	}
	hdr, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(block))).ReadMIMEHeader()
	if err != nil {
		return nil, fmt.Errorf("%w: part header: %v", errForm, err)
	}
	return hdr, nil
}

// FormPart is one part of a form. Read returns its body (decoded when the
// part is quoted-printable), io.EOF at its end.
type FormPart struct {
	Header textproto.MIMEHeader
	body   *partBody
	r      io.Reader
}

func (p *FormPart) Read(b []byte) (int, error) { return p.r.Read(b) }

// FormName is the part's form field name ("" unless its disposition is
// form-data), as mime/multipart.Part.FormName, with browsers' escapes
// decoded (see formUnescape).
func (p *FormPart) FormName() string {
	d, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil || d != "form-data" {
		return ""
	}
	return formUnescape(params["name"])
}

// FileName is the base name of the part's filename parameter (RFC 7578
// §4.2: directories are not to be used), as mime/multipart.Part.FileName,
// with browsers' escapes decoded (see formUnescape).
// A name that is not UTF-8 is taken for GB18030 (GBK), which Chinese
// Windows clients send raw: its bytes were dropped, so "国家.pdf" became
// "pdf" and lost both its name and its extension.
func (p *FormPart) FileName() string {
	cd := p.Header.Get("Content-Disposition")
	_, params, err := mime.ParseMediaType(cd)
	name := params["filename"]
	// A filename* (RFC 5987) arrives percent-decoded already; only the
	// plain filename a browser writes carries the browser's escapes.
	if !strings.Contains(strings.ToLower(cd), "filename*") {
		name = formUnescape(name)
	}
	if err != nil || name == "" {
		return ""
	}
	if !utf8.ValidString(name) {
		if s, err := simplifiedchinese.GB18030.NewDecoder().String(name); err == nil && utf8.ValidString(s) {
			name = s
		} else {
			name = strings.ToValidUTF8(name, "_")
		}
	}
	return filepath.Base(name)
}

// formUnescaper undoes the only escapes browsers apply to a field name or
// filename in a form (WHATWG HTML, "multipart/form-data encoding
// algorithm": LF, CR and '"' become %0A, %0D and %22), so "say "hi".pdf"
// is not stored as "say %22hi%22.pdf". Nothing else is percent-decoded: a
// browser sends "%" as is, and "100%25.pdf" is a file's real name.
var formUnescaper = strings.NewReplacer("%0A", "\n", "%0D", "\r", "%22", `"`)

func formUnescape(s string) string { return formUnescaper.Replace(s) }

// checkDisposition says why a part's Content-Disposition cannot be read
// (nil if it can, or if there is none: readForm names what is missing).
// Without it, such a part was refused as if it had no Content-Disposition.
func checkDisposition(v string) error {
	if v == "" {
		return nil
	}
	_, _, err := mime.ParseMediaType(v)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mime.ErrInvalidMediaParameter):
		return errors.New(`a parameter is not name="value"; a value with spaces, quotes or non-ASCII characters (a Chinese filename) must be in double quotes`)
	}
	return errors.New(`it must be form-data; name="file"; filename="合同.pdf", each parameter given once`)
}

// partBody reads a part's raw bytes up to the delimiter that ends it.
type partBody struct {
	fr      *FormReader
	eof     bool
	started bool // past the body's first bytes (see scan)
	// tail counts the short Reads still received no further than their
	// own length after a Read straight into the caller's slice (see Read).
	tail int
}

// tailReads is how many short Reads in a row after a direct one count as
// the end of a large slice (a connection may deliver the end in pieces).
const tailReads = 4

func (p *partBody) Read(b []byte) (int, error) {
	if p.eof {
		return 0, io.EOF
	}
	fr := p.fr
	for {
		if fr.clear == 0 && !fr.atDelim && p.started && len(b) >= fr.directMin &&
			fr.br.Buffered() < len(fr.delim) && fr.src.err == nil {
			if n := fr.readDirect(b); n > 0 {
				p.tail = tailReads
				return n, nil
			}
			continue
		}
		if fr.clear == 0 && !fr.atDelim {
			p.started = fr.scan(!p.started)
		}
		if fr.clear > 0 {
			if len(b) == 0 {
				return 0, nil
			}
			buf, _ := fr.br.Peek(min(fr.clear, len(b)))
			n := copy(b, buf)
			fr.br.Discard(n)
			fr.clear -= n
			return n, nil
		}
		if fr.atDelim {
			// Leave the reader on the "--boundary" line for NextPart.
			fr.br.Discard(fr.delimSkip)
			fr.atDelim, p.eof = false, true
			return 0, io.EOF
		}
		if fr.src.err != nil {
			// The body ended (or broke) inside the part.
			return 0, fr.readErr(fr.src.err)
		}
		// Too little is buffered to tell body from delimiter: receive more
		// (one read of what the connection has). When a caller that reads
		// large slices reaches the short end of one (blob.Fill's last Read
		// of a buffer), receive only what that end holds: the part's next
		// bytes then go straight into the caller's next slice rather than
		// through this buffer and a copy. An error bufio makes up itself (a
		// reader that keeps returning nothing) ends the part too.
		limit := len(fr.br.buf)
		if p.tail > 0 && len(b) < fr.directMin {
			p.tail--
			limit = max(len(b), 1)
		} else {
			p.tail = 0
		}
		if err := fr.br.fillAtMost(limit); err != nil && fr.src.err == nil {
			fr.src.err = err
		}
	}
}

// readDirect receives into b instead of the buffer, when all that is
// buffered is a short tail too short to tell body from delimiter: that tail
// goes first, then one read of what the connection has. The slice is
// scanned where it lies; whatever follows the part's last byte (the
// delimiter and the rest of the body) or may start a delimiter goes back
// into the emptied buffer, so the next Read or NextPart finds it there.
// It returns how many body bytes b holds, 0 when none are certain yet.
func (fr *FormReader) readDirect(b []byte) int {
	b = b[:min(len(b), fr.br.Size())] // what is put back must fit
	k := copy(b, fr.br.buf[fr.br.r:fr.br.w])
	fr.br.r, fr.br.w = 0, 0
	m, err := fr.br.read(b[k:])
	if err == io.ErrNoProgress {
		fr.src.err = err // the part ends with it, as after a buffered read
	}
	n := k + m
	if m == 0 && err == nil {
		fr.br.unread(b[:n]) // nothing came: try again
		return 0
	}
	fr.delimSkip = len(fr.nl)
	fr.scanDelim(b[:n], fr.src.err != nil)
	fr.br.unread(b[fr.clear:n])
	body := fr.clear
	fr.clear = 0
	return body
}

// scan looks for the part's end in what is buffered and sets clear and
// atDelim: clear is the body before the delimiter, or before a tail that
// may be the start of one and needs more bytes to tell. At the start of a
// body, the "--boundary" line may follow the header block directly (an
// empty part whose line break is the header's blank line), as
// mime/multipart allows. scan reports whether it got past that start.
func (fr *FormReader) scan(start bool) (started bool) {
	buf, _ := fr.br.Peek(fr.br.Buffered())
	atEOF := fr.src.err != nil
	fr.delimSkip = len(fr.nl)
	if start {
		if len(buf) < len(fr.dash) {
			if !atEOF && bytes.HasPrefix(fr.dash, buf) {
				fr.clear = 0
				return false
			}
		} else if bytes.HasPrefix(buf, fr.dash) {
			switch delimiterEnds(buf[len(fr.dash):], atEOF) {
			case 1:
				fr.clear, fr.atDelim, fr.delimSkip = 0, true, 0
				return true
			case 0:
				fr.clear = 0
				return false
			}
		}
	}
	fr.scanDelim(buf, atEOF)
	return true
}

func (fr *FormReader) scanDelim(buf []byte, atEOF bool) {
	off := 0
	for {
		i := bytes.Index(buf[off:], fr.delim)
		if i < 0 {
			break
		}
		i += off
		switch delimiterEnds(buf[i+len(fr.delim):], atEOF) {
		case 1:
			fr.clear, fr.atDelim = i, true
			return
		case 0:
			fr.clear = i
			return
		}
		off = i + 1 // "--boundary" followed by more text is body
	}
	if atEOF {
		fr.clear = len(buf)
		return
	}
	for j := max(off, len(buf)-len(fr.delim)+1); j < len(buf); j++ {
		if buf[j] == fr.delim[0] && bytes.HasPrefix(fr.delim, buf[j:]) {
			fr.clear = j
			return
		}
	}
	fr.clear = len(buf)
}

// delimiterEnds decides whether a delimiter followed by rest ends the part
// (1), does not (-1), or needs more bytes to tell (0). As in mime/multipart,
// "--", a blank or a line break must follow; at the end of the body the
// delimiter alone counts (the missing closing line is reported later).
func delimiterEnds(rest []byte, atEOF bool) int {
	if len(rest) == 0 {
		if atEOF {
			return 1
		}
		return 0
	}
	switch rest[0] {
	case ' ', '\t', '\r', '\n':
		return 1
	case '-':
		if len(rest) == 1 {
			if atEOF {
				return -1
			}
			return 0
		}
		if rest[1] == '-' {
			return 1
		}
	}
	return -1
}

// recvBuf is the form's receive buffer: the few operations of
// bufio.Reader that FormReader uses, with the same semantics, plus putting
// bytes back into it while it is empty (for readDirect).
type recvBuf struct {
	src     io.Reader
	buf     []byte
	r, w    int // buf[r:w] is buffered
	empties int // reads in a row that returned nothing
}

// maxEmptyReads is how many reads returning no bytes and no error a
// source gets before it is taken for stalled (bufio's limit too).
const maxEmptyReads = 100

func (b *recvBuf) Buffered() int { return b.w - b.r }
func (b *recvBuf) Size() int     { return len(b.buf) }

// fill receives once more into the free end of the buffer, moving what is
// buffered to the front first when the end is reached. It returns the
// source's error, io.ErrNoProgress for a source that keeps returning
// nothing, or bufio.ErrBufferFull when no room is left.
func (b *recvBuf) fill() error { return b.fillAtMost(len(b.buf)) }

// fillAtMost is fill receiving no more than n bytes.
func (b *recvBuf) fillAtMost(n int) error {
	if b.r == b.w {
		b.r, b.w = 0, 0
	} else if b.r > 0 && b.w == len(b.buf) {
		b.w = copy(b.buf, b.buf[b.r:b.w])
		b.r = 0
	}
	if b.w == len(b.buf) {
		return bufio.ErrBufferFull
	}
	end := min(len(b.buf), b.w+n)
	for {
		n, err := b.read(b.buf[b.w:end])
		b.w += n
		if err != nil || n > 0 {
			return err
		}
	}
}

// read is one read of the source into p. A source that returns nothing
// and no error maxEmptyReads times in a row fails with io.ErrNoProgress.
func (b *recvBuf) read(p []byte) (int, error) {
	n, err := b.src.Read(p)
	switch {
	case n > 0:
		b.empties = 0
	case err == nil:
		if b.empties++; b.empties >= maxEmptyReads {
			return 0, io.ErrNoProgress
		}
	}
	return n, err
}

// Peek returns the next n bytes without consuming them, receiving until
// they are there; fewer only with the error that stopped it.
func (b *recvBuf) Peek(n int) ([]byte, error) {
	if n > len(b.buf) {
		return b.buf[b.r:b.w], bufio.ErrBufferFull
	}
	for b.w-b.r < n {
		if len(b.buf)-b.r < n {
			b.w = copy(b.buf, b.buf[b.r:b.w])
			b.r = 0
		}
		if err := b.fill(); err != nil && b.w-b.r < n {
			return b.buf[b.r:b.w], err
		}
	}
	return b.buf[b.r : b.r+n], nil
}

// Discard consumes n buffered bytes (callers never pass more).
func (b *recvBuf) Discard(n int) { b.r += n }

// ReadSlice returns the bytes up to and including the next delim, valid
// until the next call. Without delim it returns what is buffered with the
// error that stopped it, bufio.ErrBufferFull if the buffer is full.
func (b *recvBuf) ReadSlice(delim byte) ([]byte, error) {
	seen := 0
	var err error
	for {
		if i := bytes.IndexByte(b.buf[b.r+seen:b.w], delim); i >= 0 {
			line := b.buf[b.r : b.r+seen+i+1]
			b.r += seen + i + 1
			return line, nil
		}
		if err != nil { // only now: the last fill may have brought delim
			line := b.buf[b.r:b.w]
			b.r = b.w
			return line, err
		}
		seen = b.w - b.r
		err = b.fill()
	}
}

// unread puts p back as the buffer's only content; the buffer must be
// empty and p no larger than it.
func (b *recvBuf) unread(p []byte) {
	b.r, b.w = 0, copy(b.buf, p)
}

// stickyReader remembers the first error of r and returns it from then on,
// so that bufio's habit of reporting an error once cannot hide the end of
// the body.
type stickyReader struct {
	r   io.Reader
	err error
}

func (s *stickyReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	s.err = err
	return n, err
}

func truncate(b []byte) []byte {
	if len(b) > 80 {
		return b[:80]
	}
	return b
}
