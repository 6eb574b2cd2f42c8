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
	fails  map[string][]time.Time
}

// NewLimiter allows max failures per key within window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{max: max, window: window, fails: map[string][]time.Time{}}
}

// Blocked reports whether key is locked out at now, and for how long.
func (l *Limiter) Blocked(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.prune(key, now)
	if len(f) < l.max {
		return false, 0
	}
	return true, f[0].Add(l.window).Sub(now)
}

// Fail records a failure for key.
func (l *Limiter) Fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.record(key, l.prune(key, now), now)
}

// record appends now to key's pruned failures f.
func (l *Limiter) record(key string, f []time.Time, now time.Time) {
	l.fails[key] = append(f, now)
	if len(l.fails) > 100000 { // bound memory under a spray of keys
		for k := range l.fails {
			if len(l.prune(k, now)) == 0 {
				delete(l.fails, k)
			}
		}
	}
}

// Take counts an attempt for key at now, unless key is locked out already;
// then it reports how long the lockout lasts. Counting an attempt before it is
// evaluated, not once it has failed, keeps parallel attempts within max: each
// takes its place in the window first. Refund gives the place of an attempt
// that succeeded back.
func (l *Limiter) Take(key string, now time.Time) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.prune(key, now)
	if len(f) >= l.max {
		return false, f[0].Add(l.window).Sub(now)
	}
	l.record(key, f, now)
	return true, 0
}

// Refund forgets the attempt Take counted for key at at.
func (l *Limiter) Refund(key string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.fails[key]
	for i := len(f) - 1; i >= 0; i-- {
		if f[i].Equal(at) {
			f = append(f[:i:i], f[i+1:]...)
			break
		}
	}
	if len(f) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = f
	}
}

// Reset forgets key's failures (after a success).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

func (l *Limiter) prune(key string, now time.Time) []time.Time {
	f := l.fails[key]
	i := 0
	for i < len(f) && now.Sub(f[i]) >= l.window {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = f
	}
	return f
}
