package testenv

import (
	"io"
	"net"
	"sync"
	"testing"
)

// CutProxy forwards TCP connections to a target until Cut, which closes the
// listener and every connection: a dependency (the test's MinIO or
// PostgreSQL) going away as far as its client can tell, without stopping the
// server other tests share.
type CutProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

// NewCutProxy listens on a free loopback port and forwards to target
// ("host:port"); it is cut when the test ends.
func NewCutProxy(tb testing.TB, target string) *CutProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &CutProxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(u, c); u.Close() }()
			go func() { _, _ = io.Copy(c, u); c.Close() }()
		}
	}()
	tb.Cleanup(p.Cut)
	return p
}

// Addr is the proxy's "host:port".
func (p *CutProxy) Addr() string { return p.ln.Addr().String() }

// Cut closes the listener and every forwarded connection.
func (p *CutProxy) Cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
