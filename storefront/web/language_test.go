package web

import (
	"strings"
	"testing"
)

func TestLanguage(t *testing.T) {
	s := newStorefrontApp(t)
	s.welcomeEvent("devcon")
	tests := []struct {
		name, path, accept, lang, title, heading string
	}{
		{"no preference gets the event's default", "/", "", "en", "Welcome to devcon", "Merchandise"},
		{"Accept-Language de gets German", "/", "de-DE,de;q=0.9,en;q=0.5", "de", "Willkommen bei devcon", "Merchandise"},
		{"an unoffered language falls back to the default", "/", "fr-FR", "en", "Welcome to devcon", "Merchandise"},
		{"?lang= overrides Accept-Language", "/?lang=en", "de", "en", "Welcome to devcon", "Merchandise"},
		{"?lang= with an unoffered language is ignored", "/?lang=xx", "de", "de", "Willkommen bei devcon", "Merchandise"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.visitor("devcon.shop.test").get(tc.path, "Accept-Language", tc.accept)
			if r.status != 200 {
				t.Fatalf("status %d", r.status)
			}
			if got, _ := r.doc.Find("html").Attr("lang"); got != tc.lang {
				t.Errorf("html lang %q, want %q", got, tc.lang)
			}
			if r.header.Get("Content-Language") != tc.lang {
				t.Errorf("Content-Language %q, want %q", r.header.Get("Content-Language"), tc.lang)
			}
			if got := r.text("h1"); got != tc.title {
				t.Errorf("h1 %q, want %q", got, tc.title)
			}
		})
	}
	t.Run("German page text comes from the German translations", func(t *testing.T) {
		r := s.visitor("devcon.shop.test").get("/", "Accept-Language", "de")
		if got := r.text(".shop p"); !strings.HasPrefix(got, "Der Shop öffnet bald") {
			t.Errorf("shop notice %q", got)
		}
		if got := r.text(".languages a[aria-current]"); got != "Deutsch" {
			t.Errorf("current language %q", got)
		}
	})
	t.Run("a platform 404 speaks German too", func(t *testing.T) {
		r := s.visitor("nope.shop.test").get("/", "Accept-Language", "de")
		if got := r.text(".message"); got != "Unter dieser Adresse gibt es kein Event." {
			t.Errorf("message %q", got)
		}
	})
}

func TestWarmPageViewMakesNoQuery(t *testing.T) {
	s := newStorefrontApp(t)
	s.welcomeEvent("devcon")
	for _, lang := range []string{"en", "de"} {
		s.visitor("devcon.shop.test").get("/", "Accept-Language", lang) // warm
	}
	s.visitor("nope.shop.test").get("/") // a remembered miss
	before := s.queries.Load()
	for range 20 {
		for _, lang := range []string{"en", "de"} {
			if r := s.visitor("devcon.shop.test").get("/", "Accept-Language", lang); r.status != 200 {
				t.Fatalf("status %d", r.status)
			}
		}
		if r := s.visitor("nope.shop.test").get("/"); r.status != 404 {
			t.Fatalf("status %d", r.status)
		}
	}
	if n := s.queries.Load() - before; n != 0 {
		t.Fatalf("60 warm requests made %d queries, want 0", n)
	}
	// The counter must see queries at all, or the assertion above proves nothing.
	s.visitor("other.shop.test").get("/")
	if s.queries.Load() == before {
		t.Fatal("a cold lookup made no query: the counter is not wired")
	}
}
