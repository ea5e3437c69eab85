package edge

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// errNotAName refuses what no certificate could be for: IP addresses,
// single labels, names not in normal form.
var errNotAName = errors.New("edge: not a DNS name the platform could serve")

// decide is certmagic's on-demand decision, asked before a handshake's name
// is loaded from storage or obtained from the CA, and before a renewal.
// Everything it reads is in memory.
func (e *Edge) decide(ctx context.Context, name string) error {
	if !isName(name) {
		return errNotAName
	}
	if err := e.inBackoff(name); err != nil {
		return err
	}
	return e.cfg.Allow(ctx, name)
}

// allowed reports whether the platform serves name, whatever the state of
// its certificate: port 80 redirects it and answers its challenges even
// while this replica backs off, since another may be obtaining it.
func (e *Edge) allowed(ctx context.Context, name string) bool {
	return isName(name) && e.cfg.Allow(ctx, name) == nil
}

// inBackoff refuses a name whose last first issuance failed less than
// FailureBackoff ago on this replica. Renewal failures do not count: the
// certificate in service stays, and refusing here would drop it.
func (e *Edge) inBackoff(name string) error {
	e.mu.Lock()
	f, ok := e.failures[name]
	e.mu.Unlock()
	if !ok || f.renewal {
		return nil
	}
	if wait := time.Until(f.at.Add(e.cfg.FailureBackoff)); wait > 0 {
		return fmt.Errorf("edge: issuance for %s failed %s ago; next attempt in %s: %s",
			name, time.Since(f.at).Round(time.Second), wait.Round(time.Second), f.err)
	}
	return nil
}
