package httpapi

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"
)

// UnixPeer is the client address recorded for a request that came over a
// unix socket without an X-Forwarded-For header: such a peer has no IP.
const UnixPeer = "unix"

// ParseProxies reads a comma-separated list of IP addresses and CIDR ranges
// ("10.0.0.0/8, 192.0.2.7") into prefixes. An empty list is valid.
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR range", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// ClientIP returns how the service learns a request's client address, which
// the audit trail, the login throttle and share-link download logs record.
//
// The connection's peer is the client unless it is a trusted proxy: one
// within trusted, or, when the service listens on a unix socket (unix),
// every peer: only processes the socket file's permissions admit can
// connect, i.e. the reverse proxy in front.
// From a trusted proxy, X-Forwarded-For is read from the right, past every
// trusted hop, to the first address no trusted proxy vouches for: what a
// client writes into the header itself stays to the left of it and is never
// taken. With no trusted proxies and TCP only, the header is ignored.
func ClientIP(trusted []netip.Prefix, unix bool) echo.IPExtractor {
	isTrusted := func(a netip.Addr) bool {
		a = a.Unmap()
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(req *http.Request) string {
		peer := peerAddr(req.RemoteAddr)
		if !unix && !(peer.IsValid() && isTrusted(peer)) {
			return peerString(peer, req.RemoteAddr)
		}
		// Several headers are one list, in order (RFC 9110 §5.3).
		hops := strings.Split(strings.Join(req.Header.Values("X-Forwarded-For"), ","), ",")
		client, found := "", false
		for i := len(hops) - 1; i >= 0; i-- {
			h := strings.TrimSpace(hops[i])
			if h == "" {
				continue
			}
			a, err := netip.ParseAddr(h)
			if err != nil {
				// A hop we cannot read: what is left of it cannot be
				// trusted either. The proxy that wrote it is the client.
				break
			}
			client, found = a.Unmap().String(), true
			if !isTrusted(a) {
				return client
			}
		}
		if found {
			return client // every hop was a trusted proxy: the first one
		}
		return peerString(peer, req.RemoteAddr)
	}
}

// peerAddr parses a request's RemoteAddr ("ip:port"); a unix socket's
// peer gives no address (the zero Addr).
func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// peerString is the peer's address as recorded: the IP without its port,
// or for a unix socket UnixPeer.
func peerString(a netip.Addr, remote string) string {
	switch {
	case a.IsValid():
		return a.String()
	case remote == "@" || remote == "":
		return UnixPeer
	}
	return remote
}
