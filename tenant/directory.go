package tenant

import (
	"context"
	"strings"
	"sync"

	"github.com/google/uuid"

	"marquee"
)

// DirectoryEntry is what the TLS decision knows of one event.
type DirectoryEntry struct {
	TenantID  uuid.UUID
	Slug      string
	Status    Status
	Hostnames []string // verified custom domains
}

// DirectorySource loads entries; db.DB implements it.
type DirectorySource interface {
	DirectoryAll(ctx context.Context) ([]DirectoryEntry, error)
	DirectoryOne(ctx context.Context, id uuid.UUID) (DirectoryEntry, bool, error)
}

// Directory holds, in memory, every name the platform may get a
// certificate for: the subdomains of active events, their verified custom
// domains, and the platform's own console. It answers Allow without a
// query, so a flood of handshakes for made-up names costs map lookups
// only; it is loaded whole at start and after a lost listener connection,
// and refreshed one event at a time on change notifications.
//
// Unlike the resolver's cache it holds every event, not the recently used
// ones: a miss must mean "not ours" without asking the database. An entry
// is a slug, a status and a few hostnames, so even 100,000 events fit in a
// few megabytes.
type Directory struct {
	base string
	src  DirectorySource

	mu       sync.RWMutex
	byTenant map[uuid.UUID]DirectoryEntry
	names    map[string]uuid.UUID // slug.base and custom hostnames of active events
}

// NewDirectory returns an empty directory for events under baseDomain.
func NewDirectory(baseDomain string, src DirectorySource) *Directory {
	return &Directory{base: baseDomain, src: src, byTenant: map[uuid.UUID]DirectoryEntry{}, names: map[string]uuid.UUID{}}
}

// Load replaces the directory with every event's entry.
func (d *Directory) Load(ctx context.Context) error {
	all, err := d.src.DirectoryAll(ctx)
	if err != nil {
		return err
	}
	byTenant := make(map[uuid.UUID]DirectoryEntry, len(all))
	names := make(map[string]uuid.UUID, len(all))
	for _, e := range all {
		byTenant[e.TenantID] = e
		for _, n := range d.namesOf(e) {
			names[n] = e.TenantID
		}
	}
	d.mu.Lock()
	d.byTenant, d.names = byTenant, names
	d.mu.Unlock()
	return nil
}

// Refresh reloads one event's entry (dropping it once the event is gone)
// and returns the names it may no longer have certificates for, so the
// TLS layer can forget the ones it holds in memory.
func (d *Directory) Refresh(ctx context.Context, id uuid.UUID) (removed []string, err error) {
	e, found, err := d.src.DirectoryOne(ctx, id)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if old, ok := d.byTenant[id]; ok {
		for _, n := range d.namesOf(old) {
			if d.names[n] == id {
				delete(d.names, n)
				removed = append(removed, n)
			}
		}
		delete(d.byTenant, id)
	}
	if found {
		d.byTenant[id] = e
		for _, n := range d.namesOf(e) {
			d.names[n] = id
		}
	}
	kept := removed[:0]
	for _, n := range removed {
		if _, back := d.names[n]; !back {
			kept = append(kept, n)
		}
	}
	return kept, nil
}

// namesOf are the names an entry may have certificates for: none unless
// the event is active (a suspended or archived event's pages are served
// over a certificate it already has; it gets no new one).
func (d *Directory) namesOf(e DirectoryEntry) []string {
	if e.Status != StatusActive {
		return nil
	}
	out := make([]string, 0, 1+len(e.Hostnames))
	if d.base != "" {
		out = append(out, e.Slug+"."+d.base)
	}
	return append(out, e.Hostnames...)
}

// Allow says whether name may get a certificate: the platform's own
// console and apex, an active event's subdomain, or an active event's
// verified custom domain. It never queries anything.
func (d *Directory) Allow(_ context.Context, name string) error {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if d.base != "" && (name == d.base || name == "console."+d.base) {
		return nil
	}
	d.mu.RLock()
	_, ok := d.names[name]
	d.mu.RUnlock()
	if !ok {
		return marquee.New(marquee.ENOTFOUND, "error.unknown_host")
	}
	return nil
}

// Len is the number of events the directory knows.
func (d *Directory) Len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.byTenant)
}
