package account

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/testenv"
)

func TestLimiterTakeRefund(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Minute)
	for i := range 3 {
		if ok, _ := l.Take("k", t0.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("take %d refused", i)
		}
	}
	if ok, wait := l.Take("k", t0.Add(10*time.Second)); ok || wait != 50*time.Second {
		t.Fatalf("fourth take: ok %v, wait %v", ok, wait)
	}
	l.Refund("k", t0.Add(time.Second))
	if ok, _ := l.Take("k", t0.Add(11*time.Second)); !ok {
		t.Fatal("take after a refund refused")
	}
	if blocked, _ := l.Blocked("k", t0.Add(61*time.Second)); blocked {
		t.Fatal("blocked after the oldest attempt left the window")
	}
	l.Refund("k", t0.Add(11*time.Second))
	l.Refund("k", t0.Add(11*time.Second)) // twice: nothing left to give back
	l.Refund("gone", t0)
	if f := l.fails["k"]; len(f) != 1 || !f[0].Equal(t0.Add(2*time.Second)) {
		t.Fatalf("attempts kept: %v, want the one at 9:00:02", f)
	}
}

func newInternal(t *testing.T) *Service {
	t.Helper()
	s := New(testenv.OpenStore(t, filepath.Join(t.TempDir(), "meta.db")), time.Hour)
	if _, _, err := s.Bootstrap(context.Background(), "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLoginMalformedUsernameNoKey: a username no account can have never
// becomes a limiter key, so a flood of huge names pins no memory.
func TestLoginMalformedUsernameNoKey(t *testing.T) {
	s := newInternal(t)
	for i := range 5 {
		name := strings.Repeat(string(rune('a'+i)), 900<<10)
		if _, err := s.Login(context.Background(), name, "wrong password here", "203.0.113.7"); dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED {
			t.Fatalf("login %d: %v", i, err)
		}
	}
	if n := len(s.byUser.fails); n != 0 {
		t.Fatalf("the per-username limiter keeps %d keys of malformed names", n)
	}
	if n := len(s.byIP.fails["ip:203.0.113.7"]); n != 5 {
		t.Fatalf("the address has %d failures counted, want 5", n)
	}
}

// TestLoginWaitsForHashSlot: with every hash slot busy a login waits, and
// gives up when its request does, without a guess counted.
func TestLoginWaitsForHashSlot(t *testing.T) {
	s := newInternal(t)
	for range cap(s.hashes) {
		s.hashes <- struct{}{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.Login(ctx, "admin", "correct horse battery", "203.0.113.7")
		done <- err
	}()
	cancel()
	if err := <-done; dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
		t.Fatalf("login with every hash slot taken and the request gone: %v", err)
	}
	if len(s.byUser.fails) != 0 || len(s.byIP.fails) != 0 {
		t.Fatalf("an attempt never checked still counts: %v %v", s.byUser.fails, s.byIP.fails)
	}
	for range cap(s.hashes) {
		<-s.hashes
	}
	if _, err := s.Login(context.Background(), "admin", "correct horse battery", "203.0.113.7"); err != nil {
		t.Fatalf("login with free slots: %v", err)
	}
}
