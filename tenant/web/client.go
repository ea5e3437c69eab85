package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ClientAddr is the address of the client that sent the request: the TCP
// peer, or, when the peer is a trusted proxy, the rightmost address of
// X-Forwarded-For that is not itself a trusted proxy. Each proxy appends
// the address it was connected from, so the hops right of the last
// trusted one were written by trusted proxies and everything left of it by
// the client, who may write anything there. A hop that is no address
// stops the walk at the last trusted hop (the client we know).
//
// Fiber's own c.IP() with a ProxyHeader takes the leftmost address, which
// the client chooses; it is not used.
func ClientAddr(c *fiber.Ctx, proxies Proxies) netip.Addr {
	addr, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	addr = addr.Unmap()
	if !proxies.Trusts(addr) {
		return addr
	}
	hops := forwardedFor(c)
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			return addr
		}
		if !proxies.Trusts(hop) {
			return hop
		}
		addr = hop
	}
	return addr
}

// forwardedFor is every hop of every X-Forwarded-For header, in order (a
// proxy may add a header line of its own rather than extend the last).
func forwardedFor(c *fiber.Ctx) []string {
	var hops []string
	for _, h := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(h), ",")...)
	}
	return hops
}

// parseHop reads one X-Forwarded-For entry: an address, or an address and
// port as some proxies write them ("203.0.113.5:4711", "[2001:db8::1]:443").
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}
