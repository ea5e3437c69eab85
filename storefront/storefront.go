// Package storefront is the attendee's site of an event. This file holds
// the Site: what one event's pages need, kept in memory so that a warm page
// view makes no database query.
package storefront

import (
	"context"
	"sync"

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
// depend on nothing but the site and the language.
type Site struct {
	Tenant *tenant.Tenant
	SiteContent

	pages sync.Map // page key → []byte
}

// Page returns a rendered page from the site's cache, rendering it once
// with render. The cache lives as long as the Site, which is replaced when
// the event changes (and kept, stale, while the database is away).
func (s *Site) Page(key string, render func() ([]byte, error)) ([]byte, error) {
	if b, ok := s.pages.Load(key); ok {
		return b.([]byte), nil
	}
	b, err := render()
	if err != nil {
		return nil, err
	}
	s.pages.Store(key, b)
	return b, nil
}

// Sites caches the Site of every event that has been visited.
type Sites struct {
	store SiteStore
	memo  *tenant.Memo[*Site]
}

// NewSites returns an empty cache reading from store.
func NewSites(store SiteStore, opts tenant.MemoOptions) *Sites {
	return &Sites{store: store, memo: tenant.NewMemo[*Site](opts)}
}

// Get returns the Site of t, loading its content on the first visit. The
// Site carries t as resolved for this request.
func (s *Sites) Get(ctx context.Context, t *tenant.Tenant) (*Site, error) {
	site, err := s.memo.Get(ctx, t.ID.String(), func(ctx context.Context) (*Site, uuid.UUID, error) {
		c, err := s.store.SiteContent(ctx, t.ID)
		if err != nil {
			return nil, uuid.Nil, err
		}
		return &Site{Tenant: t, SiteContent: c}, t.ID, nil
	})
	return site, err
}

// Forget marks the Site of an event that changed stale: the next view
// loads it again, or shows it as it was while the database is away.
func (s *Sites) Forget(id uuid.UUID) { s.memo.Forget(id) }

// ForgetAll marks every Site stale.
func (s *Sites) ForgetAll() { s.memo.ForgetAll() }
