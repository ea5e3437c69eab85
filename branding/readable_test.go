package branding

import (
	"testing"

	"marquee"
)

func TestCheckReadable(t *testing.T) {
	tests := []struct {
		name    string
		colours Colours
		field   string // "" when the palette may be published
	}{
		{"the default palette may be published", DefaultColours, ""},
		{"#ffff66 buttons on white (1.06:1) may not", Colours{Primary: "#ffff66", Accent: "#000000", Background: "#ffffff", Text: "#111827"}, "color_primary"},
		{"light grey text on white may not", Colours{Primary: "#1d4ed8", Accent: "#000000", Background: "#ffffff", Text: "#dddddd"}, "color_text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.colours.CheckReadable()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorField(err) != tc.field || marquee.ErrorMessage(err) != "branding.contrast_too_low" {
				t.Fatalf("%v, want EINVALID branding.contrast_too_low on %s", err, tc.field)
			}
		})
	}
}
