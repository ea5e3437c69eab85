// Package storefront is the attendee's site of an event. This file holds
// the Site: what one event's pages need, kept in memory so that a warm page
// view makes no database query.
package storefront

import (
	"context"
	"maps"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"marquee/branding"
	"marquee/storefront/form"
	"marquee/tenant"
)

// SiteStore reads what an event's pages show, in one go.
type SiteStore interface {
	SiteContent(ctx context.Context, tenantID uuid.UUID) (SiteContent, error)
}

// SiteContent is everything published about an event: its look, its
// catalogue, its shop settings and its order form.
type SiteContent struct {
	Branding  branding.Branding
	Catalogue Catalogue
	Settings  Settings
	Fields    []form.Field
}

// Site is one event as the storefront shows it, plus rendered pages that
// depend on nothing but the site and the language. Its stock is a live
// overlay on the catalogue: a stock notification sets a variant's units in
// place (SetStock), and only a change of a variant's sold-out state drops
// the rendered pages, which are rendered again from what the Site holds.
type Site struct {
	Tenant *tenant.Tenant
	SiteContent

	stock map[uuid.UUID]*atomic.Int64 // variant → units left (noLimit: unlimited); nil: the catalogue's
	shown atomic.Uint64               // bumped when a sold-out state flips: pages rendered before it are not kept

	// The rendered pages and what Kept keeps, in a map that is never
	// changed once published: a view reads it with one atomic load and no
	// lock; a new page copies it under mu (pages are few, and made once).
	cache atomic.Pointer[siteCache]
	mu    sync.Mutex
	// last is the entry the last view found: views of the same page in a
	// row (a shop opening) compare their key with it instead of hashing it.
	last atomic.Pointer[cacheEntry]
	// langs are the languages negotiated for Accept-Language headers
	// (Lang), in a map published like cache.
	langs atomic.Pointer[map[string]string]

	orig *Site // WithCode's copy: the site it was made from

	// releases run when the Site cache lets the Site go (OnRelease);
	// released is set then. Both under mu.
	releases []func()
	released bool
}

// maxReleases bounds what OnRelease keeps per Site: a host keeps one
// landing page at a time, but each language or origin its views alternate
// between registers one more.
const maxReleases = 8

// OnRelease has f run when the Site cache (Sites) lets this Site go:
// evicted for room, or replaced by its reload after a change. What a
// caller keeps from the Site elsewhere (a host's landing page) lets go of
// it there, so that it does not hold the Site's pages in memory past the
// cache's bound. It reports false, and keeps nothing, when the Site was let
// go already. Past maxReleases the oldest runs at once.
func (s *Site) OnRelease(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.released {
		return false
	}
	if len(s.releases) == maxReleases {
		s.releases[0]()
		s.releases = append(s.releases[:0], s.releases[1:]...)
	}
	s.releases = append(s.releases, f)
	return true
}

// release runs what OnRelease registered, once.
func (s *Site) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.released = true
	for _, f := range s.releases {
		f()
	}
	s.releases = nil
}

// maxLangs bounds the Accept-Language headers a Site remembers: browsers
// send a few distinct ones, anyone can send any.
const maxLangs = 64

// PageKey names a page kept with a Site: which page, the item of the event
// it shows (a product; zero for pages of the whole event), its language, and
// the state that changes it with no change to the event (the closing time
// passed, what the countdown says is left). It is a plain value so that a
// page view names its page without building a string.
type PageKey struct {
	Page  string    // "landing", "product", "closed" …
	Item  uuid.UUID // the product a page shows
	Lang  string
	State string // "closed", a closed page's reason, the countdown's unit …
	Count int    // the countdown's number
}

// cacheKey is a PageKey as kept: the page itself (kept false) or what
// Kept made of it for extra (the origin put in, compressed).
type cacheKey struct {
	PageKey
	kept  bool
	extra string
}

// siteCache is what a Site keeps, never changed once published (a store
// publishes a copy). Most events keep a page or two, so the entries are a
// slice searched in order, which weighs a few words where a Go map of
// these keys weighs about a kilobyte (11,000 cached events: 13 MB of
// maps); past smallCache entries they are indexed by a map as well.
type siteCache struct {
	entries []*cacheEntry
	index   map[cacheKey]*cacheEntry // nil up to smallCache entries
	kept    int                      // entries Kept made
}

// smallCache is how many entries a siteCache searches in order.
const smallCache = 8

