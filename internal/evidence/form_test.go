package evidence

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/dossier/dossier/internal/blob"
)

// parsedPart is what a form reader yields for one part.
type parsedPart struct {
	name, file string
	header     textproto.MIMEHeader
	body       string
}

// parsed is a whole body's parts and whether reading it failed.
type parsed struct {
	parts []parsedPart
	err   error
}

// parseStd reads body with mime/multipart, the reference FormReader must
// agree with, except where FormReader means to differ: it refuses a
// Content-Disposition it cannot read and decodes browsers' escapes in
// names (see checkDisposition and formUnescape).
func parseStd(body []byte, boundary string) parsed {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	return collect(func() (io.Reader, parsedPart, error) {
		p, err := mr.NextPart()
		if err != nil {
			return nil, parsedPart{}, err
		}
		if err := checkDisposition(p.Header.Get("Content-Disposition")); err != nil {
			return nil, parsedPart{}, err
		}
		return p, parsedPart{name: formUnescape(p.FormName()), file: formUnescape(p.FileName()), header: p.Header}, nil
	})
}

// parseForm reads body with FormReader through r (which may split reads
// anywhere) and a receive buffer of bufSize. Parts are read with
// io.ReadAll (slices large enough to receive into directly) or, with
// chunk > 0, chunk bytes at a time (always through the buffer).
func parseForm(r io.Reader, boundary string, bufSize, chunk int) parsed {
	fr := newFormReaderSize(r, boundary, bufSize)
	return collect(func() (io.Reader, parsedPart, error) {
		p, err := fr.NextPart()
		if err != nil {
			return nil, parsedPart{}, err
		}
		var r io.Reader = p
		if chunk > 0 {
			r = chunked{p, chunk}
		}
		return r, parsedPart{name: p.FormName(), file: p.FileName(), header: p.Header}, nil
	})
}

// chunked reads at most n bytes at a time.
type chunked struct {
	r io.Reader
	n int
}

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// collect reads every part next returns until io.EOF or an error.
func collect(next func() (io.Reader, parsedPart, error)) parsed {
	var out parsed
	for {
		r, p, err := next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			out.err = err
			return out
		}
		b, err := io.ReadAll(r)
		p.body = string(b)
		out.parts = append(out.parts, p)
		if err != nil {
			out.err = err
			return out
		}
	}
}

// readers split the same body in the ways a network does.
var readers = map[string]func([]byte) io.Reader{
	"whole":    func(b []byte) io.Reader { return bytes.NewReader(b) },
	"one-byte": func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
	"half":     func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
	"data+EOF": func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) },
}

// agree checks FormReader against mime/multipart on body, for every way of
// splitting the reads and a small and a large buffer. When the reference
// reads the form, FormReader must yield the same parts; when the reference
// refuses it, FormReader must fail too.
func agree(t *testing.T, body []byte, boundary string) {
	t.Helper()
	want := parseStd(body, boundary)
	// mime/multipart takes a body that ends inside a part's header block
	// for a complete form (the header reader's io.EOF passes for the end).
	// Such a body was cut off: completing the header block then changes
	// what mime/multipart makes of it, and FormReader must refuse it.
	truncated := false
	if want.err == nil {
		truncated = true
		for _, end := range []string{"\r\n\r\n", "\n\n"} { // either line ending
			again := parseStd(append(bytes.Clone(body), end...), boundary)
			truncated = truncated && (again.err != nil || len(again.parts) != len(want.parts))
		}
	}
	for rname, mk := range readers {
		for _, run := range []struct{ size, chunk int }{{128, 0}, {301, 0}, {formBufSize, 0}, {128, 7}, {formBufSize, 7}} {
			got := parseForm(mk(body), boundary, run.size, run.chunk)
			where := fmt.Sprintf("%s reads, buffer %d, part reads of %d", rname, run.size, run.chunk)
			if truncated {
				if !errors.Is(got.err, io.ErrUnexpectedEOF) {
					t.Fatalf("%s: a body cut off in a header block: err %v, want io.ErrUnexpectedEOF\nbody %q", where, got.err, body)
				}
				continue
			}
			if (want.err == nil) != (got.err == nil) {
				t.Fatalf("%s: mime/multipart err %v, FormReader err %v\nbody %q", where, want.err, got.err, body)
			}
			if want.err != nil {
				continue // both refuse; where exactly may differ
			}
			if len(got.parts) != len(want.parts) {
				t.Fatalf("%s: %d parts, want %d\nbody %q", where, len(got.parts), len(want.parts), body)
			}
			for i := range want.parts {
				w, g := want.parts[i], got.parts[i]
				if g.name != w.name || g.file != w.file || g.body != w.body || fmt.Sprint(g.header) != fmt.Sprint(w.header) {
					t.Fatalf("%s: part %d = %+v, want %+v", where, i, g, w)
				}
			}
		}
	}
}

