package evidence

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// --- ISO base media (M4A, MP4, 3GP) and QuickTime (MOV): one box structure.
//
// A finished file states its length in moov/mvhd. A fragmented one (what
// browsers and iOS record, so that a recording cut off still plays) has an
// mvhd duration of 0 and its samples described by the moof boxes that follow,
// each ahead of its mdat: the length is then in mvex/mehd if the writer knew
// it, else the sum of the fragments' sample durations. Only box headers and
// these few small boxes are read; mdat and everything else is skipped.

type isoProbe struct {
	walker
	mov         bool
	scale       uint32 // mvhd
	duration    uint64 // mvhd
	mehd        uint64 // in mvhd's timescale
	mvex, video bool
	tracks      map[uint32]*isoTrack
	trak        *isoTrack // the trak being read, from its tkhd
	traf        *isoTrack // the traf being read, from its tfhd
	trafDur     uint32    // its default sample duration
	run         isoRun    // the trun being read
}

type isoTrack struct {
	scale    uint32 // mdhd
	duration uint64 // mdhd: the samples in moov itself
	trexDur  uint32 // default sample duration in fragments
	frag     uint64 // sum of sample durations in fragments
}

// isoRun is what is left of a trun's sample table: entries, bytes per entry,
// and the bytes of the box after the table.
type isoRun struct {
	left  int64
	entry int
	tail  int64
}

// batch is how many table bytes to read next: up to 256 entries at a time,
// so a run of any length is read in steps of at most 4 KB.
func (r isoRun) batch() int { return int(min(r.left, 256)) * r.entry }

// isoMaxTracks caps the tracks remembered, so a file of many tiny traks
// cannot grow the map without bound; recordings have one or two.
const isoMaxTracks = 16

func newM4A() *isoProbe {
	m := &isoProbe{tracks: map[uint32]*isoTrack{}}
	m.need = 8
	m.step = m.stepBox
	return m
}

// newMOV is for QuickTime, whose files are labelled "mov" whatever they hold.
func newMOV() *isoProbe {
	m := newM4A()
	m.mov = true
	return m
}

func (m *isoProbe) stepBox(h []byte) (int, int64, int, bool) {
	size, typ := int64(binary.BigEndian.Uint32(h[0:4])), string(h[4:8])
	switch size {
	case 1: // 64-bit size follows
		m.step = func(x []byte) (int, int64, int, bool) {
			m.step = m.stepBox
			return m.box(int64(binary.BigEndian.Uint64(x[0:8])), typ, 16)
		}
		return 0, 0, 8, false
	case 0: // runs to the end of the file
		size = math.MaxInt64
	}
	return m.box(size, typ, 8)
}

// box descends into the containers on the way to the boxes read and skips
// all others whole. A size below the header's (or a 64-bit one past int64)
// ends the walk: nothing after it can be found.
func (m *isoProbe) box(size int64, typ string, hdr int64) (int, int64, int, bool) {
	if size < hdr {
		return 0, 0, 0, true
	}
	body := size - hdr
	switch typ {
	case "moov", "mdia", "moof": // children follow immediately
	case "trak":
		m.trak = nil
	case "traf":
		m.traf = nil
	case "mvex":
		m.mvex = true
	case "mvhd":
		return m.leaf(body, 32, m.readMVHD)
	case "tkhd":
		return m.leaf(body, 24, m.readTKHD)
	case "mdhd":
		return m.leaf(body, 32, m.readMDHD)
	case "hdlr":
		return m.leaf(body, 12, m.readHDLR)
	case "mehd":
		return m.leaf(body, 12, m.readMEHD)
	case "trex":
		return m.leaf(body, 16, m.readTREX)
	case "tfhd":
		return m.leaf(body, 28, m.readTFHD)
	case "trun":
		if body < 8 {
			return 0, body, 8, false
		}
		m.step = func(b []byte) (int, int64, int, bool) { return m.stepTRUN(b, body-8) }
		return 0, 0, 8, false
	default:
		return 0, body, 8, false
	}
	return 0, 0, 8, false
}

// leaf hands up to want bytes of a box's body to read and skips the rest.
// read checks the length itself: a box may be shorter than its fields.
func (m *isoProbe) leaf(body int64, want int, read func([]byte)) (int, int64, int, bool) {
	n := int(min(body, int64(want)))
	if n == 0 {
		return 0, body, 8, false
	}
	m.step = func(b []byte) (int, int64, int, bool) {
		m.step = m.stepBox
		read(b)
		return 0, body - int64(n), 8, false
	}
	return 0, 0, n, false
}

// track returns the track with this ID, new if not seen (nil past the cap).
func (m *isoProbe) track(id uint32) *isoTrack {
	t := m.tracks[id]
	if t == nil && len(m.tracks) < isoMaxTracks {
		t = &isoTrack{}
		m.tracks[id] = t
	}
	return t
}

// isoTimes reads the timescale and duration of an mvhd or mdhd body (after
// creation and modification times, 64-bit in version 1). A duration of all
// ones means unknown.
func isoTimes(b []byte) (scale uint32, duration uint64, ok bool) {
	switch {
	case len(b) >= 32 && b[0] == 1:
		scale, duration = binary.BigEndian.Uint32(b[20:24]), binary.BigEndian.Uint64(b[24:32])
		if duration == math.MaxUint64 {
			duration = 0
		}
	case len(b) >= 20 && b[0] == 0:
		scale, duration = binary.BigEndian.Uint32(b[12:16]), uint64(binary.BigEndian.Uint32(b[16:20]))
		if duration == math.MaxUint32 {
			duration = 0
		}
	default:
		return 0, 0, false
	}
	return scale, duration, true
}

