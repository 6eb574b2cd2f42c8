package blob_test

import (
	"errors"
	"io"
	"strings"
	"testing"

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
