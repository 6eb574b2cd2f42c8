package bundle

import (
	"bytes"
	"encoding/binary"
)

// jpegRotation is the clockwise page rotation (0, 90, 180 or 270) that
// shows a JPEG the way its EXIF Orientation tag asks, as every photo viewer
// does: phone cameras store the sensor's pixels and only tag how to turn
// them. pdfcpu embeds the pixels as stored, so without the page turned a
// photographed delivery note lies on its side. The mirrored orientations
// (2, 4, 5, 7: rare, and not a turn) and anything unreadable give 0.
func jpegRotation(data []byte) int {
	switch jpegOrientation(data) {
	case 3:
		return 180
	case 6:
		return 90
	case 8:
		return 270
	}
	return 0
}

// jpegOrientation returns the Orientation tag (0x0112) of IFD0 in a JPEG's
// APP1 Exif segment, or 0 if there is none.
func jpegOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 0
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 0
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // image data starts: no Exif before it
			return 0
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 0
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 0
}

// tiffOrientation reads the Orientation tag from IFD0 of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 0
	}
	count := int(bo.Uint16(t[off:]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // SHORT
			return int(bo.Uint16(t[e+8:]))
		}
	}
	return 0
}
