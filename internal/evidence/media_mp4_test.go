package evidence

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand"
	"testing"
)

// ISO base media (MP4, M4A, 3GP) and QuickTime files built box by box, so
// each expected duration follows from the numbers written. Fragmented ones
// are laid out as browser and iOS recorders write them: an empty moov whose
// mvex announces fragments, then moof+mdat pairs.

func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
func be64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// full is a FullBox: version and flags ahead of the body.
func full(typ string, version byte, flags uint32, body ...[]byte) []byte {
	vf := be32(uint32(version)<<24 | flags&0xffffff)
	return box(typ, append([][]byte{vf}, body...)...)
}

// box64 writes the size as a 64-bit largesize (size field 1), as writers do
// for an mdat over 4 GiB.
func box64(typ string, body ...[]byte) []byte {
	n := 16
	for _, p := range body {
		n += len(p)
	}
	out := append(be32(1), typ...)
	out = append(out, be64(uint64(n))...)
	for _, p := range body {
		out = append(out, p...)
	}
	return out
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func ftypBox(major string, compatible ...string) []byte {
	b := []byte(major + "\x00\x00\x02\x00")
	for _, c := range compatible {
		b = append(b, c...)
	}
	return box("ftyp", b)
}

func mvhdBox(scale, duration uint32) []byte {
	b := make([]byte, 96)
	binary.BigEndian.PutUint32(b[8:], scale)
	binary.BigEndian.PutUint32(b[12:], duration)
	return full("mvhd", 0, 0, b)
}

// mvhd64 is a version 1 mvhd (64-bit times).
func mvhd64(scale uint32, duration uint64) []byte {
	b := make([]byte, 108)
	binary.BigEndian.PutUint32(b[16:], scale)
	binary.BigEndian.PutUint64(b[20:], duration)
	return full("mvhd", 1, 0, b)
}

type trackSpec struct {
	id       uint32
	handler  string // "soun", "vide"
	scale    uint32 // mdhd
	duration uint32 // mdhd: the samples in moov itself
}

// trakBox holds tkhd, edts and mdia (mdhd, hdlr, minf). QuickTime's mdia
// hdlr has component type "mhlr", and its minf a second, data handler.
func trakBox(t trackSpec, qt bool) []byte {
	tkhd := make([]byte, 80)
	binary.BigEndian.PutUint32(tkhd[8:], t.id)
	mdhd := make([]byte, 20)
	binary.BigEndian.PutUint32(mdhd[8:], t.scale)
	binary.BigEndian.PutUint32(mdhd[12:], t.duration)
	pre := "\x00\x00\x00\x00"
	if qt {
		pre = "mhlr"
	}
	hdlr := full("hdlr", 0, 0, []byte(pre+t.handler), make([]byte, 12), []byte("Core Media\x00"))
	minf := box("minf", full("hdlr", 0, 0, []byte("dhlralis"), make([]byte, 13)),
		box("stbl", box("stsd", make([]byte, 40))))
	return box("trak", full("tkhd", 0, 3, tkhd), box("edts", make([]byte, 28)),
		box("mdia", full("mdhd", 0, 0, mdhd), hdlr, minf))
}

func moovBox(mvhd []byte, qt bool, tracks []trackSpec, extra ...[]byte) []byte {
	parts := [][]byte{mvhd}
	for _, t := range tracks {
		parts = append(parts, trakBox(t, qt))
	}
	// iTunes metadata carries its own hdlr ("mdir"), which is no track.
	parts = append(parts, box("udta", full("meta", 0, 0, full("hdlr", 0, 0, []byte("\x00\x00\x00\x00mdir"), make([]byte, 13)))))
	return box("moov", append(parts, extra...)...)
}

// mvexBox announces fragments: mehd (0: none) and a trex per track with its
// default sample duration.
func mvexBox(mehd uint64, trex map[uint32]uint32) []byte {
	var parts [][]byte
	if mehd > 0 {
		parts = append(parts, full("mehd", 1, 0, be64(mehd)))
	}
	for id := uint32(1); id <= uint32(len(trex)); id++ {
		parts = append(parts, full("trex", 0, 0, be32(id), be32(1), be32(trex[id]), be32(0), be32(0)))
	}
	return box("mvex", parts...)
}

// traf describes one track's samples in a fragment: per-sample durations
// (durs), or count samples of the default duration (tfhd's when tfhdDur >
// 0, else trex's).
type traf struct {
	id      uint32
	tfhdDur uint32
	durs    []uint32
	count   int
	baseOff bool // tfhd carries a 64-bit base_data_offset
}

func (f traf) box() []byte {
	flags := uint32(0x020000 | 0x02) // default-base-is-moof, sample_description_index
	opt := [][]byte{be32(f.id)}
	if f.baseOff {
		flags = 0x01 | 0x02
		opt = append(opt, be64(1234))
	}
	opt = append(opt, be32(1))
	if f.tfhdDur > 0 {
		flags |= 0x08
		opt = append(opt, be32(f.tfhdDur))
	}
	tfhd := full("tfhd", 0, flags, opt...)
	tfdt := full("tfdt", 1, 0, be64(0))
	var trun []byte
	if f.durs != nil {
		// data_offset, then duration and size per sample.
		body := [][]byte{be32(uint32(len(f.durs))), be32(8)}
		for _, d := range f.durs {
			body = append(body, be32(d), be32(100))
		}
		trun = full("trun", 0, 0x001|0x100|0x200, body...)
	} else {
		// data_offset, first_sample_flags, then size and flags per sample.
		body := [][]byte{be32(uint32(f.count)), be32(8), be32(0x02000000)}
		for i := 0; i < f.count; i++ {
			body = append(body, be32(100), be32(0x01010000))
		}
		trun = full("trun", 0, 0x001|0x004|0x200|0x400, body...)
	}
	return box("traf", tfhd, tfdt, trun)
}

// fragment is a moof (mfhd and a traf per track) and its mdat.
func fragment(seq uint32, mdat int, trafs ...traf) []byte {
	parts := [][]byte{full("mfhd", 0, 0, be32(seq))}
	for _, t := range trafs {
		parts = append(parts, t.box())
	}
	return cat(box("moof", parts...), box("mdat", make([]byte, mdat)))
}

func repeat32(v uint32, n int) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		out[i] = v
	}
	return out
}

