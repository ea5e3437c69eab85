package tenant

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

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

// HostRef remembers a host's event as the resolver last found it, for the
// requests with that host: a request's middleware keeps one per Host header
// it has seen. While no cached event changed or was let go since (the
// Memo's seen count) and the event is fresh by age, the next ResolveRef
// answers from the HostRef alone: it reads neither the cache's lookup nor
// its entry, each memory that no other request brought near the processor
// when thousands of events are viewed at random. Otherwise it goes to the
// entry (a Ref) and, failing that, resolves the host again.
//
// It keeps its event in memory until the next ResolveRef after the event
// was let go, as the host that holds it keeps the event's context; the
// middleware bounds how many hosts it keeps (hostBound). It is safe for
// concurrent use; the zero HostRef refers to nothing.
type HostRef struct {
	seq  atomic.Uint64 // odd while a request writes what follows
	t    atomic.Pointer[Tenant]
	seen atomic.Uint64 // Seen.count when t was found fresh
	exp  atomic.Int64  // Seen.expires
	ref  Ref[string, *Tenant]
}

// fresh returns the event h holds when it still holds for m at now, else
// nil.
func (h *HostRef) fresh(m *Memo[string, *Tenant], now time.Time) *Tenant {
	s := h.seq.Load()
	if s&1 != 0 {
		return nil // being written
	}
	t := h.t.Load()
	if t == nil || !m.holds(Seen{count: h.seen.Load(), expires: h.exp.Load()}, now) || h.seq.Load() != s {
		return nil
	}
	return t
}

// keep has h hold t, found fresh as s; a request that finds another one
// writing h leaves it to that one.
func (h *HostRef) keep(t *Tenant, s Seen) {
	n := h.seq.Load()
	if n&1 != 0 || !h.seq.CompareAndSwap(n, n+1) {
		return
	}
	h.t.Store(t)
	h.seen.Store(s.count)
	h.exp.Store(s.expires)
	h.seq.Store(n + 2)
}

// ResolveRef is Resolve for a host whose resolution ref remembers: while
// it holds (HostRef) it answers from there, then from where the event is
// cached while that is fresh, without looking the host up; otherwise it is
// resolved as by Resolve and ref remembers the result. A nil ref is
// Resolve.
func (r *Resolver) ResolveRef(ctx context.Context, host string, ref *HostRef) (*Tenant, error) {
	if ref == nil {
		return r.Resolve(ctx, host)
	}
	if t := ref.fresh(r.memo, r.memo.now()); t != nil {
		r.memo.stats.hits.Add(1)
		return t, nil
	}
	if t, s, ok := r.memo.againSeen(ref.ref.e.Load()); ok {
		ref.keep(t, s)
		return t, nil
	}
	t, err := r.Resolve(ctx, host)
	if err == nil {
		if cached, s, ok := r.memo.rememberSeen(&ref.ref, host); ok && cached == t {
			ref.keep(t, s)
		}
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
