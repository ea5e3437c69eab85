// Package web is the Fiber side of tenant: the middleware that turns a
// request's Host into its event, and the web shell the storefront and the
// console share (the request's edge checks, posted forms and their
// tokens, sending a rendered page).
package web

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/gofiber/fiber/v2"

	"marquee/tenant"
)

// Proxies are the addresses (TRUSTED_PROXIES) whose X-Forwarded-Host and
// X-Forwarded-For are believed (RequestHost, ClientAddr). Anyone else could
// name any event, or any client address, in those headers, so by default
// nobody is trusted.
type Proxies []netip.Prefix

// Strings lists the proxies as CIDRs, as fiber.Config's TrustedProxies
// takes them.
func (p Proxies) Strings() []string {
	out := make([]string, len(p))
	for i, prefix := range p {
		out[i] = prefix.String()
	}
	return out
}

// Trusts reports whether a request from addr came through a trusted proxy.
func (p Proxies) Trusts(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, prefix := range p {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}

// RequestHost is the host the client asked for: the Host header, or the
// first X-Forwarded-Host when the request comes from a trusted proxy.
func RequestHost(c *fiber.Ctx, proxies Proxies) string {
	if fwd, ok := forwardedHost(c, proxies); ok {
		return fwd
	}
	return string(c.Request().Host())
}

// forwardedHost is the first X-Forwarded-Host of a request from a trusted
// proxy; false when the Host header is the request's host.
func forwardedHost(c *fiber.Ctx, proxies Proxies) (string, bool) {
	if fwd := c.Request().Header.Peek(fiber.HeaderXForwardedHost); len(fwd) > 0 && len(proxies) > 0 {
		if addr, ok := netip.AddrFromSlice(c.Context().RemoteIP()); ok && proxies.Trusts(addr) {
			return strings.TrimSpace(firstValue(string(fwd))), true
		}
	}
	return "", false
}

func firstValue(header string) string {
	first, _, _ := strings.Cut(header, ",")
	return first
}

const (
	localsKey     = "marquee.tenant"
	localsHostKey = "marquee.host"
)

// Resolve is the middleware that finds the request's event: a malformed
// Host is a 400, a host that is no event a 404 (both rendered by the error
// handler without any event's branding). The event goes on the request's
// context for everything below.
//
// A Host header that named an event is remembered with its normalised form
// by its exact bytes (hostCache), so that the next request with the same
// header skips normalising it (and allocates nothing for it); the event
// itself is still the resolver's to find (from where the resolver cached it,
// as long as it is cached and fresh), so a change to it is seen at once.
func Resolve(r *tenant.Resolver, proxies Proxies) fiber.Handler {
	hosts := newHostCache(hostBound(r.CacheBound()))
	return func(c *fiber.Ctx) error {
		raw, forwarded := forwardedHost(c, proxies)
		var host *normalHost
		if !forwarded {
			host = hosts.get(c.Request().Host())
		}
		fresh := host == nil
		if fresh {
			if forwarded {
				host = &normalHost{}
			} else {
				host, raw = newNormalHost(c.Request().Host())
			}
			h, err := tenant.NormalizeHost(raw)
			if err != nil {
				return err
			}
			if h == raw {
				h = raw // the same bytes as the hostCache's key, which every lookup reads
			}
			host.name = h
			if !forwarded {
				host.origins = [2]string{"http://" + raw, "https://" + raw}
			}
		}
		base := c.UserContext()
		ref := &host.ref
		if forwarded {
			ref = nil // a host of one request: nothing to remember
		}
		t, err := r.ResolveRef(base, host.name, ref)
		if err != nil {
			return err
		}
		if fresh && !forwarded {
			host.cached = true
			if base == context.Background() {
				// The host's context, in the host's own allocation: the
				// next views read it beside the host, not from elsewhere.
				host.first = *tenant.NewContext(base, t)
				host.first.SlugFrom(host.name)
				host.ctx.Store(&host.first)
			}
			hosts.put(raw, host)
		}
		c.Locals(localsKey, t)
		c.Locals(localsHostKey, host)
		c.SetUserContext(host.context(base, t))
		return c.Next()
	}
}

// context is base carrying t. The context of a request that comes with no
// context of its own (every request: nothing before Resolve sets one) is
// kept with the host, for as long as the host resolves to the same
// *tenant.Tenant (the resolver's cached one), so that a page view does not
// make one.
func (h *normalHost) context(base context.Context, t *tenant.Tenant) context.Context {
	if base != context.Background() {
		return tenant.NewContext(base, t)
	}
	if kept := h.ctx.Load(); kept != nil && kept.Tenant() == t {
		return kept
	}
	kept := tenant.NewContext(base, t)
	kept.SlugFrom(h.name) // the request log writes the slug from the bytes the host's lookup read
	h.ctx.Store(kept)
	return kept
}

// maxCachedHosts bounds a Resolve's hostCache: past it the cache starts
// over. Only hosts that named an event enter it, so it holds about one entry
// per event visited (a few more for spellings with a port or in capitals).
const maxCachedHosts = 1 << 16

// hostBound is how many hosts a Resolve's hostCache holds: no more than
// the resolver caches (resolverBound, 0 for no bound), since a remembered
// host keeps its event's context and cache entry in memory after the
// resolver let them go, and no more than maxCachedHosts.
func hostBound(resolverBound int) int {
	if resolverBound > 0 && resolverBound < maxCachedHosts {
		return resolverBound
	}
	return maxCachedHosts
}

// normalHost is a normalised host; a pointer to it goes into the request's
// Locals without allocating. A host read from the Host header (not
// forwarded) also keeps the origins it makes with either scheme (for
// RequestOrigin), the context of its event (Resolve's), and where the
// resolver caches its event (ref), so that the next request for it skips
// the resolver's lookup.
type normalHost struct {
	// What a page view reads, in the order it reads it: first, in the
	// lines that follow the Host header's bytes (namedHost).
	name    string
	ref     tenant.HostRef
	ctx     atomic.Pointer[tenant.Context]
	kept    atomic.Value   // KeepWithHost's: one handler's, always of one type
	origins [2]string      // "http://" and "https://" with the Host header's bytes; "" when forwarded
	cached  bool           // in the hostCache: kept goes to the next request
	first   tenant.Context // the first context ctx holds, allocated with the host
}

// maxInlineHost is the longest Host header whose bytes a normalHost keeps
// in its own allocation (namedHost): longer than any event's subdomain
// with a port, and than most custom domains.
const maxInlineHost = 48

// namedHost is a normalHost with the bytes of its Host header before it,
// in one allocation: the hostCache's lookup compares those bytes (its key
// is a string over them) and then reads the host, and with thousands of
// hosts viewed at random each is memory no other request brought near the
// processor: one place to fetch instead of two. The bytes are written
// once, before the string over them exists, and never again.
type namedHost struct {
	raw [maxInlineHost]byte
	normalHost
}

// newNormalHost returns a new host for the Host header b and a string of
// b's bytes, in the host's allocation when they fit.
func newNormalHost(b []byte) (*normalHost, string) {
	if len(b) == 0 || len(b) > maxInlineHost {
		return &normalHost{}, string(b)
	}
	n := &namedHost{}
	copy(n.raw[:], b)
	return &n.normalHost, unsafe.String(&n.raw[0], len(b))
}

// hostCache maps the exact bytes of Host headers that named an event to
// their normalised form. Normalising is a pure function of those bytes, so
// an entry never goes stale.
type hostCache struct {
	mu      sync.RWMutex
	entries map[string]*normalHost
	max     int
}

func newHostCache(max int) *hostCache {
	return &hostCache{entries: make(map[string]*normalHost), max: max}
}

func (h *hostCache) get(raw []byte) *normalHost {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.entries[string(raw)] // no allocation: a map index by converted bytes
}

func (h *hostCache) put(raw string, host *normalHost) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.entries) >= h.max {
		clear(h.entries)
	}
	h.entries[raw] = host
}

