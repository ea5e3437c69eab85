package form

import (
	"testing"
)

func TestLabelFor(t *testing.T) {
	f := newField("size", TypeSingleChoice)
	f.Label = map[string]string{"en": "Size", "de": "Größe", "fr": " "}
	f.Help = map[string]string{"nl": "Maat kiezen", "es": "Elige la talla"}
	tests := []struct {
		name, got, want string
	}{
		{"the locale's label is used", f.LabelFor("de", "en"), "Größe"},
		{"a regional locale falls back to its language", f.LabelFor("de-AT", "en"), "Größe"},
		{"an underscore regional locale falls back to its language", f.LabelFor("de_CH", "en"), "Größe"},
		{"a missing locale falls back to the fallback", f.LabelFor("it", "en"), "Size"},
		{"a blank label falls back to the fallback", f.LabelFor("fr", "de"), "Größe"},
		{"a missing fallback falls back to the first locale", f.LabelFor("it", "pt"), "Größe"},
		{"help falls back to the first locale alphabetically", f.HelpFor("de", "en"), "Elige la talla"},
		{"help in the locale is used", f.HelpFor("nl", "en"), "Maat kiezen"},
		{"no help is empty", newField("x", TypeText).HelpFor("en", "en"), ""},
		{"a field without labels shows its key", Field{Key: "size"}.LabelFor("en", "en"), "size"},
		{"an option's label is used", Option{Value: "m", Label: map[string]string{"de": "Mittel", "en": "Medium"}}.LabelFor("de", "en"), "Mittel"},
		{"an option falls back to the fallback", Option{Value: "m", Label: map[string]string{"de": "Mittel", "en": "Medium"}}.LabelFor("fr", "en"), "Medium"},
		{"an option without labels shows its value", Option{Value: "m"}.LabelFor("en", "en"), "m"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}
