package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"marquee/branding/media/diskstore"
	"marquee/db"
	"marquee/db/dbtest"
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

// TestDemoProductsHavePictures: dev's demo products show pictures drawn in
// their event's colours, stored as a staff upload is, small; one is left
// without, to show the placeholder. Each event states its zone and when
// its shop closes.
func TestDemoProductsHavePictures(t *testing.T) {
	ctx := context.Background()
	database := dbtest.New(t).Open(t, db.Options{})
	images, err := diskstore.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, database, images); err != nil {
		t.Fatal(err)
	}
	for _, d := range demoEvents {
		t.Run(d.tenant.Slug, func(t *testing.T) {
			ev, err := database.TenantBySlug(ctx, d.tenant.Slug)
			if err != nil {
				t.Fatal(err)
			}
			content, err := database.SiteContent(ctx, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			if ev.ClosesAt == nil || content.Settings.TimeZone == "" || content.Settings.TimeZone != d.settings.TimeZone {
				t.Errorf("closes %v, zone %q", ev.ClosesAt, content.Settings.TimeZone)
			}
			for i, p := range content.Catalogue.Products {
				want := d.pictures[i] != ""
				if (p.ImageKey != "") != want {
					t.Errorf("%s: image %q, want a picture: %v", p.Name["en"], p.ImageKey, want)
					continue
				}
				if !want {
					continue
				}
				f, obj, err := images.Open(p.ImageKey)
				if err != nil {
					t.Fatalf("%s: %v", p.Name["en"], err)
				}
				f.Close()
				if obj.ContentType != "image/png" || obj.Size > 32<<10 || !strings.HasPrefix(p.ImageKey, ev.ID.String()+"/") {
					t.Errorf("%s: %s, %d bytes, key %s", p.Name["en"], obj.ContentType, obj.Size, p.ImageKey)
				}
			}
		})
	}
}
