package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/dossier/dossier/internal/httpapi"
)

func TestClientIP(t *testing.T) {
	trusted, err := httpapi.ParseProxies(" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		none   bool // no proxies configured
		unix   bool
		remote string
		xff    []string
		want   string
	}{
		{"no proxy configured: the header is ignored", true, false, "203.0.113.5:4711", []string{"198.51.100.1"}, "203.0.113.5"},
		{"untrusted peer's header ignored", false, false, "203.0.113.5:4711", []string{"10.1.1.1"}, "203.0.113.5"},
		{"trusted peer, no header", false, false, "10.0.0.1:80", nil, "10.0.0.1"},
		{"trusted peer names the client", false, false, "10.0.0.1:80", []string{"198.51.100.1"}, "198.51.100.1"},
		{"single address trusted", false, false, "192.0.2.7:80", []string{"198.51.100.1"}, "198.51.100.1"},
		{"a client's forged hop stays left", false, false, "10.0.0.1:80", []string{"127.0.0.1, 198.51.100.1"}, "198.51.100.1"},
		{"trusted hops are skipped", false, false, "10.0.0.1:80", []string{"198.51.100.1, 10.2.0.9", "10.3.0.1"}, "198.51.100.1"},
		{"all hops trusted: the first", false, false, "10.0.0.1:80", []string{"10.9.9.9, 10.2.0.9"}, "10.9.9.9"},
		{"unreadable hop: the proxy that wrote it", false, false, "10.0.0.1:80", []string{"1.2.3.4, bogus, 10.2.0.9"}, "10.2.0.9"},
		{"unreadable last hop: the peer", false, false, "10.0.0.1:80", []string{"bogus"}, "10.0.0.1"},
		{"IPv6", false, false, "[2001:db8::1]:80", []string{"2001:db8:1::5, 2001:db8::2"}, "2001:db8:1::5"},
		{"IPv4-mapped peer", false, false, "[::ffff:10.0.0.1]:80", []string{"198.51.100.1"}, "198.51.100.1"},
		{"unix socket: the proxy names the client", false, true, "@", []string{"198.51.100.1"}, "198.51.100.1"},
		{"unix socket without a header", false, true, "@", nil, httpapi.UnixPeer},
	} {
		ps := trusted
		if tc.none {
			ps = nil
		}
		req, _ := http.NewRequest("GET", "/", nil)
		req.RemoteAddr = tc.remote
		for _, v := range tc.xff {
			req.Header.Add("X-Forwarded-For", v)
		}
		if got := httpapi.ClientIP(ps, tc.unix)(req); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestParseProxiesRefusesNonsense(t *testing.T) {
	for _, s := range []string{"10.0.0.0/33", "proxy.example.com", "10.0.0.1:80"} {
		if _, err := httpapi.ParseProxies(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if ps, err := httpapi.ParseProxies(""); err != nil || len(ps) != 0 {
		t.Errorf("empty list: %v %v", ps, err)
	}
}
