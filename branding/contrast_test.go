package branding

import (
	"math"
	"testing"

	"marquee"
)

func TestContrastRatio(t *testing.T) {
	tests := []struct {
		name   string
		a, b   string
		want   float64
		passAA bool
	}{
		{"black on white is the maximum 21", "#000000", "#ffffff", 21, true},
		{"a colour on itself is the minimum 1", "#ffffff", "#ffffff", 1, false},
		{"#777777 on white just fails AA", "#777777", "#ffffff", 4.48, false},
		{"#767676 on white just passes AA", "#767676", "#ffffff", 4.54, true},
		{"pure blue on white", "#0000ff", "#ffffff", 8.59, true},
		{"pure red on white fails AA", "#ff0000", "#ffffff", 4.00, false},
		{"order does not matter", "#ffffff", "#0000ff", 8.59, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ContrastRatio(tt.a, tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tt.want) > 0.005 {
				t.Errorf("ContrastRatio(%s, %s) = %.4f, want %.2f", tt.a, tt.b, got, tt.want)
			}
			if pass := got >= minContrastNormalText; pass != tt.passAA {
				t.Errorf("ContrastRatio(%s, %s) = %.4f passes AA: %v, want %v", tt.a, tt.b, got, pass, tt.passAA)
			}
		})
	}
}

func TestContrastRatioIsSymmetric(t *testing.T) {
	colours := []string{"#000000", "#ffffff", "#3346d3", "#f2a516", "#1b1b1f", "#777777"}
	for _, a := range colours {
		for _, b := range colours {
			ab, _ := ContrastRatio(a, b)
			ba, _ := ContrastRatio(b, a)
			if ab != ba {
				t.Errorf("ContrastRatio(%s, %s) = %v but ContrastRatio(%s, %s) = %v", a, b, ab, b, a, ba)
			}
		}
	}
}

func TestContrastRatioRejectsBadInput(t *testing.T) {
	for _, tt := range []struct{ name, colour string }{
		{"empty is an error", ""},
		{"missing # is an error", "ffffff"},
		{"short form is an error", "#fff"},
		{"non-hex digits are an error", "#gggggg"},
		{"uppercase is an error, as in Validate", "#FFFFFF"},
		{"a colour name is an error", "white"},
		{"alpha is an error", "#ffffffff"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, args := range [][2]string{{tt.colour, "#ffffff"}, {"#ffffff", tt.colour}} {
				_, err := ContrastRatio(args[0], args[1])
				if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorMessage(err) != "branding.colour_invalid" {
					t.Errorf("ContrastRatio(%q, %q) error = %v, want invalid branding.colour_invalid", args[0], args[1], err)
				}
			}
		})
	}
}

func TestContrastProblems(t *testing.T) {
	tests := []struct {
		name    string
		colours Colours
		want    []ContrastProblem // Suggestion checked by the rules below, not by value
	}{
		{"the default palette passes", DefaultColours, nil},
		{"accent is not checked: it is decoration",
			Colours{Primary: "#3346d3", Accent: "#ffffff", Background: "#ffffff", Text: "#1b1b1f"}, nil},
		{"light grey text on white fails",
			Colours{Primary: "#3346d3", Accent: "#f2a516", Background: "#ffffff", Text: "#cccccc"},
			[]ContrastProblem{{Field: "color_text", Against: "color_background", Ratio: 1.6, Need: 4.5}}},
		{"a light primary on white fails once, for links and buttons alike",
			Colours{Primary: "#8fa8ff", Accent: "#f2a516", Background: "#ffffff", Text: "#1b1b1f"},
			[]ContrastProblem{{Field: "color_primary", Against: "color_background", Ratio: 2.27, Need: 4.5}}},
		{"a dark background fails with both text and primary",
			Colours{Primary: "#3346d3", Accent: "#f2a516", Background: "#202020", Text: "#1b1b1f"},
			[]ContrastProblem{
				{Field: "color_text", Against: "color_background", Ratio: 1.05, Need: 4.5},
				{Field: "color_primary", Against: "color_background", Ratio: 2.29, Need: 4.5},
			}},
		{"a ratio just under the need reads 4.49, never 4.50",
			Colours{Primary: "#5965fa", Accent: "#f2a516", Background: "#ffffff", Text: "#1b1b1f"},
			[]ContrastProblem{{Field: "color_primary", Against: "color_background", Ratio: 4.49, Need: 4.5}}},
		{"an invalid colour is left to Validate",
			Colours{Primary: "#3346d3", Accent: "#f2a516", Background: "white", Text: "#cccccc"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.colours.ContrastProblems()
			if len(got) != len(tt.want) {
				t.Fatalf("ContrastProblems() = %+v, want %d problems", got, len(tt.want))
			}
			for i, p := range got {
				w := tt.want[i]
				if p.Field != w.Field || p.Against != w.Against || p.Need != w.Need || p.Ratio != w.Ratio {
					t.Errorf("problem %d = %+v, want %+v", i, p, w)
				}
				if p.Message != "branding.contrast_too_low" {
					t.Errorf("problem %d message = %q, want branding.contrast_too_low", i, p.Message)
				}
				checkSuggestion(t, tt.colours, p)
			}
		})
	}
}

