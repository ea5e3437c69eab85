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
func RequestOrigin(c *fiber.Ctx, proxies Proxies) string {
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