var (
	audio48 = trackSpec{id: 1, handler: "soun", scale: 48000}
	video90 = trackSpec{id: 2, handler: "vide", scale: 90000}
)

func isoFixtures() []struct {
	name    string
	data    []byte
	format  string
	seconds float64
} {
	var trunFrags, tfhdFrags, trexFrags, avFrags [][]byte
	// AAC at 44.1 kHz: 1024 samples a frame, the last one shorter; the
	// tfhd default (2048) is overridden by trun's own durations.
	for i := uint32(0); i < 4; i++ {
		durs := repeat32(1024, 43)
		if i == 3 {
			durs = append(repeat32(1024, 20), 512)
		}
		trunFrags = append(trunFrags, fragment(i+1, 3000, traf{id: 1, tfhdDur: 2048, durs: durs}))
	}
	// Opus at 48 kHz: 20 ms frames, durations only in tfhd.
	for i := uint32(0); i < 5; i++ {
		tfhdFrags = append(tfhdFrags, fragment(i+1, 2000, traf{id: 1, tfhdDur: 960, count: 50}))
	}
	// Neither trun nor tfhd: trex's default applies.
	for i := uint32(0); i < 3; i++ {
		trexFrags = append(trexFrags, fragment(i+1, 2000, traf{id: 1, count: 47, baseOff: true}))
	}
	// Safari: audio and video tracks; the longer one is the recording.
	for i := uint32(0); i < 10; i++ {
		avFrags = append(avFrags, fragment(i+1, 9000,
			traf{id: 1, durs: repeat32(1024, 45)}, traf{id: 2, tfhdDur: 3000, count: 29}))
	}
	aac44 := trackSpec{id: 1, handler: "soun", scale: 44100}
	aac16 := trackSpec{id: 1, handler: "soun", scale: 16000}
	return []struct {
		name    string
		data    []byte
		format  string
		seconds float64
	}{
		{"Fragmented/Mehd", cat(ftypBox("iso5", "iso6", "mp41"),
			moovBox(mvhdBox(1000, 0), false, []trackSpec{audio48}, mvexBox(61500, map[uint32]uint32{1: 1024})),
			cat(trunFrags...)), "m4a", 61.5},
		{"Fragmented/TrunDurations", cat(ftypBox("iso5", "iso6", "mp41"),
			moovBox(mvhdBox(1000, 0), false, []trackSpec{aac44}, mvexBox(0, map[uint32]uint32{1: 0})),
			cat(trunFrags...)), "m4a", (3*43*1024 + 20*1024 + 512) / 44100.0},
		{"Fragmented/TfhdDefault", cat(ftypBox("isom", "iso6", "mp41"),
			moovBox(mvhdBox(1000, 0), false, []trackSpec{audio48}, mvexBox(0, map[uint32]uint32{1: 0})),
			cat(tfhdFrags...)), "m4a", 5},
		{"Fragmented/TrexDefault", cat(ftypBox("mp42", "isom"),
			moovBox(mvhdBox(1000, 0), false, []trackSpec{aac16}, mvexBox(0, map[uint32]uint32{1: 1024})),
			cat(trexFrags...)), "m4a", 3 * 47 * 1024 / 16000.0},
		// ffmpeg without empty_moov keeps the first samples in moov.
		{"Fragmented/SamplesInMoov", cat(ftypBox("iso5", "iso6", "mp41"),
			moovBox(mvhdBox(1000, 1000), false, []trackSpec{{id: 1, handler: "soun", scale: 48000, duration: 48000}},
				mvexBox(0, map[uint32]uint32{1: 960})),
			cat(tfhdFrags...)), "m4a", 6},
		{"Fragmented/AudioVideo", cat(ftypBox("iso5", "iso6", "mp41"),
			moovBox(mvhdBox(1000, 0), false, []trackSpec{audio48, video90}, mvexBox(0, map[uint32]uint32{1: 1024, 2: 0})),
			cat(avFrags...)), "mp4", 10 * 29 * 3000 / 90000.0},
		{"MoovAtEnd/Video", cat(ftypBox("mp42", "isom"), box("mdat", make([]byte, 60000)),
			moovBox(mvhdBox(600, 600*12), false, []trackSpec{audio48, video90})), "mp4", 12},
		{"MoovFirst/Video", cat(ftypBox("isom", "iso2", "avc1", "mp41"),
			moovBox(mvhdBox(1000, 4250), false, []trackSpec{video90, audio48}), box("mdat", make([]byte, 30000))), "mp4", 4.25},
		{"M4V", cat(ftypBox("M4V ", "M4A ", "mp42", "isom"),
			moovBox(mvhdBox(600, 900), false, []trackSpec{video90}), box("mdat", make([]byte, 100))), "mp4", 1.5},
		{"64BitSizes", cat(ftypBox("M4A ", "isom"), box64("mdat", make([]byte, 70000)),
			box64("moov", mvhd64(44100, 44100*9), trakBox(audio48, false))), "m4a", 9},
		{"MOV", cat(ftypBox("qt  ", "qt  "), box("wide"), box("mdat", make([]byte, 20000)),
			moovBox(mvhdBox(600, 2100), true, []trackSpec{{id: 1, handler: "soun", scale: 44100}})), "mov", 3.5},
		// Before ftyp, QuickTime files began with a wide atom.
		{"MOV/NoFtypVideo", cat(box("wide"), box("mdat", make([]byte, 20000)),
			moovBox(mvhdBox(600, 3000), true, []trackSpec{video90, audio48})), "mov", 5},
		// 3GP audio keeps "m4a" (TestAudioProbeRecordings), so the brand
		// does not name the format; a video track does, as in MP4.
		{"3GP/Video", cat(ftypBox("3gp4", "isom", "3gp4"),
			moovBox(mvhdBox(1000, 2000), false, []trackSpec{video90, audio48}), box("mdat", make([]byte, 5000))), "mp4", 2},
	}
}

