package bundle

import "testing"

// jpegOrientation reads untrusted bytes (any uploaded photo): whatever they
// hold, it answers without panicking, and jpegRotation only with a turn.
func FuzzJPEGOrientation(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
		0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xDA})
	f.Fuzz(func(t *testing.T, data []byte) {
		switch r := jpegRotation(data); r {
		case 0, 90, 180, 270:
		default:
			t.Fatalf("rotation %d", r)
		}
	})
}
