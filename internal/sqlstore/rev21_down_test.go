package sqlstore_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"

	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/sqlstore"
	"github.com/dossier/dossier/internal/testenv"
)

// cutProxy forwards TCP connections to target until cut, which closes the
// listener and every connection: the database seen through it goes down.
type cutProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln}
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
	t.Cleanup(p.cut)
	return p
}

func (p *cutProxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// The metadata store going away under a running service is a dependency
// down (503, EUNAVAILABLE, "metadata store unavailable"), not an internal
// error (500): PostgreSQL whose connection is cut and cannot be reached
// again.
func TestStoreDownIsUnavailable(t *testing.T) {
	ctx := context.Background()
	t.Run("postgres", func(t *testing.T) {
		u, err := url.Parse(testenv.Postgres(t))
		if err != nil {
			t.Fatal(err)
		}
		p := newCutProxy(t, u.Host)
		u.Host = p.ln.Addr().String()
		db, err := sqlstore.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		c := newCase("2026-DN-0001", dossier.NewDate(2026, 1, 1))
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		p.cut()
		for i := 0; i < 2; i++ { // a pooled connection that is cut, then a new one that is refused
			_, err = db.Case(ctx, c.ID)
			if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
				t.Fatalf("read %d with the database gone: %v (code %q), want EUNAVAILABLE", i, err, dossier.ErrorCode(err))
			}
		}
		if err := db.CreateCase(ctx, newCase("2026-DN-0002", dossier.NewDate(2026, 1, 1))); dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
			t.Fatalf("write with the database gone: %v, want EUNAVAILABLE", err)
		}
	})
}
