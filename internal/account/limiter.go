package account

import (
	"sync"
	"time"
)

// Limiter counts failures per key in a sliding window and locks a key out
// once it has failed too often. It is in memory: a restart forgets it, which
// only ever lets a blocked client try again sooner.
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string][]attempt
}

// attempt is one place in a key's window: a failure, or an attempt Take
// counted that has not yet been settled.
type attempt struct {
	at      time.Time
	pending bool
}

// NewLimiter allows max failures per key within window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{max: max, window: window, fails: map[string][]attempt{}}
}

// Blocked reports whether key is locked out at now, and for how long.
func (l *Limiter) Blocked(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.prune(key, now)
	if len(f) < l.max {
		return false, 0
	}
	return true, f[0].at.Add(l.window).Sub(now)
}

// Fail records a failure for key.
func (l *Limiter) Fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.record(key, l.prune(key, now), attempt{at: now})
}

// record appends a to key's pruned attempts f.
func (l *Limiter) record(key string, f []attempt, a attempt) {
	l.fails[key] = append(f, a)
	if len(l.fails) > 100000 { // bound memory under a spray of keys
		for k := range l.fails {
			if len(l.prune(k, a.at)) == 0 {
				delete(l.fails, k)
			}
		}
	}
}

// Take counts an attempt for key at now, unless key is locked out already;
// then it reports how long the lockout lasts. Counting an attempt before it is
// evaluated, not once it has failed, keeps parallel attempts within max: each
// takes its place in the window first. The attempt stays pending until it
// is settled: Failed keeps its place, Refund gives it back, Succeeded gives
// it back and forgets the failures before it.
func (l *Limiter) Take(key string, now time.Time) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.prune(key, now)
	if len(f) >= l.max {
		return false, f[0].at.Add(l.window).Sub(now)
	}
	l.record(key, f, attempt{at: now, pending: true})
	return true, 0
}

// Failed settles the attempt Take counted for key at at as a failure.
func (l *Limiter) Failed(key string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := l.find(key, at); i >= 0 {
		l.fails[key][i].pending = false
	}
}

// Refund forgets the attempt Take counted for key at at.
func (l *Limiter) Refund(key string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := l.find(key, at); i >= 0 {
		f := l.fails[key]
		l.store(key, append(f[:i:i], f[i+1:]...))
	}
}

// Succeeded forgets the attempt Take counted for key at at, and the failures
// counted before it (none later): the owner has shown the secret, so its own
// typos no longer count. Attempts still pending keep their places, as do
// those counted after this one, so guesses sent alongside a real sign-in
// are not let off.
func (l *Limiter) Succeeded(key string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := l.find(key, at)
	if i < 0 {
		return
	}
	var kept []attempt
	for j, a := range l.fails[key] {
		if j != i && (a.pending || a.at.After(at)) {
			kept = append(kept, a)
		}
	}
	l.store(key, kept)
}

// find returns the index of the pending attempt counted for key at at, or
// -1. Attempts counted at the same instant are alike, so any one will do.
func (l *Limiter) find(key string, at time.Time) int {
	f := l.fails[key]
	for i := len(f) - 1; i >= 0; i-- {
		if f[i].pending && f[i].at.Equal(at) {
			return i
		}
	}
	return -1
}

// store sets key's attempts to f, dropping the key when f is empty.
func (l *Limiter) store(key string, f []attempt) {
	if len(f) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = f
	}
}

func (l *Limiter) prune(key string, now time.Time) []attempt {
	f := l.fails[key]
	i := 0
	for i < len(f) && now.Sub(f[i].at) >= l.window {
		i++
	}
	f = f[i:]
	l.store(key, f)
	return f
}
