package evidence

import (
	"errors"
	"strings"
	"testing"
)

// onePart reads the first part of a form whose single part has the given
// Content-Disposition.
func onePart(t *testing.T, disposition string) (*FormPart, error) {
	t.Helper()
	body := "--" + testBoundary + "\r\nContent-Disposition: " + disposition + "\r\n\r\nx\r\n--" + testBoundary + "--\r\n"
	return NewFormReader(strings.NewReader(body), testBoundary).NextPart()
}

// Browsers send a double quote, CR and LF in a field name or filename as
// %22, %0D and %0A (WHATWG HTML, multipart/form-data encoding algorithm);
// the stored name kept "%22". Exactly those three are decoded: a browser
// sends "%" itself as is, so "100%25.pdf" or "%41" are a file's real name.
func TestFormPartDecodesBrowserEscapes(t *testing.T) {
	tests := []struct {
		name, param, want string
	}{
		{"OK", "合同.pdf", "合同.pdf"},
		{"OKPercentKept", "100%25 %41 %2F.pdf", "100%25 %41 %2F.pdf"},
		{"OKLowercaseKept", "a%0a%0d.pdf", "a%0a%0d.pdf"},
		{"OKIncomplete", "a%2.pdf%", "a%2.pdf%"},
		{"ErrQuote", "say %22hi%22.pdf", `say "hi".pdf`},
		{"ErrNewlines", "a%0D%0Ab.pdf", "a\r\nb.pdf"},
		{"ErrChinese", "%22对账单%22.xlsx", `"对账单".xlsx`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := onePart(t, `form-data; name="file"; filename="`+tt.param+`"`)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.FileName(); got != tt.want {
				t.Errorf("FileName() = %q, want %q", got, tt.want)
			}
			p, err = onePart(t, `form-data; name="`+tt.param+`"`)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.FormName(); got != tt.want {
				t.Errorf("FormName() = %q, want %q", got, tt.want)
			}
		})
	}
}

// A Content-Disposition the parser cannot read (an unquoted Chinese
// filename) was refused as if the part had none ("has no
// Content-Disposition form-data with a name"); the refusal now says what
// is wrong with it.
func TestFormReaderUnreadableDisposition(t *testing.T) {
	tests := []struct {
		name, disposition, want string
	}{
		{"ErrUnquotedUTF8", `form-data; name="file"; filename=合同.pdf`, `double quotes`},
		{"ErrUnquotedSpace", `form-data; name=file; filename=my file.pdf`, `double quotes`},
		{"ErrDuplicate", `form-data; name="file"; name="kind"`, `each parameter given once`},
		{"ErrNoType", `; name="file"`, `form-data`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := onePart(t, tt.disposition)
			if !errors.Is(err, errForm) {
				t.Fatalf("err = %v, want errForm", err)
			}
			msg := bodyError(err, 1<<30).Error()
			if !strings.Contains(msg, "part 1 has a Content-Disposition that cannot be read") || !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not say what is wrong (%q)", msg, tt.want)
			}
		})
	}
	// A part without one still reaches readForm, which names what is missing.
	body := "--" + testBoundary + "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" + testBoundary + "--\r\n"
	if _, err := NewFormReader(strings.NewReader(body), testBoundary).NextPart(); err != nil {
		t.Errorf("part without Content-Disposition: %v", err)
	}
}

// A filename* (RFC 5987, sent by clients other than browsers) is already
// percent-decoded by its own rules: "100%2522.pdf" names "100%22.pdf", which
// the browser unescaping decoded a second time into `100".pdf`.
func TestFormPartExtendedFilenameDecodedOnce(t *testing.T) {
	p, err := onePart(t, `form-data; name="file"; filename*=UTF-8''100%2522%E5%90%88%E5%90%8C.pdf`)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.FileName(); got != "100%22合同.pdf" {
		t.Errorf("FileName() = %q, want %q", got, "100%22合同.pdf")
	}
}
