package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestReadmeOffersTheDemoLanguages holds the README to what dev seeds: a
// language it suggests for a demo event (?lang=…) is one that event offers.
func TestReadmeOffersTheDemoLanguages(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	code := regexp.MustCompile("`(?:\\?lang=)?([a-z]{2})`")
	for _, d := range demoEvents {
		t.Run("the README suggests only languages "+d.tenant.Slug+" offers", func(t *testing.T) {
			bullet := readmeBullet(readme, "http://"+d.tenant.Slug+".localhost:8080")
			if bullet == "" {
				t.Fatalf("the README does not list %s", d.tenant.Slug)
			}
			_, langs, ok := strings.Cut(bullet, "?lang=")
			if !ok {
				return
			}
			langs = "`?lang=" + langs
			for _, m := range code.FindAllStringSubmatch(langs, -1) {
				if !slices.Contains(d.tenant.Locales, m[1]) {
					t.Errorf("the README offers ?lang=%s on %s, which offers only %v:\n%s", m[1], d.tenant.Slug, d.tenant.Locales, bullet)
				}
			}
		})
	}
}

// readmeBullet is the list item of the README that starts with "- "+start,
// up to the next item or blank line.
func readmeBullet(readme, start string) string {
	i := strings.Index(readme, "- "+start)
	if i < 0 {
		return ""
	}
	rest := readme[i+2:]
	if j := strings.Index(rest, "\n- "); j >= 0 {
		rest = rest[:j]
	}
	if j := strings.Index(rest, "\n\n"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
