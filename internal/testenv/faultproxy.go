package testenv

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dossier/dossier/internal/blob/s3"
)

// FaultProxy passes HTTP requests to the test's MinIO until Fail arms it;
// then it answers the requests it matches with an S3 error, as a service
// that is overloaded (503 SlowDown) or full (507 XMinioStorageFull) does.
// FailNth refuses one request only, the nth of those a test picks (the
// second of two versions' locks, say), to fail an operation partway.
// The real MinIO cannot be made to answer those on demand. The Host header
// is passed unchanged, so request signatures made for the proxy's address
// still verify.
type FaultProxy struct {
	srv     *http.Server
	ln      net.Listener
	mu      sync.Mutex
	method  string // "" matches every method
	status  int    // 0: not armed
	code    string
	refused atomic.Int64
	// nthMatch, when set, picks the requests FailNth counts; the one that
	// makes nthSeen reach nth is refused.
	nthMatch func(*http.Request) bool
	nth      int64
	nthSeen  int64
}

// NewFaultProxy listens on a free loopback port and forwards to target
// ("host:port"); it is closed when the test ends.
func NewFaultProxy(tb testing.TB, target string) *FaultProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target})
	rp.FlushInterval = -1
	p := &FaultProxy{ln: ln}
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		status, code := p.status, p.code
		match := status != 0 && (p.method == "" || p.method == r.Method)
		if !match && p.nthMatch != nil && p.nthMatch(r) {
			p.nthSeen++
			if p.nthSeen == p.nth {
				match, status, code = true, http.StatusServiceUnavailable, "SlowDown"
			}
		}
		p.mu.Unlock()
		if !match {
			rp.ServeHTTP(w, r)
			return
		}
		p.refused.Add(1)
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("Connection", "close") // the request body is not read
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+
				`<Error><Code>%s</Code><Message>injected by the test</Message><Resource>%s</Resource>`+
				`<RequestId>fault</RequestId></Error>`, code, r.URL.Path)
		}
	})}
	go func() { _ = p.srv.Serve(ln) }()
	tb.Cleanup(func() { _ = p.srv.Close() })
	return p
}

// Addr is the proxy's "host:port".
func (p *FaultProxy) Addr() string { return p.ln.Addr().String() }

// Fail answers every request with method ("" for all) with status and the
// S3 error code until Heal.
func (p *FaultProxy) Fail(method string, status int, code string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.method, p.status, p.code = method, status, code
}

// FailNth answers the nth request (counted from this call, from 1) that
// match selects with 503 SlowDown, and passes every other on; match is
// called with the proxy's lock held, one request at a time. Fail's rule,
// while armed, comes first. Heal or another FailNth replaces the rule.
func (p *FaultProxy) FailNth(match func(*http.Request) bool, n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nthMatch, p.nth, p.nthSeen = match, n, 0
}

// Heal passes every request on again.
func (p *FaultProxy) Heal() {
	p.Fail("", 0, "")
	p.FailNth(nil, 0)
}

// Refused is how many requests the proxy has answered with an error.
func (p *FaultProxy) Refused() int64 { return p.refused.Load() }

// FaultyS3 is an S3 blob store on a fresh bucket of the test's MinIO, seen
// through a FaultProxy: each request is tried once (no retries to wait
// out), and the proxy's Fail makes the service refuse what the test picks.
func FaultyS3(tb testing.TB, locking bool) (*s3.Store, *FaultProxy) {
	tb.Helper()
	srv := MinIO(tb)
	proxy := NewFaultProxy(tb, srv.Endpoint)
	store, err := s3.New(context.Background(), s3.Config{Endpoint: proxy.Addr(), MaxRetries: 1,
		ObjectLocking: locking, Bucket: "fault-" + randomHex(6), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		tb.Fatal(err)
	}
	return store, proxy
}
