package evidence

import (
	"encoding/binary"
	"strings"
)

// Audio duration is measured while the upload streams past, so a recording
// of any length is read once and never buffered: each format is a small
// state machine fed through Write that looks at headers and skips payloads.
// The parsers are our own (a few dozen lines each) rather than dependencies;
// they are accurate to a frame, which LIBRARIES.md measured as within 0.04 s
// of ffprobe for the same approach.

// audioProbe is fed the whole upload and reports what it found.
type audioProbe interface {
	Write(p []byte) (int, error)
	// Result returns the duration in seconds and the container format, or
	// ok=false when the bytes did not parse as that format.
	Result() (seconds float64, format string, ok bool)
}

// newAudioProbe returns the probe for a sniffed media type, or nil when the
// type is not a recording format we measure.
func newAudioProbe(mediaType string) audioProbe {
	mt, _, _ := strings.Cut(mediaType, ";")
	switch mt {
	case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave":
		return newWAV()
	case "audio/mpeg", "audio/mp3", "audio/x-mpeg":
		return newMP3()
	// 3GP is the ISO base media container M4A uses too, in which Android's
	// MediaRecorder writes calls (AMR or AAC inside). mimetype names every
	// other ftyp brand video/mp4, iTunes video video/x-m4v.
	case "audio/x-m4a", "audio/mp4", "audio/m4a", "video/mp4", "audio/x-mp4a-latm",
		"video/3gpp", "audio/3gpp", "video/3gpp2", "audio/3gpp2", "video/x-m4v":
		return newM4A()
	// Apple devices' voice and video memos: ftyp "qt  ", or none.
	case "video/quicktime":
		return newMOV()
	case "audio/amr", "audio/amr-wb", "audio/x-amr":
		return newAMR()
	}
	return nil
}

// walker is the common engine: it collects `need` header bytes, hands them to
// step, then skips the number of payload bytes step asks for. step may also
// consume fewer header bytes than it was given (resync after garbage).
type walker struct {
	hdr   []byte
	need  int
	skip  int64
	total int64
	done  bool
	// step returns how many header bytes it consumed (0 means all), the
	// bytes to skip next, the next header size, and whether to stop.
	step func(h []byte) (consumed int, skip int64, need int, stop bool)
}

func (w *walker) Write(p []byte) (int, error) {
	n := len(p)
	w.total += int64(n)
	for len(p) > 0 && !w.done {
		if w.skip > 0 {
			k := int64(len(p))
			if k > w.skip {
				k = w.skip
			}
			w.skip -= k
			p = p[k:]
			continue
		}
		k := w.need - len(w.hdr)
		if k > len(p) {
			k = len(p)
		}
		w.hdr = append(w.hdr, p[:k]...)
		p = p[k:]
		for len(w.hdr) >= w.need && w.need > 0 && !w.done && w.skip == 0 {
			consumed, skip, need, stop := w.step(w.hdr)
			if consumed == 0 || consumed >= len(w.hdr) {
				w.hdr = w.hdr[:0]
			} else {
				w.hdr = append(w.hdr[:0], w.hdr[consumed:]...)
			}
			w.skip, w.need, w.done = skip, need, stop
		}
	}
	return n, nil
}

// --- WAV: RIFF chunks; duration = data bytes / byte rate.

type wavProbe struct {
	walker
	byteRate  uint32
	dataStart int64
	dataSize  int64
	pos       int64 // offset of the next header
	ok        bool
}

func newWAV() *wavProbe {
	w := &wavProbe{}
	w.need = 12
	w.step = w.stepRIFF
	return w
}

func (w *wavProbe) stepRIFF(h []byte) (int, int64, int, bool) {
	if string(h[0:4]) != "RIFF" || string(h[8:12]) != "WAVE" {
		return 0, 0, 0, true
	}
	w.pos = 12
	w.step = w.stepChunk
	return 0, 0, 8, false
}

func (w *wavProbe) stepChunk(h []byte) (int, int64, int, bool) {
	id, size := string(h[0:4]), int64(binary.LittleEndian.Uint32(h[4:8]))
	w.pos += 8
	switch id {
	case "fmt ":
		if size < 16 {
			return 0, 0, 0, true
		}
		w.step = func(f []byte) (int, int64, int, bool) {
			w.byteRate = binary.LittleEndian.Uint32(f[8:12])
			rest := size - 16 + size%2
			w.pos += size + size%2
			w.step = w.stepChunk
			return 0, rest, 8, false
		}
		return 0, 0, 16, false
	case "data":
		w.dataStart, w.dataSize, w.ok = w.pos, size, true
		return 0, 0, 0, true
	}
	w.pos += size + size%2
	return 0, size + size%2, 8, false
}

func (w *wavProbe) Result() (float64, string, bool) {
	if !w.ok || w.byteRate == 0 {
		return 0, "", false
	}
	// A recorder killed mid-file leaves a data size larger than the file (or
	// the 0xFFFFFFFF placeholder, or the 0 it wrote before the first sample);
	// the bytes actually present are what plays.
	n := w.dataSize
	if avail := w.total - w.dataStart; avail < n || n == 0 {
		n = avail
	}
	return float64(n) / float64(w.byteRate), "wav", true
}

// --- MP3: walk every MPEG audio frame (exact for CBR and VBR alike).

type mp3Probe struct {
	walker
	samples float64 // seconds so far
	frames  int
	started bool
}

func newMP3() *mp3Probe {
	m := &mp3Probe{}
	m.need = 10
	m.step = m.stepID3
	return m
}

