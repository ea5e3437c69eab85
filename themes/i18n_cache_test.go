package themes

import (
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Kept translations and matchers answer as made ones do.
func TestKeptTranslationsAndMatchers(t *testing.T) {
	tr, err := loadTranslations()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // made, then kept
		if got := tr.T("de", "catalogue.max_per_order", "Count", 3); got != "Höchstens 3 pro Bestellung." {
			t.Errorf("with data: %q", got)
		}
		if got, want := tr.T("de", "catalogue.sold_out"), "Ausverkauft"; got != want {
			t.Errorf("without data: %q, want %q", got, want)
		}
		if got := tr.T("xx", "catalogue.sold_out"); got != "Sold out" {
			t.Errorf("a language without a catalogue: %q, want English", got)
		}
		if got := tr.T("de", "no.such.message"); got != "no.such.message" {
			t.Errorf("an unknown id: %q", got)
		}
		if got := tr.T("de", "catalogue.max_per_order", "Count", 5); got != "Höchstens 5 pro Bestellung." {
			t.Errorf("with other data after the plain one was kept: %q", got)
		}
	}
	for range 2 {
		for _, c := range []struct {
			offered  []string
			fallback string
			want     string
		}{
			{[]string{"en", "de"}, "en", "de"},
			{[]string{"de", "en"}, "en", "de"},
			{[]string{"fr", "en"}, "en", "en"},
			{[]string{"fr", "en"}, "fr", "fr"},
		} {
			if got := Negotiate("", "de-AT,de;q=0.9", c.offered, c.fallback); got != c.want {
				t.Errorf("offered %v, fallback %s: %q, want %q", c.offered, c.fallback, got, c.want)
			}
		}
	}
}

// BenchmarkNegotiate is a rendered page's choice of language for a
// browser's Accept-Language.
// "kept" is Negotiate, "made" what it did before matchers were kept.
func BenchmarkNegotiate(b *testing.B) {
	offered := []string{"en", "de", "fr"}
	const accept = "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"
	b.Run("kept", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if Negotiate("", accept, offered, "en") != "de" {
				b.Fatal("not de")
			}
		}
	})
	b.Run("made", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tags := []language.Tag{language.Make("en")}
			for _, o := range offered {
				tags = append(tags, language.Make(o))
			}
			desired, _, _ := language.ParseAcceptLanguage(accept)
			if _, idx, _ := language.NewMatcher(tags).Match(desired...); offered[idx-1] != "de" {
				b.Fatal("not de")
			}
		}
	})
}

// BenchmarkT is one message without data, as pages ask for most.
func BenchmarkT(b *testing.B) {
	tr, err := loadTranslations()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("kept", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = tr.T("de", "catalogue.sold_out")
		}
	})
	b.Run("localized", func(b *testing.B) { // what T did every time before
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tr.localizers["de"].Localize(&i18n.LocalizeConfig{MessageID: "catalogue.sold_out"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestFilledMessagesAnswerAsGoI18nDoes: every message of every language
// T fills in itself gives go-i18n's own text for the same data (strings,
// numbers, a value with a String method), and those it cannot (a key
// missing from the data) still go through go-i18n. Most of the catalogue's
// messages with data are filled in.
func TestFilledMessagesAnswerAsGoI18nDoes(t *testing.T) {
	tr, err := loadTranslations()
	if err != nil {
		t.Fatal(err)
	}
	filled := 0
	for lang, messages := range tr.filled {
		for id, f := range messages {
			if f == nil || len(f.keys) == 0 {
				continue
			}
			filled++
			for _, value := range []any{"Ada & <Bo>", 42, language.German} {
				var kv []any
				data := map[string]any{}
				for _, k := range f.keys {
					kv = append(kv, k, value)
					data[k] = value
				}
				want, err := tr.localizers[lang].Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
				if err != nil {
					t.Fatalf("%s %s: %v", lang, id, err)
				}
				if got := tr.T(lang, id, kv...); got != want {
					t.Errorf("%s %s with %v: %q, go-i18n says %q", lang, id, value, got, want)
				}
			}
		}
	}
	if filled < 4*150 {
		t.Errorf("only %d messages with data are filled in: the splitting is broken", filled)
	}
	if got := tr.T("en", "catalogue.max_per_order"); got == "" {
		t.Error("a message with data asked for without any")
	}
	if got := tr.T("en", "catalogue.max_per_order", "Other", 3); got != "At most <no value> per order." {
		t.Errorf("a key the data lacks: %q, want go-i18n's own answer", got)
	}
}

// BenchmarkTranslateWithData is one message with data, as every rendered
// page and email asks for a dozen.
func BenchmarkTranslateWithData(b *testing.B) {
	tr, err := loadTranslations()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tr.T("de", "catalogue.max_per_order", "Count", 3)
	}
}