func (c *siteCache) get(k cacheKey) (*cacheEntry, bool) {
	if c.index != nil {
		e, ok := c.index[k]
		return e, ok
	}
	for _, e := range c.entries {
		if e.key == k {
			return e, true
		}
	}
	return nil, false
}

// with is c with e added.
func (c *siteCache) with(e *cacheEntry) *siteCache {
	next := &siteCache{kept: c.kept}
	next.entries = make([]*cacheEntry, len(c.entries), len(c.entries)+1)
	copy(next.entries, c.entries)
	next.entries = append(next.entries, e)
	if e.key.kept {
		next.kept++
	}
	if len(next.entries) > smallCache {
		next.index = make(map[cacheKey]*cacheEntry, len(next.entries))
		for _, e := range next.entries {
			next.index[e.key] = e
		}
	}
	return next
}

type cacheEntry struct {
	key   cacheKey
	value any    // []byte for pages, anything for Kept
	shown uint64 // Site.shown when it was stored
}

// maxKept bounds what Kept keeps per Site: the keys include what visitors
// choose (the origin they came by, a port in Host among it).
const maxKept = 256

// noLimit stands for a variant without a stock limit in Site.stock.
const noLimit = math.MaxInt64

// NewSite returns the Site of t showing c, its stock ready for updates.
func NewSite(t *tenant.Tenant, c SiteContent) *Site {
	s := &Site{Tenant: t, SiteContent: c, stock: map[uuid.UUID]*atomic.Int64{}}
	for _, p := range c.Catalogue.Products {
		for _, v := range p.Variants {
			n := &atomic.Int64{}
			n.Store(units(v.Stock))
			s.stock[v.ID] = n
		}
	}
	return s
}

func units(stock *int) int64 {
	if stock == nil {
		return noLimit
	}
	return int64(*stock)
}

// VariantSoldOut reports whether no unit of v is left, as last notified.
func (s *Site) VariantSoldOut(v Variant) bool {
	if n, ok := s.stock[v.ID]; ok {
		return n.Load() <= 0
	}
	return v.SoldOut()
}

// ProductSoldOut reports whether every variant of p is sold out, as last
// notified.
func (s *Site) ProductSoldOut(p Product) bool {
	for _, v := range p.Variants {
		if !s.VariantSoldOut(v) {
			return false
		}
	}
	return true
}

// SetStock records that variant has stock units left (nil: no limit). It
// reports whether the variant's sold-out state changed: then the rendered
// pages are dropped. A variant the Site does not know is ignored (a new
// variant comes with a change of the whole catalogue).
func (s *Site) SetStock(variant uuid.UUID, stock *int) (flipped bool) {
	n, ok := s.stock[variant]
	if !ok {
		return false
	}
	now := units(stock)
	if old := n.Swap(now); (old <= 0) != (now <= 0) {
		s.mu.Lock()
		s.shown.Add(1)
		s.cache.Store(nil)
		s.last.Store(nil)
		s.mu.Unlock()
		return true
	}
	return false
}

// Page returns a rendered page from the site's cache, rendering it once
// with render. The cache lives as long as the Site, which is replaced when
// the event changes (and kept, stale, while the database is away); a
// variant selling out (or back in) empties it.
func (s *Site) Page(key PageKey, render func() ([]byte, error)) ([]byte, error) {
	ck := cacheKey{PageKey: key}
	if b, ok := s.lookup(ck); ok {
		return b.([]byte), nil
	}
	shown := s.shown.Load() // a render begun before a flip is never kept
	b, err := render()
	if err != nil {
		return nil, err
	}
	s.store(ck, shown, b)
	return b, nil
}

// Kept returns what is kept with the site under key and extra (what else
// it depends on: the origin put into a page), made once with make from the
// site's data (a page as served: its origin put in, compressed). It is
// dropped with the pages; past maxKept entries it is made on every call and
// not kept.
func (s *Site) Kept(key PageKey, extra string, make func() (any, error)) (any, error) {
	ck := cacheKey{PageKey: key, kept: true, extra: extra}
	if v, ok := s.lookup(ck); ok {
		return v, nil
	}
	shown := s.shown.Load()
	v, err := make()
	if err != nil {
		return v, err
	}
	s.store(ck, shown, v)
	return v, nil
}