func TestAudioProbeISO(t *testing.T) {
	for _, tc := range isoFixtures() {
		t.Run(tc.name, func(t *testing.T) {
			// As storeFile does: sniff the first bytes, probe the stream.
			mt := sniff(tc.data[:min(len(tc.data), sniffLen)], len(tc.data) < sniffLen)
			p := newAudioProbe(mt)
			if p == nil {
				t.Fatalf("no probe for sniffed type %q", mt)
			}
			feed(p, tc.data)
			s, f, ok := p.Result()
			if !ok || f != tc.format || math.Abs(s-tc.seconds) > 1e-9 {
				t.Fatalf("sniffed %q: got %v s %q ok=%v, want %v s %q", mt, s, f, ok, tc.seconds, tc.format)
			}
		})
	}
}

// A fragmented file whose recorder stopped after the header (or one cut off
// before its first fragment) holds no samples: its mvhd's 0 is no length.
func TestAudioProbeISONoFragments(t *testing.T) {
	data := cat(ftypBox("iso5", "iso6", "mp41"),
		moovBox(mvhdBox(1000, 0), false, []trackSpec{audio48}, mvexBox(0, map[uint32]uint32{1: 1024})))
	p := newM4A()
	feed(p, data)
	if s, f, ok := p.Result(); ok {
		t.Fatalf("got %v s %q ok, want no duration", s, f)
	}
}

