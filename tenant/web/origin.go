package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// RequestOrigin is the scheme and host the client reached the server by
// ("https://shop.devcon.org"): RequestHost, with the first
// X-Forwarded-Proto when the request comes from a trusted proxy (which
// may end TLS itself), else the connection's own scheme.
//
// A request Resolve routed by its Host header, not through a trusted proxy,
// takes the origin kept with its host: nothing is built per request.
// (Fiber's c.Protocol would believe X-Forwarded-Proto and its kin from
// anyone when its trusted proxy check is off; serve turns it on, with
// these proxies, so the two agree.)
func RequestOrigin(c *fiber.Ctx, proxies Proxies) string {
	if h, _ := c.Locals(localsHostKey).(*normalHost); h != nil && h.origins[0] != "" && !fromTrustedProxy(c, proxies) {
		if c.Context().IsTLS() {
			return h.origins[1]
		}
		return h.origins[0]
	}
	scheme := c.Protocol()
	if fwd := c.Request().Header.Peek(fiber.HeaderXForwardedProto); len(fwd) > 0 && len(proxies) > 0 {
		if addr, ok := netip.AddrFromSlice(c.Context().RemoteIP()); ok && proxies.Trusts(addr) {
			if s := strings.ToLower(strings.TrimSpace(firstValue(string(fwd)))); s == "http" || s == "https" {
				scheme = s
			}
		}
	}
	return scheme + "://" + RequestHost(c, proxies)
}

// fromTrustedProxy reports whether the request's peer is a trusted proxy.
func fromTrustedProxy(c *fiber.Ctx, proxies Proxies) bool {
	if len(proxies) == 0 {
		return false
	}
	addr, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	return ok && proxies.Trusts(addr)
}