// stepID3 skips an ID3v2 tag at the start (its size is a syncsafe integer).
func (m *mp3Probe) stepID3(h []byte) (int, int64, int, bool) {
	m.step = m.stepFrame
	if string(h[0:3]) == "ID3" {
		size := int64(h[6]&0x7f)<<21 | int64(h[7]&0x7f)<<14 | int64(h[8]&0x7f)<<7 | int64(h[9]&0x7f)
		if h[5]&0x10 != 0 { // footer present
			size += 10
		}
		return 0, size, 4, false
	}
	// No tag: these 10 bytes may already hold a frame header.
	return m.stepFrame(h)
}

var (
	mp3Bitrates = [2][3][16]int{ // [mpeg1?0:1][layer-1][index] kbit/s
		{{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
			{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
			{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}},
		{{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}},
	}
	mp3Rates = [4][3]int{{11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000}, {44100, 48000, 32000}}
)

// mp3Frame decodes a 4-byte frame header: its length in bytes and samples.
func mp3Frame(h []byte) (length, samples, rate int) {
	if h[0] != 0xff || h[1]&0xe0 != 0xe0 {
		return 0, 0, 0
	}
	ver := int(h[1]>>3) & 3 // 0: MPEG2.5, 2: MPEG2, 3: MPEG1
	layer := 4 - int(h[1]>>1)&3
	bri, sri, pad := int(h[2]>>4), int(h[2]>>2)&3, int(h[2]>>1)&1
	if ver == 1 || layer == 4 || bri == 0 || bri == 15 || sri == 3 {
		return 0, 0, 0
	}
	v := 1
	if ver == 3 {
		v = 0
	}
	br := mp3Bitrates[v][layer-1][bri] * 1000
	rate = mp3Rates[ver][sri]
	switch layer {
	case 1:
		return (12*br/rate + pad) * 4, 384, rate
	case 2:
		return 144*br/rate + pad, 1152, rate
	}
	if v == 0 {
		return 144*br/rate + pad, 1152, rate
	}
	return 72*br/rate + pad, 576, rate
}

func (m *mp3Probe) stepFrame(h []byte) (int, int64, int, bool) {
	length, samples, rate := mp3Frame(h)
	if length < 4 {
		// Not a frame: slide one byte and look again (junk, ID3v1 tag).
		return 1, 0, 4, false
	}
	if !m.started && h[1]>>1&3 == 1 && length >= mp3TagEnd {
		// The first Layer III frame may be an encoder's tag: look inside.
		m.started = true
		side := mp3SideInfo(h)
		m.step = func(x []byte) (int, int64, int, bool) {
			m.step = m.stepFrame
			tag := string(x[side-4 : side]) // x holds the frame from its byte 4
			if tag != "Xing" && tag != "Info" && string(x[mp3TagEnd-8:mp3TagEnd-4]) != "VBRI" {
				m.frames++
				m.samples += float64(samples) / float64(rate)
			}
			return 0, int64(length - mp3TagEnd), 4, false
		}
		// Consume only the header: h may hold more of the frame (after
		// stepID3 found no tag), which then starts the next step's bytes.
		return 4, 0, mp3TagEnd - 4, false
	}
	m.started = true
	m.frames++
	m.samples += float64(samples) / float64(rate)
	return len(h), int64(length - len(h)), 4, false
}

// mp3TagEnd is how much of the first frame holds an encoder's tag: LAME's
// "Xing" or "Info" follows the side information (at most byte 36), and
// Fraunhofer's "VBRI" is at byte 36. That frame is silence carrying the
// tag, which players and ffprobe do not count as audio.
const mp3TagEnd = 40

// mp3SideInfo returns the offset of a Layer III frame's data after its
// header and side information: 17 or 32 bytes of side information in
// MPEG-1 (mono, other), 9 or 17 in MPEG-2 and 2.5.
func mp3SideInfo(h []byte) int {
	mono := h[3]>>6 == 3
	switch {
	case h[1]>>3&3 == 3 && mono:
		return 4 + 17
	case h[1]>>3&3 == 3:
		return 4 + 32
	case mono:
		return 4 + 9
	}
	return 4 + 17
}

func (m *mp3Probe) Result() (float64, string, bool) {
	if m.frames < 2 {
		return 0, "", false
	}
	return m.samples, "mp3", true
}

// --- AMR (narrow and wide band, RFC 4867 storage format): 20 ms frames whose
// size follows from the frame type in each one-byte header.

var (
	amrNBSizes = [16]int{13, 14, 16, 18, 20, 21, 27, 32, 6, 1, 1, 1, 1, 1, 1, 1}
	amrWBSizes = [16]int{18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 1, 1, 1, 1, 1, 1}
)

type amrProbe struct {
	walker
	sizes  *[16]int
	frames int
}

func newAMR() *amrProbe {
	a := &amrProbe{}
	a.need = 6
	a.step = a.stepMagic
	return a
}

func (a *amrProbe) stepMagic(h []byte) (int, int64, int, bool) {
	switch string(h[:6]) {
	case "#!AMR\n":
		a.sizes, a.step = &amrNBSizes, a.stepFrame
		return 0, 0, 1, false
	case "#!AMR-":
		a.step = func(x []byte) (int, int64, int, bool) {
			if string(x[:3]) != "WB\n" {
				return 0, 0, 0, true
			}
			a.sizes, a.step = &amrWBSizes, a.stepFrame
			return 0, 0, 1, false
		}
		return 0, 0, 3, false
	}
	return 0, 0, 0, true
}

func (a *amrProbe) stepFrame(h []byte) (int, int64, int, bool) {
	size := a.sizes[(h[0]>>3)&0x0f]
	a.frames++
	return 0, int64(size - 1), 1, false
}

func (a *amrProbe) Result() (float64, string, bool) {
	if a.sizes == nil {
		return 0, "", false
	}
	return float64(a.frames) * 0.02, "amr", true
}
