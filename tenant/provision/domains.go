package provision

import (
	"context"
	"log/slog"
	"time"

	"marquee"
	"marquee/tenant"
	"marquee/tenant/domains"
)

// AddDomain attaches a custom hostname to an event, pending verification,
// and returns the DNS records its staff must create.
func (s *Service) AddDomain(ctx context.Context, slug, hostname string) (tenant.Domain, []domains.Record, error) {
	t, err := s.Get(ctx, slug)
	if err != nil {
		return tenant.Domain{}, nil, err
	}
	host, err := tenant.ValidateCustomHostname(hostname, s.BaseDomain)
	if err != nil {
		return tenant.Domain{}, nil, err
	}
	// An apex (acme.org) cannot have a CNAME: it must point at the
	// platform's addresses, so it can be attached only when they are
	// configured (DOMAIN_IPS). www.acme.org and acme.org are two
	// hostnames; an event may have both.
	if domains.IsApex(host) && len(s.Target.IPs) == 0 {
		return tenant.Domain{}, nil, marquee.Invalid("hostname", "domain.apex_unsupported")
	}
	d, err := s.Store.AddCustomDomain(ctx, t.ID, host)
	if err != nil {
		return d, nil, err
	}
	return d, s.Records(d), nil
}

// Records are the DNS records that prove control of d and point it at the
// platform.
func (s *Service) Records(d tenant.Domain) []domains.Record {
	return domains.Records(d.Hostname, d.Token, s.Target)
}

// Domains lists an event's custom hostnames.
func (s *Service) Domains(ctx context.Context, slug string) ([]tenant.Domain, error) {
	t, err := s.Get(ctx, slug)
	if err != nil {
		return nil, err
	}
	return s.Store.Domains(ctx, t.ID)
}

// VerifyDomain looks the records up now: verified routes the name (and
// lets it get a certificate); failed keeps the reason for staff to read.
// A DNS outage is a failed check like any other, never a verification.
func (s *Service) VerifyDomain(ctx context.Context, slug, hostname string) (tenant.Domain, error) {
	t, err := s.Get(ctx, slug)
	if err != nil {
		return tenant.Domain{}, err
	}
	d, err := s.Store.Domain(ctx, t.ID, hostname)
	if err != nil {
		return d, err
	}
	if s.Verifier == nil {
		return d, marquee.New(marquee.EUNAVAILABLE, "domain.dns_error")
	}
	res := s.Verifier.Verify(ctx, d.Hostname, d.Token, s.Target)
	if res.OK {
		return s.Store.MarkDomainVerified(ctx, t.ID, d.Hostname)
	}
	return s.Store.MarkDomainFailed(ctx, t.ID, d.Hostname, res.Reason)
}

// RemoveDomain detaches a hostname; it stops routing at once.
func (s *Service) RemoveDomain(ctx context.Context, slug, hostname string) error {
	t, err := s.Get(ctx, slug)
	if err != nil {
		return err
	}
	return s.Store.RemoveDomain(ctx, t.ID, hostname)
}

// Recheck looks at up to limit verified domains not checked since
// now-every: one that no longer points at the platform is flagged failed
// with the reason (it keeps routing; see the domains migration), one that
// points again is verified again. It returns how many it checked.
func (s *Service) Recheck(ctx context.Context, now time.Time, every time.Duration, limit int) (int, error) {
	if s.Verifier == nil {
		return 0, nil
	}
	due, err := s.Store.DomainsToRecheck(ctx, now.Add(-every), limit)
	if err != nil {
		return 0, err
	}
	for _, d := range due {
		res := s.Verifier.Points(ctx, d.Hostname, s.Target)
		if res.OK {
			_, err = s.Store.MarkDomainVerified(ctx, d.TenantID, d.Hostname)
		} else {
			_, err = s.Store.MarkDomainFailed(ctx, d.TenantID, d.Hostname, res.Reason)
		}
		if err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

// The platform's re-check of custom domains (KeepDomainsChecked): every
// DomainRecheckTick it takes up to DomainRecheckBatch verified domains
// not checked for DomainRecheckAfter. A domain that stopped pointing at
// the platform is flagged within about DomainRecheckAfter.
const (
	DomainRecheckTick  = 10 * time.Minute
	DomainRecheckAfter = 6 * time.Hour
	DomainRecheckBatch = 100
)

// KeepDomainsChecked re-checks verified custom domains (Recheck) every
// tick until ctx ends, logging what it did. The first round waits a tick
// too: a replica that restarts often must not turn each start into a
// burst of DNS queries. Replicas may overlap on a domain now and then; the
// check is idempotent, so that costs a DNS query, nothing else.
func (s *Service) KeepDomainsChecked(ctx context.Context, log *slog.Logger, tick time.Duration) {
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		n, err := s.Recheck(ctx, time.Now(), DomainRecheckAfter, DomainRecheckBatch)
		if err != nil && ctx.Err() == nil {
			log.Warn("domain recheck", "err", err)
		} else if n > 0 {
			log.Info("domain recheck", "checked", n)
		}
	}
}