// A trun that claims more samples than it holds counts only those present,
// and boxes that lie about their sizes end the walk without a panic.
func TestAudioProbeISOLies(t *testing.T) {
	head := cat(ftypBox("iso5"), moovBox(mvhdBox(1000, 0), false, []trackSpec{audio48}, mvexBox(0, map[uint32]uint32{1: 0})))
	tfhd := full("tfhd", 0, 0x020000, be32(1))
	// 4 samples of 12000 present, 0xFFFFFFFF claimed.
	trun := full("trun", 0, 0x100, be32(0xffffffff), be32(12000), be32(12000), be32(12000), be32(12000))
	p := newM4A()
	feed(p, cat(head, box("moof", box("traf", tfhd, trun)), box("mdat", make([]byte, 10))))
	if s, _, ok := p.Result(); !ok || s != 1 {
		t.Fatalf("overclaiming trun: %v s ok=%v, want 1 s", s, ok)
	}
	for name, tail := range map[string][]byte{
		"SmallBox":    {0, 0, 0, 4, 'm', 'o', 'o', 'f'},
		"SmallLarge":  cat(be32(1), []byte("mdat"), be64(3)),
		"HugeLarge":   cat(be32(1), []byte("moof"), be64(math.MaxUint64)),
		"EmptyTrun":   box("moof", box("traf", tfhd, full("trun", 0, 0x100, be32(0)))),
		"ShortTrun":   box("moof", box("traf", tfhd, box("trun", []byte{1, 2}))),
		"ShortTfhd":   box("moof", box("traf", box("tfhd"), trun)),
		"NoFieldTrun": box("moof", box("traf", tfhd, full("trun", 0, 0, be32(0xffffffff)))),
		"ZeroSize":    cat(be32(0), []byte("moof"), box("traf", tfhd, trun)),
	} {
		t.Run(name, func(t *testing.T) {
			p := newM4A()
			feed(p, cat(head, tail, tail))
			p.Result()
		})
	}
}

func TestAudioProbeISOGarbage(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	junk := make([]byte, 64<<10)
	r.Read(junk)
	ftypJunk := cat(ftypBox("isom"), junk)
	for name, data := range map[string][]byte{"random": junk, "ftyp+random": ftypJunk} {
		for _, p := range []audioProbe{newM4A(), newMOV()} {
			feed(p, data)
			if s, f, ok := p.Result(); ok {
				t.Errorf("%s: accepted as %v s %q", name, s, f)
			}
		}
	}
	// Every fixture cut short and with bytes changed: whatever the result,
	// the probe must not panic or stall.
	for _, tc := range isoFixtures() {
		for i := 0; i < 200; i++ {
			d := append([]byte(nil), tc.data[:r.Intn(len(tc.data)+1)]...)
			for k := 0; k < 1+r.Intn(4) && len(d) > 0; k++ {
				d[r.Intn(len(d))] = byte(r.Intn(256))
			}
			p := newM4A()
			feed(p, d)
			p.Result()
		}
	}
}

func FuzzAudioProbeISO(f *testing.F) {
	for _, tc := range isoFixtures() {
		f.Add(tc.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := newM4A()
		feed(p, data)
		p.Result()
	})
}
