package bundle

import "testing"

// An original whose file name has no extension is named in the ZIP by its
// media type. Only a dozen types were known: a call recording sniffed as
// audio/x-m4a, audio/amr or video/3gpp, an iPhone's QuickTime or HEIC file
// went into the bundle as .bin, which no player or viewer opens.
func TestZipNameExtensionFromMediaType(t *testing.T) {
	tests := []struct{ mediaType, want string }{
		{"application/pdf", "originals/01-证据.pdf"},
		{"audio/mp4", "originals/01-证据.m4a"},
		{"audio/x-m4a", "originals/01-证据.m4a"},
		{"audio/amr", "originals/01-证据.amr"},
		{"video/3gpp", "originals/01-证据.3gp"},
		{"video/quicktime", "originals/01-证据.mov"},
		{"image/heic", "originals/01-证据.heic"},
		{"text/plain; charset=utf-8", "originals/01-证据.txt"},
		{"application/octet-stream", "originals/01-证据.bin"},
		{"no/such-type", "originals/01-证据.bin"},
	}
	for _, tc := range tests {
		if got := zipName(1, 2, "证据", "recording", tc.mediaType); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.mediaType, got, tc.want)
		}
	}
}