func (m *isoProbe) readMVHD(b []byte) {
	if s, d, ok := isoTimes(b); ok {
		m.scale, m.duration = s, d
	}
}

func (m *isoProbe) readMDHD(b []byte) {
	if s, d, ok := isoTimes(b); ok && m.trak != nil {
		m.trak.scale, m.trak.duration = s, d
	}
}

func (m *isoProbe) readTKHD(b []byte) {
	switch {
	case len(b) >= 24 && b[0] == 1:
		m.trak = m.track(binary.BigEndian.Uint32(b[20:24]))
	case len(b) >= 16 && b[0] == 0:
		m.trak = m.track(binary.BigEndian.Uint32(b[12:16]))
	}
}

// readHDLR notes a video track. Only mdia's hdlr names a track's kind; the
// ones in minf (QuickTime's data handler) and udta/meta are never reached.
func (m *isoProbe) readHDLR(b []byte) {
	if len(b) >= 12 && string(b[8:12]) == "vide" {
		m.video = true
	}
}

func (m *isoProbe) readMEHD(b []byte) {
	switch {
	case len(b) >= 12 && b[0] == 1:
		m.mehd = binary.BigEndian.Uint64(b[4:12])
	case len(b) >= 8 && b[0] == 0:
		m.mehd = uint64(binary.BigEndian.Uint32(b[4:8]))
	}
}

func (m *isoProbe) readTREX(b []byte) {
	if len(b) < 16 {
		return
	}
	if t := m.track(binary.BigEndian.Uint32(b[4:8])); t != nil {
		t.trexDur = binary.BigEndian.Uint32(b[12:16])
	}
}

// readTFHD picks the traf's track and default sample duration: tfhd's own
// when flag 0x08 says it has one (after the optional base_data_offset and
// sample_description_index), else the track's trex default.
func (m *isoProbe) readTFHD(b []byte) {
	if len(b) < 8 {
		return
	}
	flags := binary.BigEndian.Uint32(b[0:4])
	if m.traf = m.track(binary.BigEndian.Uint32(b[4:8])); m.traf == nil {
		return
	}
	m.trafDur = m.traf.trexDur
	off := 8
	if flags&0x01 != 0 {
		off += 8
	}
	if flags&0x02 != 0 {
		off += 4
	}
	if flags&0x08 != 0 && len(b) >= off+4 {
		m.trafDur = binary.BigEndian.Uint32(b[off : off+4])
	}
}

// stepTRUN reads a track run's flags and sample count (rest: the bytes of
// the box after them). Without per-sample durations (flag 0x100) the run
// lasts count times the default; with them, its sample table is streamed
// in batches, past data_offset (0x01) and first_sample_flags (0x04). An
// entry has 4 bytes per field present (0x100-0x800), duration first, and a
// count larger than the box holds is cut to the entries there.
func (m *isoProbe) stepTRUN(b []byte, rest int64) (int, int64, int, bool) {
	m.step = m.stepBox
	flags, count := binary.BigEndian.Uint32(b[0:4]), int64(binary.BigEndian.Uint32(b[4:8]))
	t := m.traf
	if t == nil {
		return 0, rest, 8, false
	}
	if flags&0x100 == 0 {
		t.frag += uint64(count) * uint64(m.trafDur)
		return 0, rest, 8, false
	}
	opt := 4 * int64(bits.OnesCount32(flags&0x005))
	entry := 4 * int64(bits.OnesCount32(flags&0xf00))
	if count = min(count, max(rest-opt, 0)/entry); count == 0 {
		return 0, rest, 8, false
	}
	m.run = isoRun{left: count, entry: int(entry), tail: rest - opt - count*entry}
	m.step = m.stepSamples
	return 0, opt, m.run.batch(), false
}

func (m *isoProbe) stepSamples(b []byte) (int, int64, int, bool) {
	for i := 0; i+m.run.entry <= len(b); i += m.run.entry {
		m.traf.frag += uint64(binary.BigEndian.Uint32(b[i : i+4]))
	}
	if m.run.left -= int64(len(b) / m.run.entry); m.run.left > 0 {
		return 0, 0, m.run.batch(), false
	}
	m.step = m.stepBox
	return 0, m.run.tail, 8, false
}

// Result labels the file "mov" for QuickTime, else "mp4" with a video track
// and "m4a" without. A fragmented file lasts as long as mehd says, or as
// its longest track: the samples in moov plus those in the fragments.
// Without mehd or any samples it has no duration to report, not 0 s.
func (m *isoProbe) Result() (float64, string, bool) {
	format := "m4a"
	switch {
	case m.mov:
		format = "mov"
	case m.video:
		format = "mp4"
	}
	var secs float64
	if m.scale > 0 {
		secs = float64(m.duration) / float64(m.scale)
	}
	if !m.mvex {
		return secs, format, m.scale > 0
	}
	if m.mehd > 0 && m.scale > 0 {
		return float64(m.mehd) / float64(m.scale), format, true
	}
	for _, t := range m.tracks {
		if t.scale > 0 {
			secs = max(secs, float64(t.duration+t.frag)/float64(t.scale))
		}
	}
	return secs, format, secs > 0
}
