package evidence

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"testing"

	"github.com/gabriel-vasile/mimetype"
)

// Real recordings made by ffmpeg 5.1 and sox 14.4 (1.5 s of a 440 Hz tone,
// 8 kHz mono, as phones record calls); the durations are ffprobe's.
//
//	ffmpeg -f lavfi -i sine=frequency=440:duration=1.5 -ar 8000 -ac 1 -c:a aac -b:a 12k -f 3gp call.3gp
//	ffmpeg ... -c:a aac -b:a 12k call.m4a; ... -c:a libmp3lame -b:a 8k call.mp3; ... -c:a pcm_u8 call.wav
//	sox -n -r 8000 -c 1 -t amr-nb call.amr synth 1.5 sine 440
func TestAudioProbeRecordings(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// A recorder killed before it finalised the header leaves the RIFF and
	// data sizes at 0; players (and ffprobe) play the bytes that are there.
	unfinished := read("call.wav")
	binary.LittleEndian.PutUint32(unfinished[4:], 0)
	binary.LittleEndian.PutUint32(unfinished[bytes.Index(unfinished, []byte("data"))+4:], 0)
	for _, tc := range []struct {
		name    string
		data    []byte
		format  string
		seconds float64
	}{
		{"call.wav", read("call.wav"), "wav", 1.5},
		{"unfinished.wav", unfinished, "wav", 1.5},
		// Android's MediaRecorder writes 3GP (THREE_GPP); it is the same
		// ISO base media container as M4A. It got no duration.
		{"call.3gp", read("call.3gp"), "m4a", 1.5},
		{"call.m4a", read("call.m4a"), "m4a", 1.5},
		// LAME's first frame holds its Info tag, not audio: counted, it made
		// every encoded MP3 a frame longer (72 ms at 8 kHz) than it plays.
		{"call.mp3", read("call.mp3"), "mp3", 1.656},
		{"call.amr", read("call.amr"), "amr", 1.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mt := mimetype.Detect(tc.data[:min(len(tc.data), sniffLen)]).String()
			p := newAudioProbe(mt)
			if p == nil {
				t.Fatalf("no probe for sniffed type %q", mt)
			}
			feed(p, tc.data)
			s, f, ok := p.Result()
			if !ok || f != tc.format || math.Abs(s-tc.seconds) > 0.001 {
				t.Fatalf("got %v s %q ok=%v, want %v s %q", s, f, ok, tc.seconds, tc.format)
			}
		})
	}
}
