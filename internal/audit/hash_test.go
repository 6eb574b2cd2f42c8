package audit

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

func sampleEvent() dossier.Event {
	return dossier.Event{Seq: 7, At: time.Date(2026, 11, 25, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600)),
		Actor: "lawfirm", Role: "external", Action: "evidence.download", ObjectType: "evidence", ObjectID: "ev1",
		CaseID: "c1", IP: "10.0.0.7", UserAgent: "curl/8", RequestID: "r1", Status: 200, Outcome: "ok",
		Detail: "下载 合同.pdf", PrevHash: strings.Repeat("ab", 32)}
}

func TestHash(t *testing.T) {
	e := sampleEvent()
	t.Run("OK/pinned", func(t *testing.T) {
		// Pinned so a change of the canonical form cannot slip in unnoticed:
		// it would make every stored chain fail verification. The value was
		// computed independently (Python hashlib over the documented encoding).
		const want = "8ca94731f2ed5b5981985c66f8c74365342655a9ddda6b5a4cf007fd2847a0ff"
		if got := Hash(&e); got != want {
			t.Fatalf("Hash = %s, want %s", got, want)
		}
	})
	t.Run("OK/stored-precision", func(t *testing.T) {
		// The store keeps microseconds in UTC; the hash must not change on the
		// round trip.
		r := e
		r.At = e.At.UTC().Truncate(time.Microsecond)
		if Hash(&r) != Hash(&e) {
			t.Fatal("hash depends on sub-microsecond time or zone")
		}
	})
	t.Run("OK/ignores-hash", func(t *testing.T) {
		r := e
		r.Hash = "whatever"
		if Hash(&r) != Hash(&e) {
			t.Fatal("hash covers its own field")
		}
	})
	mutations := map[string]func(*dossier.Event){
		"seq":         func(e *dossier.Event) { e.Seq++ },
		"at":          func(e *dossier.Event) { e.At = e.At.Add(time.Microsecond) },
		"actor":       func(e *dossier.Event) { e.Actor += "x" },
		"role":        func(e *dossier.Event) { e.Role = "admin" },
		"action":      func(e *dossier.Event) { e.Action = "evidence.read" },
		"object_type": func(e *dossier.Event) { e.ObjectType = "bundle" },
		"object_id":   func(e *dossier.Event) { e.ObjectID = "ev2" },
		"case_id":     func(e *dossier.Event) { e.CaseID = "c2" },
		"ip":          func(e *dossier.Event) { e.IP = "10.0.0.8" },
		"user_agent":  func(e *dossier.Event) { e.UserAgent = "" },
		"request_id":  func(e *dossier.Event) { e.RequestID = "r2" },
		"status":      func(e *dossier.Event) { e.Status = 404 },
		"outcome":     func(e *dossier.Event) { e.Outcome = "denied" },
		"detail":      func(e *dossier.Event) { e.Detail += " " },
		"prev_hash":   func(e *dossier.Event) { e.PrevHash = Genesis },
		// Moving a byte from one field to the next must not collide.
		"boundary": func(e *dossier.Event) { e.Actor, e.Role = "lawfirme", "xternal" },
	}
	for name, mutate := range mutations {
		t.Run("ErrChanged/"+name, func(t *testing.T) {
			m := e
			mutate(&m)
			if Hash(&m) == Hash(&e) {
				t.Fatalf("changing %s keeps the hash", name)
			}
		})
	}
}

func TestChain(t *testing.T) {
	e := sampleEvent()
	Chain(&e, 41, Genesis)
	if e.Seq != 42 || e.PrevHash != Genesis || e.Hash != Hash(&e) || e.At.Location() != time.UTC ||
		e.At.Nanosecond()%1000 != 0 {
		t.Fatalf("chained: %+v", e)
	}
}

func TestKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "audit.key")
	k1, created, err := loadOrCreateKey(path)
	if err != nil || !created {
		t.Fatalf("create: %v, created %v", err, created)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key mode %v, want 0600", fi.Mode().Perm())
	}
	k2, created, err := loadOrCreateKey(path)
	if err != nil || created || !k1.Equal(k2) {
		t.Fatalf("reload: %v, created %v, same %v", err, created, k1.Equal(k2))
	}
	t.Run("ErrGarbage", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.key")
		os.WriteFile(bad, []byte("not a key"), 0o600)
		if _, _, err := loadOrCreateKey(bad); err == nil {
			t.Fatal("garbage key accepted")
		}
	})
}

func TestVerifyCheckpoint(t *testing.T) {
	k, _, err := loadOrCreateKey(filepath.Join(t.TempDir(), "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	good := sign(k, 1000, strings.Repeat("cd", 32), time.Now())
	if err := VerifyCheckpoint(good); err != nil {
		t.Fatalf("OK: %v", err)
	}
	sig, _ := base64.StdEncoding.DecodeString(good.Signature)
	sig[0] ^= 1
	tests := map[string]func(c *dossier.Checkpoint){
		"ErrForgedSignature": func(c *dossier.Checkpoint) { c.Signature = base64.StdEncoding.EncodeToString(sig) },
		"ErrHeadChanged":     func(c *dossier.Checkpoint) { c.Head = Genesis },
		"ErrSeqChanged":      func(c *dossier.Checkpoint) { c.Seq++ },
		"ErrTimeChanged":     func(c *dossier.Checkpoint) { c.At = c.At.Add(time.Second) },
		"ErrMalformedKey":    func(c *dossier.Checkpoint) { c.PublicKey = "!!" },
		"ErrMalformedSig":    func(c *dossier.Checkpoint) { c.Signature = "AAAA" },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			c := *good
			mutate(&c)
			if VerifyCheckpoint(&c) == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	e := dossier.Event{Detail: "a\x00b\xffc" + strings.Repeat("长", maxDetail), UserAgent: strings.Repeat("u", 2000)}
	Sanitize(&e)
	if strings.ContainsRune(e.Detail, 0) || !strings.HasPrefix(e.Detail, "a\uFFFDb\uFFFDc") {
		t.Fatalf("detail not cleaned: %q", e.Detail[:12])
	}
	if len(e.Detail) > maxDetail || len(e.UserAgent) > maxField || !strings.HasSuffix(e.Detail, "长…") {
		t.Fatalf("not cut: %d %d", len(e.Detail), len(e.UserAgent))
	}
	if e.At.IsZero() {
		t.Fatal("At not filled")
	}
}

func TestCSV(t *testing.T) {
	e1 := sampleEvent()
	e1.Hash = Hash(&e1)
	e2 := e1
	e2.Seq, e2.Actor, e2.Detail, e2.UserAgent = 8, "=HYPERLINK(\"http://x\")", "-2+3 \"quoted\", comma\nnewline", "@SUM(A1)"
	var buf bytes.Buffer
	evs := func(yield func(*dossier.Event, error) bool) {
		for _, e := range []*dossier.Event{&e1, &e2} {
			if !yield(e, nil) {
				return
			}
		}
	}
	if err := WriteCSV(&buf, evs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !slices.Equal(rows[0], CSVHeader) {
		t.Fatalf("rows %d, header %v", len(rows), rows[0])
	}
	want := []string{"7", "2026-11-25T01:30:00.123456Z", "lawfirm", "external", "evidence.download", "evidence",
		"ev1", "c1", "10.0.0.7", "200", "ok", "下载 合同.pdf", e1.Hash, e1.PrevHash, "curl/8", "r1"}
	if !slices.Equal(rows[1], want) {
		t.Fatalf("row\n got %q\nwant %q", rows[1], want)
	}
	if rows[2][2] != "'=HYPERLINK(\"http://x\")" || rows[2][11] != "'-2+3 \"quoted\", comma\nnewline" ||
		rows[2][14] != "'@SUM(A1)" {
		t.Fatalf("formula cells not defused: %q", rows[2])
	}
	t.Run("ErrSequence", func(t *testing.T) {
		boom := errors.New("boom")
		err := WriteCSV(&bytes.Buffer{}, func(yield func(*dossier.Event, error) bool) { yield(nil, boom) })
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
	})
}
