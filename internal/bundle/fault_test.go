package bundle_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/dossier/dossier/internal/blob"
	"github.com/dossier/dossier/internal/blob/s3"
	"github.com/dossier/dossier/internal/dossier"
	"github.com/dossier/dossier/internal/testenv"
)

// gate is an HTTP proxy in front of the test's MinIO that answers the
// requests refuse selects with an S3 error (refuse sees every object
// request, in order, and may count them): the store failing midway through
// an operation, which testenv.FaultProxy (all or nothing) cannot time.
type gate struct {
	mu     sync.Mutex
	refuse func(r *http.Request) bool // nil: pass everything
	status int
	code   string
	hits   int
}

func newGate(t *testing.T, target string) (*gate, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target})
	g := &gate{}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		no := g.refuse != nil && g.refuse(r)
		status, code := g.status, g.code
		if no {
			g.hits++
		}
		g.mu.Unlock()
		if !no {
			rp.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("Connection", "close")
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code>`+
				`<Message>injected by the test</Message><Resource>%s</Resource><RequestId>fault</RequestId></Error>`, code, r.URL.Path)
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return g, ln.Addr().String()
}

func (g *gate) set(status int, code string, refuse func(r *http.Request) bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.status, g.code, g.refuse, g.hits = status, code, refuse, 0
}

func (g *gate) refused() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.hits
}

// objectGETsAfter refuses every GET of an object after the first n.
func objectGETsAfter(n int) func(r *http.Request) bool {
	seen := 0
	return func(r *http.Request) bool {
		if r.Method != http.MethodGet || strings.Count(strings.Trim(r.URL.Path, "/"), "/") == 0 {
			return false
		}
		seen++
		return seen > n
	}
}

func gatedStore(t *testing.T) (*gate, blob.Store) {
	t.Helper()
	srv := testenv.MinIO(t)
	g, addr := newGate(t, srv.Endpoint)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	s, err := s3.New(context.Background(), s3.Config{Endpoint: addr, Bucket: "bfault-" + hex.EncodeToString(b),
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	return g, s
}

// Creating a bundle while the blob store fails is the dependency down
// (503), at every step: the integrity check of the exhibits, their
// conversion to pages (the store failing after the check passed), and the
// storing of the rendered PDFs. No bundle is recorded, and none is made
// with a photo or a text replaced by an "unreadable" description page
// because the store failed while its bytes were read. Before, the first
// and last were internal errors (500), and a photo or text exhibit whose
// read failed went into the bundle as "unreadable".
func TestCreateStoreFails(t *testing.T) {
	ctx := context.Background()
	g, bs := gatedStore(t)
	f := newFixture(t, "", bs)
	photo := f.add(t, "photo", "送货单照片", "delivery.png", "image/png", pngBytes(t), nil)
	text := f.add(t, "statement", "对账单", "statement.txt", "text/plain",
		[]byte("对账单\n截至2026年6月30日，乙方尚欠货款人民币386,500.00元。"), nil)
	one := func(e *dossier.Evidence) *dossier.BundleRequest {
		return &dossier.BundleRequest{Title: "证据", Items: []dossier.BundleRequestItem{{EvidenceID: e.ID, Purpose: "证明送货"}}}
	}
	all := func(*http.Request) bool { return true }
	puts := func(r *http.Request) bool { return r.Method == http.MethodPut }
	for _, tt := range []struct {
		name   string
		status int
		code   string
		refuse func(*http.Request) bool
		req    *dossier.BundleRequest
	}{
		{"down", 503, "SlowDown", all, f.request("全部")},
		{"photo read fails after its check", 503, "SlowDown", objectGETsAfter(1), one(photo)},
		{"text read fails after its check", 503, "SlowDown", objectGETsAfter(1), one(text)},
		{"full", 507, "XMinioStorageFull", puts, f.request("全部")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g.set(tt.status, tt.code, tt.refuse)
			b, err := f.svc.Create(ctx, admin, f.c.ID, tt.req)
			refused := g.refused()
			g.set(0, "", nil)
			if refused == 0 {
				t.Fatal("no request was refused: the case tests nothing")
			}
			if dossier.ErrorCode(err) != dossier.EUNAVAILABLE {
				t.Errorf("create: %v (code %q), want %s", err, dossier.ErrorCode(err), dossier.EUNAVAILABLE)
			}
			if b != nil {
				for _, it := range b.Items {
					if !it.Merged {
						t.Errorf("exhibit %q made a description page instead of its pages", it.Title)
					}
				}
			}
			if bs, err := f.store.Bundles(ctx, f.c.ID); err != nil || len(bs) != 0 {
				t.Errorf("%d bundles recorded (%v), want none", len(bs), err)
			}
		})
	}
	b, err := f.svc.Create(ctx, admin, f.c.ID, one(photo))
	if err != nil || !b.Items[0].Merged {
		t.Fatalf("create once the store works: %+v, %v", b, err)
	}
}