// checkSuggestion asserts a problem's suggestion passes against its pair and
// keeps the hue of the colour it replaces.
func checkSuggestion(t *testing.T, c Colours, p ContrastProblem) {
	t.Helper()
	byField := map[string]string{"color_text": c.Text, "color_primary": c.Primary, "color_background": c.Background}
	ratio, err := ContrastRatio(p.Suggestion, byField[p.Against])
	if err != nil {
		t.Fatalf("suggestion %q: %v", p.Suggestion, err)
	}
	if ratio < p.Need {
		t.Errorf("suggestion %s for %s reaches %.3f, want at least %v", p.Suggestion, p.Field, ratio, p.Need)
	}
	from, _ := parseColour(byField[p.Field])
	to, _ := parseColour(p.Suggestion)
	if d := hueDistance(from.oklch(), to.oklch()); d > 3 {
		t.Errorf("suggestion %s for %s moved the hue by %.1f°, want at most 3°", p.Suggestion, byField[p.Field], d)
	}
}

// hueDistance is how far apart two colours' hues are in degrees; 0 when
// either is grey, whose hue means nothing.
func hueDistance(a, b oklch) float64 {
	if a.c < 0.02 || b.c < 0.02 {
		return 0
	}
	d := math.Abs(a.h-b.h) * 180 / math.Pi
	return min(d, 360-d)
}

func TestContrastProblemsSuggestion(t *testing.T) {
	tests := []struct {
		name       string
		background string
		text       string
		want       string // "lighter" or "darker" than text, or an exact colour
	}{
		{"light grey on white is darkened to the lightest passing grey", "#ffffff", "#cccccc", "#767676"},
		{"dark grey on black is lightened", "#000000", "#222222", "lighter"},
		// White and black both pass against #767676, so it can go either way.
		{"on mid-grey, a lighter grey moves up, where it is nearer", "#767676", "#a0a0a0", "lighter"},
		{"on mid-grey, a darker grey moves down, where it is nearer", "#767676", "#505050", "darker"},
		{"on mid-grey, a darker blue moves down and keeps its hue", "#767676", "#4a5fa8", "darker"},
		{"on mid-grey, a lighter blue moves up, though little hue survives near white", "#767676", "#8fa8ff", "lighter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Colours{Primary: "#000000", Accent: "#000000", Background: tt.background, Text: tt.text}
			if tt.background == "#000000" {
				c.Primary = "#ffffff"
			}
			problems := c.ContrastProblems()
			if len(problems) != 1 || problems[0].Field != "color_text" {
				t.Fatalf("ContrastProblems() = %+v, want one problem with color_text", problems)
			}
			p := problems[0]
			checkSuggestion(t, c, p)
			if tt.background == "#767676" {
				white, _ := ContrastRatio("#ffffff", tt.background)
				black, _ := ContrastRatio("#000000", tt.background)
				if white < p.Need || black < p.Need {
					t.Fatalf("on %s white reaches %.2f and black %.2f: both ways should pass", tt.background, white, black)
				}
			}
			from, _ := parseColour(tt.text)
			to, _ := parseColour(p.Suggestion)
			switch tt.want {
			case "lighter":
				if to.luminance() <= from.luminance() {
					t.Errorf("suggestion %s is not lighter than %s", p.Suggestion, tt.text)
				}
			case "darker":
				if to.luminance() >= from.luminance() {
					t.Errorf("suggestion %s is not darker than %s", p.Suggestion, tt.text)
				}
			default:
				if p.Suggestion != tt.want {
					t.Errorf("suggestion = %s, want %s", p.Suggestion, tt.want)
				}
			}
		})
	}
}

func TestContrastProblemsSuggestionsFixThePalette(t *testing.T) {
	for _, c := range []Colours{
		{Primary: "#8fa8ff", Accent: "#f2a516", Background: "#ffffff", Text: "#cccccc"},
		{Primary: "#ffd400", Accent: "#f2a516", Background: "#fffbe6", Text: "#9a9a9a"},
		{Primary: "#3346d3", Accent: "#f2a516", Background: "#202020", Text: "#1b1b1f"},
		{Primary: "#00ff00", Accent: "#000000", Background: "#767676", Text: "#808080"},
	} {
		for _, p := range c.ContrastProblems() {
			switch p.Field {
			case "color_text":
				c.Text = p.Suggestion
			case "color_primary":
				c.Primary = p.Suggestion
			}
		}
		if problems := c.ContrastProblems(); problems != nil {
			t.Errorf("after applying the suggestions, %+v still has problems %+v", c, problems)
		}
	}
}

func TestOKLCHRoundTrip(t *testing.T) {
	for _, s := range []string{"#000000", "#ffffff", "#ff0000", "#00ff00", "#0000ff", "#3346d3", "#f2a516", "#1b1b1f", "#767676"} {
		c, _ := parseColour(s)
		if got := c.oklch().rgb().hex(); got != s {
			t.Errorf("%s through OKLCH came back as %s", s, got)
		}
	}
}

func TestOKLCHKnownValue(t *testing.T) {
	// sRGB red is oklch(62.8% 0.2577 29.23) in CSS Color 4.
	o := rgb{255, 0, 0}.oklch()
	if math.Abs(o.l-0.6280) > 0.0005 || math.Abs(o.c-0.2577) > 0.0005 || math.Abs(o.h*180/math.Pi-29.23) > 0.05 {
		t.Errorf("red in OKLCH = %.4f %.4f %.2f°, want 0.6280 0.2577 29.23°", o.l, o.c, o.h*180/math.Pi)
	}
}