// ForHost hands the requests for host name (the client's view, through
// trusted proxies) to app, an app of its own such as the console's; every
// other host goes on to the next handler.
func ForHost(name string, proxies Proxies, app *fiber.App) fiber.Handler {
	handle := app.Handler()
	return func(c *fiber.Ctx) error {
		if isHost(c, proxies, name) {
			handle(c.Context())
			return nil
		}
		return c.Next()
	}
}

// isHost reports whether the request's host (the client's view) is the
// normalised host name. A Host header in plain normalised form already
// (lowercase LDH labels that are no IDNA A-label, no port, no final dot:
// every page view of an event) is compared as it is: NormalizeHost leaves
// such a name as it is, makes it an IP literal (never a name) or refuses it
// (FuzzPlainHostIsNormal). Anything else is normalised first.
func isHost(c *fiber.Ctx, proxies Proxies, name string) bool {
	raw, forwarded := forwardedHost(c, proxies)
	if !forwarded {
		b := c.Request().Host()
		if plainHost(b) {
			return string(b) == name
		}
		raw = string(b)
	}
	host, err := tenant.NormalizeHost(raw)
	return err == nil && host == name
}

// plainHost reports whether b is dot-separated labels of lowercase letters,
// digits and hyphens, none empty, none starting or ending with a hyphen and
// none with hyphens in its third and fourth place ("xn--", which IDNA
// decodes).
func plainHost(b []byte) bool {
	start := 0
	for i := 0; i <= len(b); i++ {
		if i < len(b) && b[i] != '.' {
			if c := b[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
			continue
		}
		label := b[start:i]
		n := len(label)
		if n == 0 || label[0] == '-' || label[n-1] == '-' || (n >= 4 && label[2] == '-' && label[3] == '-') {
			return false
		}
		start = i + 1
	}
	return true
}

// FromCtx returns the event Resolve found for this request, or nil. Request
// logging uses it; handlers use tenant.FromContext(c.UserContext()).
func FromCtx(c *fiber.Ctx) *tenant.Tenant {
	t, _ := c.Locals(localsKey).(*tenant.Tenant)
	return t
}

// HostFromCtx returns the normalised host Resolve routed this request by
// (the client's view, through trusted proxies), or "".
func HostFromCtx(c *fiber.Ctx) string {
	if h, _ := c.Locals(localsHostKey).(*normalHost); h != nil {
		return h.name
	}
	return ""
}

// KeptWithHost returns what KeepWithHost kept with the exact Host header of
// this request, or nil. A host's keepsake lives as long as Resolve
// remembers the host (its hostCache, bounded as the resolver's cache is),
// or until dropped, and is the caller's to check: it is kept whatever the
// event became since.
func KeptWithHost(c *fiber.Ctx) any {
	if h, _ := c.Locals(localsHostKey).(*normalHost); h != nil {
		return h.kept.Load()
	}
	return nil
}

// KeepWithHost keeps v with the exact Host header of this request, for the
// next requests that come with the same header (KeptWithHost), in place of
// what was kept before. One handler uses it (the storefront's landing page).
// It returns drop, which lets go of v again unless something else was kept
// since (quick, and safe to call under any lock), or nil when it kept
// nothing: for a host Resolve does not remember (a forwarded one).
func KeepWithHost[T any](c *fiber.Ctx, v *T) (drop func()) {
	h, _ := c.Locals(localsHostKey).(*normalHost)
	if h == nil || !h.cached {
		return nil
	}
	h.kept.Store(v)
	return func() { h.kept.CompareAndSwap(v, (*T)(nil)) }
}
