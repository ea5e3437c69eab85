package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivateAddress is what the guard answers for an address it refuses.
var ErrPrivateAddress = errors.New("webhooks: refused a private, loopback or reserved address")

// special are the ranges a webhook may never reach besides what netip
// classifies: CGNAT, benchmarking, documentation, reserved, NAT64 and
// 6to4/Teredo wrappers of any address.
var special = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001::/23"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("fc00::/7"),
}

// PublicAddr reports whether a webhook may connect to addr: not loopback,
// private, link-local, CGNAT, multicast, unspecified, reserved, nor one
// of those inside an IPv4-mapped or -compatible IPv6 address.
func PublicAddr(addr netip.Addr) bool {
	addr = addr.WithZone("")
	if addr.Is4In6() {
		addr = addr.Unmap()
	}
	if addr.Is6() && addr.As16()[0] == 0 && [12]byte(addr.AsSlice()[:12]) == [12]byte{} {
		// ::a.b.c.d (deprecated IPv4-compatible) and :: itself
		return false
	}
	if !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() ||
		addr.IsLinkLocalMulticast() || addr.IsInterfaceLocalMulticast() || addr.IsMulticast() ||
		addr.IsUnspecified() || addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return false
	}
	for _, p := range special {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// Control is a net.Dialer's Control that refuses a connection to an
// address PublicAddr refuses: it runs after the name was resolved, on the
// address actually connected to, so a name that resolves (or re-resolves)
// to 127.0.0.1 is refused too.
func Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, address)
	}
	if !PublicAddr(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrPrivateAddress, ap.Addr())
	}
	return nil
}

// Dialer is the dialer of deliveries: with allowPrivate false it refuses
// private addresses (Control); resolver, when set, looks names up (a test's
// DNS server).
func Dialer(allowPrivate bool, resolver *net.Resolver) *net.Dialer {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Resolver: resolver}
	if !allowPrivate {
		d.Control = Control
	}
	return d
}

// DialContext is a dial function for an http.Transport.
type DialContext = func(ctx context.Context, network, addr string) (net.Conn, error)
