package evidence

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"github.com/gabriel-vasile/mimetype"
)

// The fixtures are built here, byte by byte, from the format specifications,
// so each expected duration is known exactly.

func wavFile(rate, channels, bits, frames int, extraChunk bool) []byte {
	var b bytes.Buffer
	data := frames * channels * bits / 8
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	w(uint32(36 + data))
	b.WriteString("WAVE")
	if extraChunk { // a LIST chunk of odd size before fmt, padded
		b.WriteString("LIST")
		w(uint32(5))
		b.WriteString("INFOx\x00")
	}
	b.WriteString("fmt ")
	w(uint32(16))
	w(uint16(1))
	w(uint16(channels))
	w(uint32(rate))
	w(uint32(rate * channels * bits / 8))
	w(uint16(channels * bits / 8))
	w(uint16(bits))
	b.WriteString("data")
	w(uint32(data))
	b.Write(make([]byte, data))
	return b.Bytes()
}

// mp3File writes frames MPEG-1 Layer III frames at 128 kbit/s, 44.1 kHz,
// alternating padding like a real encoder, behind an ID3v2 tag and with an
// ID3v1 tag at the end.
func mp3File(frames int, id3 bool) []byte {
	var b bytes.Buffer
	if id3 {
		b.WriteString("ID3\x03\x00\x00")
		b.Write([]byte{0, 0, 0x01, 0x00}) // syncsafe 128
		b.Write(bytes.Repeat([]byte{'T'}, 128))
	}
	for i := 0; i < frames; i++ {
		pad := byte(i % 2)
		hdr := []byte{0xff, 0xfb, 0x90 | pad<<1, 0x64}
		n := 144*128000/44100 + int(pad)
		b.Write(hdr)
		b.Write(bytes.Repeat([]byte{0x55}, n-4))
	}
	b.WriteString("TAG")
	b.Write(make([]byte, 125))
	return b.Bytes()
}

func box(typ string, body ...[]byte) []byte {
	n := 8
	for _, p := range body {
		n += len(p)
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(n))
	out = append(out, typ...)
	for _, p := range body {
		out = append(out, p...)
	}
	return out
}

// m4aFile has ftyp, a big mdat first (as streaming encoders write), then
// moov with a udta box before mvhd.
func m4aFile(timescale, duration uint32, mdat int) []byte {
	mvhd := make([]byte, 100)
	binary.BigEndian.PutUint32(mvhd[12:], timescale)
	binary.BigEndian.PutUint32(mvhd[16:], duration)
	var b []byte
	b = append(b, box("ftyp", []byte("M4A \x00\x00\x00\x00M4A mp42isom"))...)
	b = append(b, box("mdat", make([]byte, mdat))...)
	b = append(b, box("moov", box("udta", []byte("meta")), box("mvhd", mvhd), box("trak", make([]byte, 40)))...)
	return b
}

func amrFile(wide bool, frames int) []byte {
	var b bytes.Buffer
	if wide {
		b.WriteString("#!AMR-WB\n")
	} else {
		b.WriteString("#!AMR\n")
	}
	for i := 0; i < frames; i++ {
		if wide {
			b.WriteByte(8<<3 | 0x04) // mode 8: 61 bytes
			b.Write(make([]byte, 60))
		} else if i%10 == 9 {
			b.WriteByte(8<<3 | 0x04) // SID frame: 6 bytes
			b.Write(make([]byte, 5))
		} else {
			b.WriteByte(7<<3 | 0x04) // mode 7 (12.2k): 32 bytes
			b.Write(make([]byte, 31))
		}
	}
	return b.Bytes()
}

// feed writes data in uneven chunks so headers straddle write boundaries.
func feed(p audioProbe, data []byte) {
	for i, step := 0, 1; i < len(data); step = step%997 + 7 {
		end := min(i+step, len(data))
		_, _ = p.Write(data[i:end])
		i = end
	}
}

func TestAudioProbe(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		format  string
		seconds float64
	}{
		{"WAV", wavFile(8000, 1, 16, 8000*5/2, false), "wav", 2.5},
		{"WAV/ExtraChunk", wavFile(44100, 2, 16, 44100*3, true), "wav", 3},
		{"MP3", mp3File(1000, false), "mp3", 1000 * 1152 / 44100.0},
		{"MP3/ID3", mp3File(383, true), "mp3", 383 * 1152 / 44100.0},
		{"M4A", m4aFile(44100, 44100*7, 50000), "m4a", 7},
		{"AMR", amrFile(false, 500), "amr", 10},
		{"AMR-WB", amrFile(true, 150), "amr", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mt := mimetype.Detect(tc.data[:min(len(tc.data), sniffLen)]).String()
			p := newAudioProbe(mt)
			if p == nil {
				t.Fatalf("no probe for sniffed type %q", mt)
			}
			feed(p, tc.data)
			s, f, ok := p.Result()
			if !ok || f != tc.format || math.Abs(s-tc.seconds) > 1e-6 {
				t.Fatalf("got %v %q %v, want %v %q", s, f, ok, tc.seconds, tc.format)
			}
		})
	}
}

func TestAudioProbeTruncated(t *testing.T) {
	// A recorder that died mid-file: the header claims 10 s, 4 s are there.
	wav := wavFile(8000, 1, 8, 8000*10, false)
	p := newWAV()
	feed(p, wav[:44+8000*4])
	if s, _, ok := p.Result(); !ok || s != 4 {
		t.Fatalf("truncated WAV: %v %v", s, ok)
	}
}

func TestAudioProbeGarbage(t *testing.T) {
	junk := bytes.Repeat([]byte("not audio at all "), 1000)
	for name, p := range map[string]audioProbe{"wav": newWAV(), "mp3": newMP3(), "m4a": newM4A(), "amr": newAMR()} {
		feed(p, junk)
		if _, _, ok := p.Result(); ok {
			t.Errorf("%s probe accepted garbage", name)
		}
	}
	if newAudioProbe("application/pdf") != nil {
		t.Errorf("a PDF got an audio probe")
	}
}
