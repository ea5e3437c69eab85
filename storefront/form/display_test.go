package form

import (
	"encoding/json"
	"maps"
	"testing"
)

func TestDisplayAnswer(t *testing.T) {
	size := Field{Key: "size", Type: TypeMultipleChoice, Options: []Option{
		{Value: "m", Label: map[string]string{"en": "Medium", "de": "Mittel"}},
		{Value: "l", Label: map[string]string{"en": "Large"}},
	}}
	country := Field{Key: "country", Type: TypeCountry}
	tests := []struct {
		name string
		f    Field
		v    any
		lang string
		want string
	}{
		{"a checked box reads as the caller's yes", Field{Type: TypeCheckbox}, true, "de", "Ja"},
		{"an unchecked box reads as the caller's no", Field{Type: TypeCheckbox}, false, "de", "Nein"},
		{"a choice reads as its option's label in the language", size, "m", "de", "Mittel"},
		{"an option without that language falls back", size, "l", "de", "Large"},
		{"choices back from JSONB read as labels, joined", size, []any{"m", "l"}, "en", "Medium, Large"},
		{"a value the form no longer offers reads as itself", size, "xl", "en", "xl"},
		{"a whole number from JSONB has no .0", Field{Type: TypeNumber}, 3.0, "en", "3"},
		{"a fraction keeps its digits", Field{Type: TypeNumber}, 2.5, "en", "2.5"},
		{"a JSON number reads as written", Field{Type: TypeNumber}, json.Number("12"), "en", "12"},
		{"a country reads as its name in the language", country, "DE", "fr", "Allemagne"},
		{"no answer is empty", Field{Type: TypeText}, nil, "en", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.DisplayAnswer(tc.v, tc.lang, "en", "Ja", "Nein"); got != tc.want {
				t.Fatalf("%q, want %q", got, tc.want)
			}
		})
	}
}

func TestKeepLocales(t *testing.T) {
	texts := map[string]string{"en": "Hoodie", "de": "Kapuzenpullover", "fr": "Sweat à capuche"}
	tests := []struct {
		name         string
		texts        map[string]string
		locales      []string
		def, fromDef string
		want         map[string]string
	}{
		{"texts in languages the event does not offer are dropped", texts, []string{"en", "de"}, "en", "en", map[string]string{"en": "Hoodie", "de": "Kapuzenpullover"}},
		{"the source's default stands in for a missing default", texts, []string{"de", "es"}, "es", "en", map[string]string{"de": "Kapuzenpullover", "es": "Hoodie"}},
		{"a text only in other languages is dropped, not shown", map[string]string{"fr": "Chaud"}, []string{"de", "es"}, "es", "en", map[string]string{}},
		{"blank texts count as missing", map[string]string{"es": " ", "en": "Hoodie"}, []string{"es"}, "es", "en", map[string]string{"es": "Hoodie"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := KeepLocales(tc.texts, tc.locales, tc.def, tc.fromDef); !maps.Equal(got, tc.want) {
				t.Fatalf("%v, want %v", got, tc.want)
			}
		})
	}
	if KeepLocales(nil, []string{"en"}, "en", "en") != nil {
		t.Error("nil became a map")
	}
}
