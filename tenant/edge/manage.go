package edge

import (
	"context"
	"fmt"
	"maps"
	"strings"
)

// Manage obtains, or loads from storage, the certificates of names now,
// rather than on demand, and has them renewed in the background before
// they expire. With no names it manages the platform's own: *.BaseDomain
// and BaseDomain when a DNSProvider is set (through DNS-01), nothing
// otherwise. Names may be wildcards ("*.example.com"); those need a
// DNSProvider.
//
// Handshakes for names Manage covers (the names, and one label below a
// wildcard) are served only from these certificates, from the moment Manage
// is called: Allow is not asked and nothing is obtained on demand for them.
// Call it before the HTTPS listener accepts. On a database that already
// holds the certificates it costs a few storage reads; the first issuance
// of a wildcard waits for DNS propagation, a minute or more.
//
// It returns the first error, and then keeps trying in the background (with
// certmagic's backoff, up to 30 days) until Stop: the caller decides whether
// to start without those names or to exit.
func (e *Edge) Manage(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		names = e.platformNames()
	}
	if len(names) == 0 {
		return nil
	}
	normal := make([]string, len(names))
	for i, n := range names {
		normal[i] = normalizeSNI(n)
		if !isName(strings.TrimPrefix(normal[i], "*.")) {
			return fmt.Errorf("edge: manage %q: not a DNS name", n)
		}
		if strings.HasPrefix(normal[i], "*.") && e.cfg.DNSProvider == nil {
			return fmt.Errorf("edge: manage %q: a wildcard needs a DNSProvider (DNS-01)", n)
		}
	}
	e.addManaged(normal)
	err := e.upFront.ManageSync(ctx, normal)
	if err == nil {
		return nil
	}
	if retryErr := e.upFront.ManageAsync(e.ctx, normal); retryErr != nil {
		e.log.Error("edge: cannot retry managing certificates", "names", normal, "err", retryErr)
	}
	return fmt.Errorf("edge: manage %v (retrying in the background): %w", normal, err)
}

// platformNames are the names Manage covers by default.
func (e *Edge) platformNames() []string {
	if e.cfg.DNSProvider == nil {
		return nil
	}
	return []string{"*." + e.cfg.BaseDomain, e.cfg.BaseDomain}
}

// addManaged adds names to the set read by every handshake, replacing it.
func (e *Edge) addManaged(names []string) {
	for {
		old := e.managed.Load()
		next := maps.Clone(*old)
		for _, n := range names {
			next[n] = true
		}
		if e.managed.CompareAndSwap(old, &next) {
			return
		}
	}
}
