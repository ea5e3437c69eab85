package tenant

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"marquee"
)

// Store finds events for the resolver. Both methods return an error with
// code ENOTFOUND when nothing matches.
type Store interface {
	TenantBySlug(ctx context.Context, slug string) (*Tenant, error)
	// TenantByDomain finds the event a verified custom hostname belongs to.
	TenantByDomain(ctx context.Context, hostname string) (*Tenant, error)
}

// Resolver turns a normalised Host into its event: SLUG.BASE_DOMAIN by
// slug, any other name by verified custom domain. Results are cached until
// the event changes.
type Resolver struct {
	baseDomain string
	store      Store
	memo       *Memo[string, *Tenant]
}

// NewResolver returns a Resolver for event subdomains of baseDomain (already
// normalised, e.g. "example.com" or "localhost").
func NewResolver(baseDomain string, store Store, opts MemoOptions) *Resolver {
	return &Resolver{baseDomain: baseDomain, store: store, memo: NewMemo[string, *Tenant](opts)}
}

// CacheBound is how many hosts the resolver keeps cached at most
// (MemoOptions.MaxEntries; 0 for no bound).
func (r *Resolver) CacheBound() int { return r.memo.maxEntries }

// BaseDomain is the domain whose subdomains are events.
func (r *Resolver) BaseDomain() string { return r.baseDomain }

// ErrUnknownHost is returned for a host that is no event: not found.
var ErrUnknownHost = marquee.New(marquee.ENOTFOUND, "error.unknown_host")

// Resolve returns the event for a normalised host, or ErrUnknownHost. IP
// literals, the base domain itself, reserved and malformed slugs and deeper
// subdomains never reach the store.
//
// A host cached already is answered first: only hosts that passed those
// checks are ever cached, and the checks depend on nothing but the host.
func (r *Resolver) Resolve(ctx context.Context, host string) (*Tenant, error) {
	if t, ok, err := r.memo.Cached(host); ok {
		return t, unknownIfNotFound(err)
	}
	if host == "" || host == r.baseDomain || IsIPHost(host) {
		return nil, ErrUnknownHost
	}
	if label, ok := strings.CutSuffix(host, "."+r.baseDomain); ok {
		return r.resolveSlug(ctx, host, label)
	}
	t, err := r.memo.Get(ctx, host, func(ctx context.Context) (*Tenant, uuid.UUID, error) {
		return owned(r.store.TenantByDomain(ctx, host))
	})
	return t, unknownIfNotFound(err)
}

// HostRef remembers where a host's event is cached (a Ref into the resolver's Memo): a
// request's middleware keeps one per Host header it has seen.
type HostRef = Ref[string, *Tenant]

// ResolveRef is Resolve for a host whose resolution ref remembers: while
// it is cached and fresh it is answered from there, without looking the
// host up; otherwise it is resolved as by Resolve and ref remembers the
// result. A nil ref is Resolve.
func (r *Resolver) ResolveRef(ctx context.Context, host string, ref *HostRef) (*Tenant, error) {
	if ref == nil {
		return r.Resolve(ctx, host)
	}
	if t, ok := r.memo.Again(ref); ok {
		return t, nil
	}
	t, err := r.Resolve(ctx, host)
	if err == nil {
		r.memo.Remember(ref, host)
	}
	return t, err
}

func (r *Resolver) resolveSlug(ctx context.Context, host, label string) (*Tenant, error) {
	if strings.Contains(label, ".") || IsReservedSlug(label) || ValidateSlug(label) != nil {
		return nil, ErrUnknownHost
	}
	t, err := r.memo.Get(ctx, host, func(ctx context.Context) (*Tenant, uuid.UUID, error) {
		return owned(r.store.TenantBySlug(ctx, label))
	})
	return t, unknownIfNotFound(err)
}

// owned is a found event as the resolver caches it: a copy with its
// Attachment beside it in one allocation.
func owned(t *Tenant, err error) (*Tenant, uuid.UUID, error) {
	if err != nil {
		return nil, uuid.Nil, err
	}
	c := &cachedTenant{Tenant: *t}
	c.Tenant.attached = &c.attachment
	return &c.Tenant, t.ID, nil
}

// cachedTenant puts the Attachment first, so that it shares a cache line
// with the Tenant's first fields, which every page view reads.
type cachedTenant struct {
	attachment Attachment
	Tenant
}

func unknownIfNotFound(err error) error {
	if marquee.ErrorCode(err) == marquee.ENOTFOUND {
		return ErrUnknownHost
	}
	return err
}

// Forget marks the cached resolutions of one event stale (it changed): the
// next request resolves it again, or as before while the database is away.
func (r *Resolver) Forget(id uuid.UUID) { r.memo.Forget(id) }

// ForgetAll marks every cached resolution stale.
func (r *Resolver) ForgetAll() { r.memo.ForgetAll() }

// CacheStats is what the resolver's cache of hosts answered so far.
func (r *Resolver) CacheStats() MemoStats { return r.memo.Stats() }
