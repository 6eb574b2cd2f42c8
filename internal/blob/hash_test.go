package blob_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/dossier/dossier/internal/blob"
)

// sha256("abc"), from FIPS 180-2.
const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

func TestHashReader(t *testing.T) {
	h := blob.NewHashReader(strings.NewReader("abc"))
	if _, err := io.Copy(io.Discard, h); err != nil {
		t.Fatal(err)
	}
	if got := h.Ref(); got != (blob.Ref{SHA256: abc, Size: 3}) {
		t.Fatalf("Ref = %+v", got)
	}
}

func TestCheckWant(t *testing.T) {
	tests := []struct {
		name, in, out string
		err           error
	}{
		{"OKEmpty", "", "", nil},
		{"OK", abc, abc, nil},
		{"OKUpperCase", strings.ToUpper(abc), abc, nil},
		{"ErrCorruptShort", abc[:63], "", blob.ErrCorrupt},
		{"ErrCorruptNotHex", "z" + abc[1:], "", blob.ErrCorrupt},
		{"ErrCorruptPath", "../" + abc[3:], "", blob.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := blob.CheckWant(tt.in)
			if out != tt.out || !errors.Is(err, tt.err) {
				t.Fatalf("CheckWant(%q) = %q, %v; want %q, %v", tt.in, out, err, tt.out, tt.err)
			}
		})
	}
}

func TestClampRange(t *testing.T) {
	tests := []struct {
		name               string
		size, off, n       int64
		wantStart, wantEnd int64
		wantErr            bool
	}{
		{"OKWhole", 10, 0, -1, 0, 10, false},
		{"OKSlice", 10, 2, 3, 2, 5, false},
		{"OKCutAtEnd", 10, 8, 5, 8, 10, false},
		{"OKBeyondEnd", 10, 20, 5, 10, 10, false},
		{"OKZeroLength", 10, 4, 0, 4, 4, false},
		{"ErrNegativeOffset", 10, -1, 5, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, err := blob.ClampRange(tt.size, tt.off, tt.n)
			if (err != nil) != tt.wantErr || start != tt.wantStart || end != tt.wantEnd {
				t.Fatalf("ClampRange(%d, %d, %d) = %d, %d, %v", tt.size, tt.off, tt.n, start, end, err)
			}
		})
	}
}

func TestFill(t *testing.T) {
	errReset := errors.New("connection reset")
	broken := func(s string, err error) io.Reader {
		return io.MultiReader(strings.NewReader(s), iotest.ErrReader(err))
	}
	tests := []struct {
		name    string
		r       io.Reader
		size    int
		want    string
		wantErr error
	}{
		{"full from one-byte reads", iotest.OneByteReader(strings.NewReader("abcdef")), 4, "abcd", nil},
		{"exactly the source", strings.NewReader("abcd"), 4, "abcd", nil},
		{"short source ends with EOF", strings.NewReader("ab"), 4, "ab", io.EOF},
		{"data and EOF together", iotest.DataErrReader(strings.NewReader("ab")), 4, "ab", io.EOF},
		{"empty source", strings.NewReader(""), 4, "", io.EOF},
		// What io.ReadFull cannot tell from "short source": the source's
		// own ErrUnexpectedEOF is a failure, not a short last read.
		{"dropped body", broken("ab", io.ErrUnexpectedEOF), 4, "ab", io.ErrUnexpectedEOF},
		{"other error", broken("abc", errReset), 4, "abc", errReset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := make([]byte, tt.size)
			n, err := blob.Fill(tt.r, b)
			if string(b[:n]) != tt.want || err != tt.wantErr {
				t.Errorf("Fill = %q, %v; want %q, %v", b[:n], err, tt.want, tt.wantErr)
			}
		})
	}
}
