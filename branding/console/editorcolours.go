package console

import (
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/branding"
	"marquee/themes"
)

// A colour of the branding editor is three inputs: the browser's colour
// picker (named for the colour, color_primary), a text field with the hex
// value people can read, copy and type (color_primary_hex), and the value
// the page showed (color_primary_was). Without a script the two inputs do
// not follow each other, so the one that was changed wins; the text field
// when both were.

// minContrast is WCAG AA for normal text, as branding checks it.
const minContrast = 4.5

// ColourField is one colour of the editor: its inputs' values, whether
// it is the input a refusal names, and for the colours text is drawn in,
// the contrast with the background.
type ColourField struct {
	Name, Label, Value, Hex string
	Invalid                 bool
	Verdict                 *Verdict
}

// Verdict is the contrast of a colour with the background, in words:
// "AA ✓ 7.2:1" or "Too low: 2.1:1 - hard to read". OK and Low are the
// two messages with {ratio} in place of the number, for the script that
// redraws the verdict while a colour is being picked.
type Verdict struct {
	Text    string
	Pass    bool
	Against string // the input of the other colour of the pair
	OK, Low string
}

// colourInputs are the editor's colours with their labels; text and
// primary are read against the background.
var colourInputs = []struct{ name, label string }{
	{"color_primary", "console.branding.primary"}, {"color_accent", "console.branding.accent"},
	{"color_background", "console.branding.background"}, {"color_text", "console.branding.text"},
}

// colourFields are the editor's colour inputs for c; invalid names the
// input a refusal is about.
func colourFields(p themes.Page, c branding.Colours, invalid string) []ColourField {
	values := map[string]string{"color_primary": c.Primary, "color_accent": c.Accent, "color_background": c.Background, "color_text": c.Text}
	var out []ColourField
	for _, in := range colourInputs {
		f := ColourField{Name: in.name, Label: p.T(in.label), Value: values[in.name], Hex: values[in.name],
			Invalid: invalid == in.name || invalid == in.name+"_hex"}
		if in.name == "color_primary" || in.name == "color_text" {
			f.Verdict = contrastVerdict(p, values[in.name], c.Background)
		}
		out = append(out, f)
	}
	return out
}

// contrastVerdict is the verdict of fg on bg; with either colour not
// #rrggbb, a verdict with no text (the script fills it in once both are).
func contrastVerdict(p themes.Page, fg, bg string) *Verdict {
	v := &Verdict{Against: "color_background",
		OK: p.T("console.branding.contrast_ok", "Ratio", "{ratio}"), Low: p.T("console.branding.contrast_low", "Ratio", "{ratio}")}
	ratio, err := branding.ContrastRatio(fg, bg)
	if err != nil {
		return v
	}
	v.Pass = ratio >= minContrast
	v.Text = p.T(map[bool]string{true: "console.branding.contrast_ok", false: "console.branding.contrast_low"}[v.Pass], "Ratio", ratioText(ratio))
	return v
}

// ratioText writes a contrast ratio with one decimal, rounded down, so a
// ratio short of 4.5 never reads as 4.5.
func ratioText(ratio float64) string {
	return strconv.FormatFloat(math.Floor(ratio*10)/10, 'f', 1, 64)
}

// coloursFromForm reads the four colours. A hex value typed in the text
// field may leave out the # and use capitals or three digits ("ABC" is
// #aabbcc); anything else is refused naming the input it was typed in,
// before anything is stored.
func coloursFromForm(form url.Values) (branding.Colours, error) {
	got := map[string]string{}
	for _, in := range colourInputs {
		picked, typed, was := lower(strings.TrimSpace(form.Get(in.name))), strings.TrimSpace(form.Get(in.name+"_hex")), form.Get(in.name+"_was")
		if typed == "" || (typed == was && picked != was) {
			got[in.name] = picked
			continue
		}
		hex, ok := normalHex(typed)
		if !ok {
			return branding.Colours{}, marquee.Invalid(in.name+"_hex", "branding.colour_invalid")
		}
		got[in.name] = hex
	}
	return branding.Colours{Primary: got["color_primary"], Accent: got["color_accent"], Background: got["color_background"], Text: got["color_text"]}, nil
}

// normalHex is a typed colour as #rrggbb, if it is one.
func normalHex(s string) (string, bool) {
	s = lower(strings.TrimPrefix(s, "#"))
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return "", false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", false
		}
	}
	return "#" + s, true
}

// colourLabel is the label of a colour input a refusal names ("" for
// none), for the message that names it.
func colourLabel(p themes.Page, field string) string {
	field = strings.TrimSuffix(field, "_hex")
	for _, in := range colourInputs {
		if in.name == field {
			return p.T(in.label)
		}
	}
	return ""
}

// editorInputs are the labels of the editor's inputs a refusal may name,
// besides the colours.
var editorInputs = map[string]string{"theme": "console.branding.theme", "font": "console.branding.font"}

// editorProblem is a refusal of the editor's form in words, naming the
// input it is about when there is one.
func editorProblem(p themes.Page, refusal error) string {
	message := p.T(marquee.ErrorMessage(refusal))
	field := marquee.ErrorField(refusal)
	label := colourLabel(p, field)
	if id, ok := editorInputs[field]; ok {
		label = p.T(id)
	}
	if label == "" {
		return message
	}
	return p.T("console.problem", "Field", label, "Message", message)
}

// allowFramingBySelf lets the console's own pages show this answer in a
// frame (the editor's live preview): the page-wide policy forbids framing.
func allowFramingBySelf(c *fiber.Ctx) {
	c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
	csp := string(c.Response().Header.Peek(fiber.HeaderContentSecurityPolicy))
	if csp == "" {
		c.Set(fiber.HeaderContentSecurityPolicy, "frame-ancestors 'self'")
		return
	}
	c.Set(fiber.HeaderContentSecurityPolicy, strings.ReplaceAll(csp, "frame-ancestors 'none'", "frame-ancestors 'self'"))
}