// Lang is negotiate's answer for an Accept-Language header, remembered per
// header: negotiating parses the header and matches it against the event's
// languages (19 allocations for a browser's), the same answer every time.
// Past maxLangs headers, others are negotiated on every call.
func (s *Site) Lang(acceptLanguage []byte, negotiate func(acceptLanguage string) string) string {
	if m := s.langs.Load(); m != nil {
		if l, ok := (*m)[string(acceptLanguage)]; ok { // no copy of the header to look it up
			return l
		}
	}
	l := negotiate(string(acceptLanguage))
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.langs.Load(); old == nil || len(*old) < maxLangs {
		next := map[string]string{}
		if old != nil {
			next = maps.Clone(*old)
		}
		next[string(acceptLanguage)] = l
		s.langs.Store(&next)
	}
	return l
}

func (s *Site) lookup(k cacheKey) (any, bool) {
	if e := s.last.Load(); e != nil && e.key == k && e.shown == s.shown.Load() { // not an entry of before a flip
		return e.value, true
	}
	c := s.cache.Load()
	if c == nil {
		return nil, false
	}
	e, ok := c.get(k)
	if !ok {
		return nil, false
	}
	if s.last.Load() != e {
		s.last.Store(e)
	}
	return e.value, true
}

// store keeps v under k unless a sold-out state flipped since shown (v
// may show the old one) or k is one Kept makes and maxKept are kept.
func (s *Site) store(k cacheKey, shown uint64, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shown.Load() != shown {
		return
	}
	old := s.cache.Load()
	if old == nil {
		old = &siteCache{}
	}
	if _, ok := old.get(k); ok || (k.kept && old.kept >= maxKept) {
		return
	}
	s.cache.Store(old.with(&cacheEntry{key: k, value: v, shown: shown}))
}

// Sites caches the Site of every event that has been visited.
type Sites struct {
	store SiteStore
	memo  *tenant.Memo[uuid.UUID, *Site]
	flips atomic.Uint64 // sold-out states flipped (SetStock)
}

// NewSites returns an empty cache reading from store.
func NewSites(store SiteStore, opts tenant.MemoOptions) *Sites {
	s := &Sites{store: store, memo: tenant.NewMemo[uuid.UUID, *Site](opts)}
	s.memo.WhenDropped((*Site).release)
	return s
}

// Get returns the Site of t, loading its content on the first visit. The
// Site carries t as resolved for this request. An event the resolver cached
// remembers where its Site is cached (its Attachment), so that its
// next views reach the Site without looking it up.
func (s *Sites) Get(ctx context.Context, t *tenant.Tenant) (*Site, error) {
	if site, ok := s.memo.AgainAttached(t.Attached()); ok {
		return site, nil
	}
	site, err := s.memo.Get(ctx, t.ID, func(ctx context.Context) (*Site, uuid.UUID, error) {
		c, err := s.store.SiteContent(ctx, t.ID)
		if err != nil {
			return nil, uuid.Nil, err
		}
		return NewSite(t, c), t.ID, nil
	})
	if err == nil {
		s.memo.RememberAttached(t.Attached(), t.ID)
	}
	return site, err
}

// Forget marks the Site of an event that changed stale: the next view
// loads it again, or shows it as it was while the database is away.
func (s *Sites) Forget(id uuid.UUID) { s.memo.Forget(id) }

// CacheStats is what the cache of sites answered so far.
func (s *Sites) CacheStats() tenant.MemoStats { return s.memo.Stats() }

// SetStock applies a stock notification to the cached Site of an event,
// in place: no reload, and the pages are rendered again only when the
// variant's sold-out state flips.
func (s *Sites) SetStock(tenantID, variantID uuid.UUID, stock *int) {
	s.memo.Apply(tenantID, tenantID, func(site *Site) {
		if site.SetStock(variantID, stock) {
			s.flips.Add(1) // after the site dropped its pages
		}
	})
}

// Version is a count that grows whenever a cached Site may show something
// else: its event changed, the cache was dropped, a variant sold out or
// came back. A page taken from a Site (Get, Page, Kept) while the count
// was n is the page a view would get as long as the count is still n, the
// Site is fresh (FreshFor) and it was not let go (OnRelease: an eviction
// is no change): read the count before the Get.
func (s *Sites) Version() uint64 { return s.memo.Changes() + s.flips.Load() }

// FreshFor is how much longer the cached Site of t stays fresh without a
// change; 0 when none is cached for t or it is stale.
func (s *Sites) FreshFor(t *tenant.Tenant) time.Duration {
	return s.memo.FreshForAttached(t.Attached())
}

// ForgetAll marks every Site stale.
func (s *Sites) ForgetAll() { s.memo.ForgetAll() }