const testBoundary = "XyZ123boundary"

func TestFormReaderAgreesWithMimeMultipart(t *testing.T) {
	d := "--" + testBoundary
	cases := map[string]string{
		"fields and file": d + "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ncontract\r\n" +
			d + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"合同.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 body\r\n" +
			d + "--\r\n",
		"LF line endings":        d + "\nContent-Disposition: form-data; name=\"a\"\n\nx\ny\n" + d + "--\n",
		"preamble and epilogue":  "this is a preamble\r\n\r\n" + d + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n" + d + "--\r\nepilogue\r\n",
		"blanks after boundary":  d + " \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n" + d + "-- \r\n",
		"final without newline":  d + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n" + d + "--",
		"empty part":             d + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\r\n" + d + "--\r\n",
		"part without headers":   d + "\r\n\r\nbody\r\n" + d + "--\r\n",
		"boundary after header":  d + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + d + "\r\n\r\nb\r\n" + d + "--",
		"boundary-like at start": d + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + d + "x\r\n" + d + "--",
		"boundary-like in body":  d + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\nx\r\n" + d + "X not the end\r\n" + d + "-y\r\n" + d + "\r\n\r\nnext\r\n" + d + "--\r\n",
		"CR LF runs in body":     d + "\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n\r\n\r\n\r\r\n-\r\n--\r\n--" + testBoundary[:5] + "\r\n" + d + "--\r\n",
		"no parts":               d + "--\r\n",
		"quoted-printable":       d + "\r\nContent-Disposition: form-data; name=\"t\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db=\r\nc\r\n" + d + "--\r\n",
		"path in filename":       d + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\n\r\nx\r\n" + d + "--\r\n",
		"RFC 2231 filename":      d + "\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''%E5%90%88%E5%90%8C.pdf\r\n\r\nx\r\n" + d + "--\r\n",
		"attachment disposition": d + "\r\nContent-Disposition: attachment; name=\"file\"\r\n\r\nx\r\n" + d + "--\r\n",
		"truncated in body":      d + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue without end",
		"truncated in delimiter": d + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--" + testBoundary[:4],
		"truncated in header":    d + "\r\nContent-Disposition: form-da",
		"no final boundary":      d + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n" + d + "\r\n",
		"bad header line":        d + "\r\nno colon here\r\n\r\nv\r\n" + d + "--\r\n",
		"garbage between parts":  d + "\r\n\r\nv\r\n" + d + "--x\r\n",
		"empty body":             "",
		"only preamble":          "nothing here\r\n",
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) { agree(t, []byte(body), testBoundary) })
	}
}

// TestFormReaderRandomBodies builds forms whose file parts are full of
// the delimiter's pieces (CR, LF, dashes, the boundary's prefixes), so
// that reads and buffer refills split them everywhere.
func TestFormReaderRandomBodies(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"\r", "\n", "\r\n", "-", "--", "--" + testBoundary[:3], "\r\n--" + testBoundary[:9],
		"\r\n--" + testBoundary + "x", "\r\n--" + testBoundary + "-x", "a", "数据", "\x00"}
	for i := range 300 {
		var b strings.Builder
		parts := rng.IntN(3)
		for p := range parts + 1 {
			fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"f%d\"; filename=\"f%d.bin\"\r\n\r\n", testBoundary, p, p)
			for range rng.IntN(200) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			b.WriteString("\r\n")
		}
		b.WriteString("--" + testBoundary + "--\r\n")
		body := b.String()
		if rng.IntN(5) == 0 {
			body = body[:rng.IntN(len(body))] // cut off anywhere
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { agree(t, []byte(body), testBoundary) })
	}
}

