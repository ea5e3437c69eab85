package themes

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"marquee"
	"marquee/storefront/address"
	"marquee/storefront/form"
)

func loadCatalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	m := map[string]string{}
	if _, err := toml.DecodeFS(files, "locales/"+lang+".toml", &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEveryLanguageHasEveryMessage(t *testing.T) {
	en, de := loadCatalogue(t, "en"), loadCatalogue(t, "de")
	for id := range en {
		if _, ok := de[id]; !ok {
			t.Errorf("%s is in en.toml but not in de.toml", id)
		}
	}
	for id := range de {
		if _, ok := en[id]; !ok {
			t.Errorf("%s is in de.toml but not in en.toml", id)
		}
	}
}

// usedIDs finds the message IDs the code and templates name literally.
func usedIDs(t *testing.T) map[string]string {
	t.Helper()
	ids := map[string]string{}
	tmplID := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	goID := regexp.MustCompile(`(?:Invalid\("[a-z_]*", |New\([A-Za-z.]+, |Wrap\([A-Za-z.]+, |Message: |T\("en", )"([a-z_]+\.[a-z_.]+)"`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "..") {
			return filepath.SkipDir
		}
		re := goID
		switch {
		case strings.HasSuffix(path, ".html"):
			re = tmplID
		case !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			ids[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestEveryUsedMessageIsTranslated(t *testing.T) {
	en := loadCatalogue(t, "en")
	ids := usedIDs(t)
	if len(ids) < 20 {
		t.Fatalf("found only %d message IDs in the code: the scan is broken", len(ids))
	}
	// IDs built at run time.
	for _, code := range []string{marquee.EINVALID, marquee.ENOTFOUND, marquee.ECONFLICT, marquee.EFORBIDDEN, marquee.EUNAVAILABLE, marquee.EINTERNAL} {
		ids["error.heading."+code] = "storefront/web/errors.go"
	}
	for _, id := range append(form.MessageIDs(), address.MessageIDs()...) {
		ids[id] = "storefront/form, storefront/address"
	}
	for _, st := range []string{"placed", "confirmed", "dispatched", "ready_for_pickup", "delivered", "collected", "cancelled"} {
		ids["status."+st] = "storefront/web/status.go"
	}
	for _, reason := range []string{"suspended", "archived"} {
		ids["closed."+reason+"_heading"] = "storefront/web/closed.go"
		ids["closed."+reason+"_body"] = "storefront/web/closed.go"
	}
	for id, where := range ids {
		if _, ok := en[id]; !ok {
			t.Errorf("%s (used in %s) has no translation", id, where)
		}
	}
}

func TestNegotiate(t *testing.T) {
	offered := []string{"de", "en"}
	tests := []struct {
		name, choice, accept, fallback, want string
	}{
		{"nothing asked gets the fallback", "", "", "de", "de"},
		{"an explicit choice wins", "en", "de", "de", "en"},
		{"an explicit choice not offered is ignored", "fr", "en", "de", "en"},
		{"a regional variant matches its language", "", "en-GB,en;q=0.8", "de", "en"},
		{"weights are respected", "", "fr;q=1.0,en;q=0.5,de;q=0.9", "en", "de"},
		{"no offered language falls back", "", "fr, es", "de", "de"},
		{"garbage falls back", "", ";;;q=", "en", "en"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Negotiate(tc.choice, tc.accept, offered, tc.fallback); got != tc.want {
				t.Fatalf("Negotiate(%q, %q) = %q, want %q", tc.choice, tc.accept, got, tc.want)
			}
		})
	}
}

func TestPagesParseAndTranslate(t *testing.T) {
	s, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"landing", "closed", "error"} {
		if _, ok := s.pages[name]; !ok {
			t.Errorf("page %s missing", name)
		}
	}
	if !slices.Equal(s.Translations().Locales(), []string{"de", "en"}) {
		t.Errorf("locales %v", s.Translations().Locales())
	}
	if got := s.Translations().T("de", "language.name"); got != "Deutsch" {
		t.Errorf("German name %q", got)
	}
	if got := s.Translations().T("de", "error.reference", "ID", "abc"); got != "Referenz: abc" {
		t.Errorf("template data: %q", got)
	}
}
