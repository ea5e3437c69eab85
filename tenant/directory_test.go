package tenant

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
)

type memSource struct{ entries map[uuid.UUID]DirectoryEntry }

func (m *memSource) DirectoryAll(context.Context) ([]DirectoryEntry, error) {
	var out []DirectoryEntry
	for _, e := range m.entries {
		out = append(out, e)
	}
	return out, nil
}

func (m *memSource) DirectoryOne(_ context.Context, id uuid.UUID) (DirectoryEntry, bool, error) {
	e, ok := m.entries[id]
	return e, ok, nil
}

func TestDirectoryAllowsOnlyWhatThePlatformServes(t *testing.T) {
	ctx := context.Background()
	devcon, camp := uuid.New(), uuid.New()
	src := &memSource{entries: map[uuid.UUID]DirectoryEntry{
		devcon: {TenantID: devcon, Slug: "devcon", Status: StatusActive, Hostnames: []string{"shop.devcon.org"}},
		camp:   {TenantID: camp, Slug: "camp", Status: StatusSuspended, Hostnames: []string{"shop.camp.org"}},
	}}
	d := NewDirectory("shop.test", src)
	if err := d.Load(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(name string, want bool) {
		t.Helper()
		if got := d.Allow(ctx, name) == nil; got != want {
			t.Errorf("Allow(%q) = %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string]bool{
		"devcon.shop.test": true, "DevCon.shop.test.": true, "shop.devcon.org": true,
		"shop.test": true, "console.shop.test": true,
		"camp.shop.test": false, "shop.camp.org": false, // suspended: no new certificates
		"nope.shop.test": false, "a.devcon.shop.test": false, "devcon.other.test": false, "": false,
	} {
		check(name, want)
	}

	// A change to one event is picked up by refreshing that event alone.
	e := src.entries[camp]
	e.Status = StatusActive
	src.entries[camp] = e
	e = src.entries[devcon]
	e.Hostnames = nil
	e.Slug = "devcon27"
	src.entries[devcon] = e
	if removed, err := d.Refresh(ctx, camp); err != nil || len(removed) != 0 {
		t.Fatal(removed, err)
	}
	if removed, err := d.Refresh(ctx, devcon); err != nil || strings.Join(removed, ",") != "devcon.shop.test,shop.devcon.org" {
		t.Fatalf("removed %v, %v", removed, err)
	}
	check("camp.shop.test", true)
	check("shop.camp.org", true)
	check("devcon.shop.test", false)
	check("shop.devcon.org", false)
	check("devcon27.shop.test", true)

	delete(src.entries, camp)
	if _, err := d.Refresh(ctx, camp); err != nil {
		t.Fatal(err)
	}
	check("camp.shop.test", false)
	if d.Len() != 1 {
		t.Fatalf("Len %d after a deletion, want 1", d.Len())
	}
}