func FuzzFormReader(f *testing.F) {
	d := "--" + testBoundary
	f.Add([]byte(d + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n" + d + "--\r\n"))
	f.Add([]byte(d + "\nContent-Disposition: form-data; name=\"a\"\n\nx\r\n" + d + "x\n" + d + "--"))
	f.Add([]byte("pre\r\n" + d + " \r\n\r\n\r\n--" + testBoundary[:6] + "\r\n" + d + "\r\n\r\n" + d + "--"))
	f.Fuzz(func(t *testing.T, body []byte) {
		agree(t, body, testBoundary)
	})
}

// errReader delivers data and then fails as a broken connection does.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// A connection that breaks inside the file part reports its own error (so
// the vault can tell an oversized body from a dropped client), after every
// byte received before it.
func TestFormReaderPassesReadErrors(t *testing.T) {
	broken := errors.New("connection reset")
	head := "--" + testBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n"
	content := strings.Repeat("0123456789", 1000)
	fr := newFormReaderSize(&errReader{data: []byte(head + content), err: broken}, testBoundary, 512)
	p, err := fr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(p)
	if !errors.Is(err, broken) {
		t.Fatalf("err = %v, want %v", err, broken)
	}
	if string(got) != content {
		t.Fatalf("got %d bytes before the error, want %d", len(got), len(content))
	}
	if _, err := fr.NextPart(); !errors.Is(err, broken) {
		t.Fatalf("NextPart after the error: %v", err)
	}
}

// Header blocks are bounded; an endless header is refused, not buffered.
func TestFormReaderBoundsHeaders(t *testing.T) {
	body := "--" + testBoundary + "\r\n" + strings.Repeat("X-Pad: "+strings.Repeat("a", 100)+"\r\n", 1000)
	_, err := NewFormReader(strings.NewReader(body), testBoundary).NextPart()
	if !errors.Is(err, errForm) {
		t.Fatalf("err = %v, want errForm", err)
	}
}

// The point of FormReader: a large part comes out in large reads, one per
// buffer refill, not in 4 KiB pieces.
func TestFormReaderLargeReads(t *testing.T) {
	content := bytes.Repeat([]byte("\r\n-x"), 1<<20) // 4 MiB full of delimiter starts
	b, boundary := fileForm(content)
	buf := make([]byte, 2<<20)
	src := &landing{r: b, in: buf}
	fr := NewFormReader(src, boundary)
	reads := readPart(t, fr, buf, content, io.Reader.Read)
	if max := len(content)/formBufSize + 2; reads > max {
		t.Fatalf("%d reads for %d bytes, want at most %d", reads, len(content), max)
	}
	// Past the first buffer's worth, the part is received where the
	// caller wants it, with no copy in between.
	if want := len(content) - 2*formBufSize; src.direct < want {
		t.Fatalf("%d bytes received into the caller's slice, want at least %d", src.direct, want)
	}
	if _, err := fr.NextPart(); err != io.EOF {
		t.Fatalf("after the last part: %v", err)
	}
}

// TestFormReaderShortEnds reads a part as the disk store does, filling
// 1 MiB slices with blob.Fill, from a connection that delivers 100 KiB at a
// time, so each slice ends with a Read too short to receive into directly.
// That short end must not pull the next 100 KiB into the form's buffer to
// be copied out afterwards: all but the short ends and the bytes that came
// with the part's header lands in the caller's slices.
func TestFormReaderShortEnds(t *testing.T) {
	content := pseudoRandom(8<<20, 1)
	b, boundary := fileForm(content)
	buf := make([]byte, 1<<20)
	const chunk = 100 << 10
	src := &landing{r: chunked{r: b, n: chunk}, in: buf}
	fr := NewFormReader(src, boundary)
	fills := readPart(t, fr, buf, content, blob.Fill)
	// Copied: what came with the header block (one chunk) and each short end.
	if want := len(content) - chunk - fills*fr.directMin; src.direct < want {
		t.Fatalf("%d of %d bytes received into the caller's slices, want at least %d", src.direct, len(content), want)
	}
}

// pseudoRandom returns n bytes that look random, the same for a seed.
func pseudoRandom(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// readPart reads the form's next part with read, into buf each time,
// checks that it holds content and returns how many reads returned bytes.
func readPart(t *testing.T, fr *FormReader, buf, content []byte, read func(io.Reader, []byte) (int, error)) int {
	t.Helper()
	p, err := fr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	reads := 0
	for {
		n, err := read(p, buf)
		got = append(got, buf[:n]...)
		if n > 0 {
			reads++
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, content) {
		t.Fatalf("content differs: %d bytes, want %d", len(got), len(content))
	}
	return reads
}

// fileForm is a form holding one file part with content, as a browser
// sends it, and its boundary.
func fileForm(content []byte) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "big.bin")
	_, _ = fw.Write(content)
	_ = mw.Close()
	return &b, mw.Boundary()
}

// landing counts the bytes its reads deliver straight into in.
type landing struct {
	r      io.Reader
	in     []byte
	direct int
}

func (l *landing) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	// A slice of in shares the last element of its capacity.
	if n > 0 && &p[:cap(p)][cap(p)-1] == &l.in[cap(l.in)-1] {
		l.direct += n
	}
	return n, err
}

// stallReader returns no bytes and no error forever: bufio gives up on it,
// and so must a part that waits for more of its body.
type stallReader struct{ data []byte }

func (r *stallReader) Read(p []byte) (int, error) {
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestFormReaderStalledSource(t *testing.T) {
	body := "--" + testBoundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nsome bytes\r\n--" + testBoundary[:3]
	// Through the buffer (small reads), and received straight into the
	// caller's slice (a small buffer makes io.ReadAll's reads large).
	for _, size := range []int{formBufSize, 64} {
		fr := newFormReaderSize(&stallReader{data: []byte(body)}, testBoundary, size)
		p, err := fr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(p); !errors.Is(err, io.ErrNoProgress) {
			t.Fatalf("buffer %d: err = %v, want io.ErrNoProgress", size, err)
		}
	}
}

// BenchmarkFormReader reads a 64 MiB random file part with FormReader and,
// as the peer, with mime/multipart, each into 1 MiB reads as the disk store
// fills its buffers, and reports both rates and their ratio: from memory
// (the parsers alone) and from a loopback TCP connection that a sender
// feeds in 1 MiB writes (as an upload arrives, where every read of the
// source is a system call).
func BenchmarkFormReader(b *testing.B) {
	content := pseudoRandom(64<<20, 3)
	body, boundary := fileForm(content)
	buf := make([]byte, 1<<20)
	parsers := map[string]func(io.Reader) (io.Reader, error){
		"FormReader": func(r io.Reader) (io.Reader, error) { return NewFormReader(r, boundary).NextPart() },
		"mime_multipart": func(r io.Reader) (io.Reader, error) {
			return multipart.NewReader(r, boundary).NextPart()
		},
	}
	// parse reads the file part out of src in Fill-sized reads.
	parse := func(name string, src io.Reader) {
		p, err := parsers[name](src)
		if err != nil {
			b.Fatal(err)
		}
		var n int
		for {
			m, err := blob.Fill(p, buf)
			n += m
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		if n != len(content) {
			b.Fatalf("%s read %d bytes, want %d", name, n, len(content))
		}
	}
	sources := map[string]func(run func(io.Reader)){
		"memory": func(run func(io.Reader)) { run(bytes.NewReader(body.Bytes())) },
		"tcp": func(run func(io.Reader)) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer ln.Close()
			go func() {
				c, err := net.Dial("tcp", ln.Addr().String())
				if err != nil {
					return
				}
				defer c.Close()
				for raw := body.Bytes(); len(raw) > 0; {
					n, err := c.Write(raw[:min(len(raw), 1<<20)])
					if err != nil {
						return
					}
					raw = raw[n:]
				}
			}()
			c, err := ln.Accept()
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			run(c)
		},
	}
	b.ResetTimer()
	for _, src := range []string{"memory", "tcp"} {
		rates := map[string]float64{}
		for _, name := range []string{"FormReader", "mime_multipart"} {
			t0 := time.Now()
			for range b.N {
				sources[src](func(r io.Reader) { parse(name, r) })
			}
			rates[name] = float64(b.N) * float64(len(content)) / (1 << 20) / time.Since(t0).Seconds()
			b.ReportMetric(rates[name], src+"_"+name+"_MB/s")
		}
		b.ReportMetric(rates["FormReader"]/rates["mime_multipart"], src+"_ratio")
	}
}
