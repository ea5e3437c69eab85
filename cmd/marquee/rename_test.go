package main

import (
	"strings"
	"testing"
)

// TestTenantRenameRetitlesTheStorefront runs marquee tenant create and
// rename against a running server's database: the storefront, whose
// cache is warm, shows the new name as its title once the change
// notification has arrived.
func TestTenantRenameRetitlesTheStorefront(t *testing.T) {
	s := startServer(t, defaultConfig())
	vars := map[string]string{"DATABASE_URL": s.dbURL, "BASE_DOMAIN": testBase}
	if _, err := cli(t, vars, "tenant", "create", "--slug", "berlin", "--name", "Berlin 2027"); err != nil {
		t.Fatal(err)
	}
	s.settle()
	if r := s.get("berlin.shop.test", "/"); r.status != 200 || r.text("#event-title") != "Berlin 2027" {
		t.Fatalf("before the rename: status %d, title %q", r.status, r.text("#event-title"))
	}
	if out, err := cli(t, vars, "tenant", "rename", "berlin", "--name", "Berlin Summit"); err != nil || !strings.Contains(out, `renamed berlin to "Berlin Summit"`) {
		t.Fatalf("rename: %q, %v", out, err)
	}
	s.settle()
	t.Run("the storefront title is the new name until the branding is edited", func(t *testing.T) {
		r := s.get("berlin.shop.test", "/")
		if r.text("#event-title") != "Berlin Summit" || !strings.HasPrefix(r.text("title"), "Berlin Summit") {
			t.Fatalf("after the rename: heading %q, page title %q, want Berlin Summit", r.text("#event-title"), r.text("title"))
		}
	})
}
