package account

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	if f := l.fails["k"]; len(f) != 1 || !f[0].at.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("attempts kept: %v, want the one at 9:00:02", f)
	}
}

// TestLimiterSucceeded: a success gives back its own place and forgets the
// failures counted before it, but not the attempts still pending beside it,
// nor anything counted after it.
func TestLimiterSucceeded(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	l := NewLimiter(5, time.Minute)
	for s := range 5 {
		if ok, _ := l.Take("k", at(s)); !ok {
			t.Fatalf("take at %ds refused", s)
		}
	}
	l.Failed("k", at(0)) // a typo, before the sign-in
	// at(1) is still being checked; at(2) is the sign-in; at(3) is
	// counted after it and still pending; at(4) after it and failed.
	l.Failed("k", at(4))
	l.Succeeded("k", at(2))
	want := []attempt{{at(1), true}, {at(3), true}, {at(4), false}}
	if got := l.fails["k"]; !slices.Equal(got, want) {
		t.Fatalf("after the success: %v, want %v", got, want)
	}
	l.Failed("k", at(1))
	l.Failed("k", at(3))
	if ok, _ := l.Take("k", at(5)); !ok {
		t.Fatal("take with three failures of five refused")
	}
	if ok, _ := l.Take("k", at(6)); !ok {
		t.Fatal("take with four failures of five refused")
	}
	if ok, _ := l.Take("k", at(7)); ok {
		t.Fatal("the attempts beside the success were let off: a sixth take allowed")
	}
	l.Succeeded("k", at(2)) // settled already: nothing to give back
	if n := len(l.fails["k"]); n != 5 {
		t.Fatalf("a second success of the same attempt changed the window: %d left", n)
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

// lookupStore answers UserByName through the real store, under a context
// that cannot be cancelled (so no database driver watches the caller's), and
// then calls after with the caller's context.
type lookupStore struct {
	dossier.Store
	after func(ctx context.Context)
}

func (l lookupStore) UserByName(ctx context.Context, name string) (*dossier.User, error) {
	u, err := l.Store.UserByName(context.WithoutCancel(ctx), name)
	l.after(ctx)
	return u, err
}

// askedCtx notes the first time, once armed, that anyone asks for its Done
// channel: waiting for a hash slot does, and nothing else in Login after the
// lookup.
type askedCtx struct {
	context.Context
	armed atomic.Bool
	once  sync.Once
	asked chan struct{}
}

func (c *askedCtx) Done() <-chan struct{} {
	if c.armed.Load() {
		c.once.Do(func() { close(c.asked) })
	}
	return c.Context.Done()
}

// TestLoginWaitsForHashSlot: with every hash slot busy a login that has
// looked its user up waits, and gives up when its request ends, without a
// guess counted.
func TestLoginWaitsForHashSlot(t *testing.T) {
	s := newInternal(t)
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx := &askedCtx{Context: base, asked: make(chan struct{})}
	s.Store = lookupStore{Store: s.Store, after: func(context.Context) { ctx.armed.Store(true) }}
	for range cap(s.hashes) {
		s.hashes <- struct{}{}
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Login(ctx, "admin", "correct horse battery", "203.0.113.7")
		done <- err
	}()
	select {
	case <-ctx.asked: // waiting for a slot, or about to
	case err := <-done:
		t.Fatalf("login returned before it waited for a hash slot: %v", err)
	}
	cancel()
	err := <-done
	if dossier.ErrorCode(err) != dossier.EUNAVAILABLE || !errors.Is(err, context.Canceled) {
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

type holdKey struct{}

// TestLoginSuccessKeepsGuessesInFlight: a real sign-in forgets the typos
// before it, but guesses still being checked beside it keep their places.
func TestLoginSuccessKeepsGuessesInFlight(t *testing.T) {
	s := newInternal(t)
	reached, release := make(chan struct{}), make(chan struct{})
	s.Store = lookupStore{Store: s.Store, after: func(ctx context.Context) {
		if ctx.Value(holdKey{}) != nil {
			reached <- struct{}{}
			<-release
		}
	}}
	const wrong, ip = "wrong password guess", "203.0.113.7"
	if _, err := s.Login(context.Background(), "admin", wrong, ip); dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED {
		t.Fatalf("typo: %v", err)
	}
	// Three guesses are counted and held between their lookup and the hash.
	held := context.WithValue(context.Background(), holdKey{}, true)
	done := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := s.Login(held, "admin", wrong, "198.51.100.9")
			done <- err
		}()
		<-reached
	}
	if _, err := s.Login(context.Background(), "admin", "correct horse battery", ip); err != nil {
		t.Fatalf("sign-in with four attempts of five counted: %v", err)
	}
	close(release)
	for range 3 {
		if err := <-done; dossier.ErrorCode(err) != dossier.EUNAUTHENTICATED {
			t.Fatalf("held guess: %v", err)
		}
	}
	// Three failures remain: two more guesses, then the username is locked.
	for i := range 3 {
		_, err := s.Login(context.Background(), "admin", wrong, ip)
		if want := map[bool]string{true: dossier.EUNAUTHENTICATED, false: dossier.ERATELIMITED}[i < 2]; dossier.ErrorCode(err) != want {
			t.Fatalf("guess %d after the sign-in: %v, want %s", i+1, err, want)
		}
	}
}
