package web

import "testing"

func TestEventCacheBound(t *testing.T) {
	s := newStorefrontAppKeeping(t, 2)
	for _, slug := range []string{"aster", "birch", "cedar"} {
		s.welcomeEvent(slug)
	}
	view := func(slug string) (queries int64) {
		t.Helper()
		before := s.queries.Load()
		r := s.visitor(slug+".shop.test").get("/", "Accept-Language", "en")
		if r.status != 200 || r.text("h1") != "Welcome to "+slug {
			t.Fatalf("%s: status %d, h1 %q", slug, r.status, r.text("h1"))
		}
		return s.queries.Load() - before
	}
	for _, slug := range []string{"aster", "birch", "cedar"} { // aster, the least recently viewed, goes
		view(slug)
	}
	t.Run("the events within the bound are served from memory", func(t *testing.T) {
		for _, slug := range []string{"birch", "cedar"} {
			if n := view(slug); n != 0 {
				t.Errorf("%s made %d queries, want 0", slug, n)
			}
		}
	})
	t.Run("the evicted event is served again from the database", func(t *testing.T) {
		if n := view("aster"); n == 0 {
			t.Error("aster made no query: it was never evicted")
		}
		if n := view("aster"); n != 0 {
			t.Errorf("aster made %d queries on its second view, want 0", n)
		}
	})
	t.Run("reloading it evicts the next least recently viewed", func(t *testing.T) {
		if n := view("cedar"); n != 0 {
			t.Errorf("cedar made %d queries, want 0", n)
		}
		if n := view("birch"); n == 0 {
			t.Error("birch made no query: it was never evicted")
		}
	})
}
