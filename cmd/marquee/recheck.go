package main

import (
	"context"
	"time"
)

// domainRecheckEvery is how old a custom domain's last check may get
// before the platform looks at its DNS again; a domain that stopped
// pointing at the platform is flagged within about this long.
const domainRecheckEvery = 6 * time.Hour

// recheckDomains re-checks verified custom domains until ctx ends: every
// ten minutes it takes up to 100 domains not checked for
// domainRecheckEvery. Replicas may overlap on a domain now and then; the
// check is idempotent, so that costs a DNS query, nothing else.
func (p *platform) recheckDomains(ctx context.Context) {
	tick := time.NewTicker(10 * time.Minute)
	defer tick.Stop()
	for {
		// The first round waits a tick too: a replica that restarts often
		// must not turn each start into a burst of DNS queries.
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n, err := p.provision.Recheck(ctx, time.Now(), domainRecheckEvery, 100)
		if err != nil && ctx.Err() == nil {
			p.log.Warn("domain recheck", "err", err)
		} else if n > 0 {
			p.log.Info("domain recheck", "checked", n)
		}
	}
}
