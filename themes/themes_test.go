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
	"marquee/tenant"
)

func loadCatalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	m := map[string]string{}
	if _, err := toml.DecodeFS(files, "locales/"+lang+".toml", &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// localeFiles lists the languages with a file in locales/, as loadTranslations
// finds them.
func localeFiles(t *testing.T) []string {
	t.Helper()
	paths, err := fs.Glob(files, "locales/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	langs := make([]string, 0, len(paths))
	for _, p := range paths {
		langs = append(langs, strings.TrimSuffix(strings.TrimPrefix(p, "locales/"), ".toml"))
	}
	if !slices.Contains(langs, DefaultLocale) {
		t.Fatalf("no %s.toml among %v", DefaultLocale, paths)
	}
	return langs
}

// placeholders returns the template fields ({{.X}}) a message uses.
func placeholders(msg string) map[string]bool {
	fields := map[string]bool{}
	for _, action := range templateAction.FindAllString(msg, -1) {
		for _, m := range templateField.FindAllStringSubmatch(action, -1) {
			fields[m[1]] = true
		}
	}
	return fields
}

var (
	templateAction = regexp.MustCompile(`\{\{.*?\}\}`)
	templateField  = regexp.MustCompile(`\.([A-Za-z_][A-Za-z0-9_]*)`)
)

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestEveryLanguageHasEveryMessage(t *testing.T) {
	en := loadCatalogue(t, DefaultLocale)
	ids := make([]string, 0, len(en))
	for id := range en {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, lang := range localeFiles(t) {
		t.Run(lang, func(t *testing.T) {
			file := lang + ".toml"
			m := loadCatalogue(t, lang)
			for _, id := range ids {
				msg, ok := m[id]
				if !ok {
					t.Errorf("%s: %s is missing (it is in en.toml)", file, id)
					continue
				}
				if strings.TrimSpace(msg) == "" {
					t.Errorf("%s: %s is empty", file, id)
					continue
				}
				want, got := placeholders(en[id]), placeholders(msg)
				for _, f := range sortedKeys(want) {
					if !got[f] {
						t.Errorf("%s: %s lacks the placeholder {{.%s}} of en.toml: %q", file, id, f, msg)
					}
				}
				for _, f := range sortedKeys(got) {
					if !want[f] {
						t.Errorf("%s: %s uses {{.%s}}, which en.toml's message does not provide: %q", file, id, f, msg)
					}
				}
			}
			extra := make([]string, 0)
			for id := range m {
				if _, ok := en[id]; !ok {
					extra = append(extra, id)
				}
			}
			slices.Sort(extra)
			for _, id := range extra {
				t.Errorf("%s: %s is not in en.toml", file, id)
			}
		})
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
	for _, st := range []string{"pending_payment", "placed", "confirmed", "dispatched", "ready_for_pickup", "delivered", "collected", "cancelled"} {
		ids["status."+st] = "storefront/web/status.go"
	}
	for _, st := range []string{"none", "pending", "paid", "at_pickup", "partially_refunded", "refunded", "expired"} {
		ids["payment.state."+st] = "branding/console/orderpayment.go"
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
	tr := s.Translations()
	if !slices.Equal(tr.Locales(), []string{"de", "en", "es", "fr"}) {
		t.Errorf("locales %v", tr.Locales())
	}
	for _, l := range tenant.SupportedLocales {
		if !slices.Contains(tr.Locales(), l) {
			t.Errorf("tenant.SupportedLocales offers %q, which has no translations (loaded: %v)", l, tr.Locales())
		}
	}
	for lang, want := range map[string]string{"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"} {
		if got := tr.T(lang, "language.name"); got != want {
			t.Errorf("%s name %q, want %q", lang, got, want)
		}
	}
	for lang, want := range map[string]string{"de": "Referenz: abc", "fr": "Référence : abc", "es": "Referencia: abc"} {
		if got := tr.T(lang, "error.reference", "ID", "abc"); got != want {
			t.Errorf("%s template data: %q, want %q", lang, got, want)
		}
	}
}
