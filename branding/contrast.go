package branding

import (
	"fmt"
	"math"
	"strconv"

	"marquee"
)

// minContrastNormalText is the WCAG 2.x AA minimum for normal-size text.
const minContrastNormalText = 4.5

// ContrastRatio returns the WCAG 2.x contrast ratio (1 to 21) of two #rrggbb
// colours (relative luminance with the sRGB transfer function,
// (L1+0.05)/(L2+0.05)).
func ContrastRatio(a, b string) (float64, error) {
	ca, err := parseColour(a)
	if err != nil {
		return 0, err
	}
	cb, err := parseColour(b)
	if err != nil {
		return 0, err
	}
	return contrast(ca.luminance(), cb.luminance()), nil
}

// ContrastProblem is one colour pair of the palette that fails WCAG AA.
type ContrastProblem struct {
	Field      string  // the input to change, e.g. "color_text"
	Against    string  // the input it is read against, e.g. "color_background"
	Ratio      float64 // measured, rounded down to 2 decimals
	Need       float64 // 4.5 for normal text
	Suggestion string  // #rrggbb nearest to Field's colour that reaches Need against Against; "" if none exists
	Message    string  // go-i18n message ID explaining it: "branding.contrast_too_low"
}

// ContrastProblems checks the pairs the themes draw text with: text on
// background, and primary with background, which covers both links and
// headings on background and background-coloured text on primary (hero band,
// buttons): contrast is symmetric, so that is one pair and one problem, and
// the suggestion changes the primary, which leaves the text pair alone.
// Accent is decoration and not checked. Invalid colours are left to
// Validate. Nil means the palette passes.
func (c Colours) ContrastProblems() []ContrastProblem {
	var problems []ContrastProblem
	for _, p := range []struct{ field, colour string }{
		{"color_text", c.Text},
		{"color_primary", c.Primary},
	} {
		if problem, ok := contrastProblem(p.field, p.colour, "color_background", c.Background); ok {
			problems = append(problems, problem)
		}
	}
	return problems
}

// CheckReadable returns an EINVALID error naming the first colour whose
// contrast fails (the message of ContrastProblems), or nil: what may be
// published.
func (c Colours) CheckReadable() error {
	if problems := c.ContrastProblems(); len(problems) > 0 {
		return marquee.Invalid(problems[0].Field, problems[0].Message)
	}
	return nil
}

// contrastProblem checks one colour against another and, if it fails,
// explains the failure with a passing suggestion.
func contrastProblem(field, colour, against, againstColour string) (ContrastProblem, bool) {
	fg, err1 := parseColour(colour)
	bg, err2 := parseColour(againstColour)
	if err1 != nil || err2 != nil {
		return ContrastProblem{}, false
	}
	ratio := contrast(fg.luminance(), bg.luminance())
	if ratio >= minContrastNormalText {
		return ContrastProblem{}, false
	}
	p := ContrastProblem{
		Field:   field,
		Against: against,
		// Rounded down so a failing ratio never reads as the 4.50 it misses.
		Ratio:   math.Floor(ratio*100) / 100,
		Need:    minContrastNormalText,
		Message: "branding.contrast_too_low",
	}
	if s, ok := suggestColour(fg, bg, minContrastNormalText); ok {
		p.Suggestion = s.hex()
	}
	return p, true
}

// rgb is a colour as 8-bit sRGB channels.
type rgb struct{ r, g, b uint8 }

// parseColour reads a colour as Validate accepts it: lowercase #rrggbb.
func parseColour(s string) (rgb, error) {
	if !hexColour.MatchString(s) {
		return rgb{}, marquee.Wrap(marquee.EINVALID, "branding.colour_invalid",
			fmt.Errorf("colour %q is not #rrggbb", s))
	}
	n, _ := strconv.ParseUint(s[1:], 16, 32) // the pattern guarantees 6 hex digits
	return rgb{uint8(n >> 16), uint8(n >> 8), uint8(n)}, nil
}

// hex formats the colour as lowercase #rrggbb.
func (c rgb) hex() string {
	return fmt.Sprintf("#%02x%02x%02x", c.r, c.g, c.b)
}

// luminance is the WCAG relative luminance, 0 for black to 1 for white.
func (c rgb) luminance() float64 {
	return 0.2126*linearise(c.r) + 0.7152*linearise(c.g) + 0.0722*linearise(c.b)
}

// linearise undoes the sRGB transfer function (encodeChannel applies it). WCAG 2.x quotes 0.03928 as
// the threshold, the sRGB standard 0.04045; no 8-bit value lies between.
func linearise(v uint8) float64 {
	x := float64(v) / 255
	if x <= 0.04045 {
		return x / 12.92
	}
	return math.Pow((x+0.055)/1.055, 2.4)
}

// contrast is the WCAG contrast ratio of two relative luminances.
func contrast(y1, y2 float64) float64 {
	return (max(y1, y2) + 0.05) / (min(y1, y2) + 0.05)
}

// suggestColour returns the colour nearest to from that reaches need against
// bg, keeping from's OKLCH hue and chroma and moving only its lightness, the
// least it can, up or down. OKLCH rather than HSL because equal steps there
// look equal and the hue does not drift as the lightness changes.
func suggestColour(from, bg rgb, need float64) (rgb, bool) {
	bgY := bg.luminance()
	passes := func(c rgb) bool { return contrast(c.luminance(), bgY) >= need }
	start := from.oklch()
	up, upDist, upOK := searchLightness(start, 1, passes)
	down, downDist, downOK := searchLightness(start, 0, passes)
	switch {
	case upOK && (!downOK || upDist <= downDist):
		return up, true
	case downOK:
		return down, true
	}
	return rgb{}, false
}

// lightnessSteps is how finely searchLightness walks before it bisects: fine
// enough that no passing stretch is skipped, an 8-bit step being about 1/255.
const lightnessSteps = 512

// searchLightness walks the lightness of start towards end (0 or 1) and
// returns the first colour that passes, with how far the lightness moved.
// It walks then bisects, rather than only bisecting, because after gamut
// mapping and rounding to 8 bits the contrast need not grow monotonically.
func searchLightness(start oklch, end float64, passes func(rgb) bool) (rgb, float64, bool) {
	at := func(l float64) rgb { return oklch{l, start.c, start.h}.rgb() }
	prev := start.l
	for i := 1; i <= lightnessSteps; i++ {
		l := start.l + (end-start.l)*float64(i)/lightnessSteps
		if c := at(l); passes(c) {
			return bisectLightness(prev, l, at, passes)
		}
		prev = l
	}
	return rgb{}, 0, false
}

// bisectLightness narrows a failing lightness fail and a passing one pass to
// the passing colour closest to fail.
func bisectLightness(fail, pass float64, at func(float64) rgb, passes func(rgb) bool) (rgb, float64, bool) {
	start := fail
	for range 30 {
		mid := (fail + pass) / 2
		if passes(at(mid)) {
			pass = mid
		} else {
			fail = mid
		}
	}
	return at(pass), math.Abs(pass - start), true
}

// oklch is a colour in OKLCH: perceptual lightness 0 to 1, chroma, and hue
// in radians.
type oklch struct{ l, c, h float64 }

// oklch converts an sRGB colour to OKLCH (Björn Ottosson's OKLab, in polar
// form).
func (c rgb) oklch() oklch {
	r, g, b := linearise(c.r), linearise(c.g), linearise(c.b)
	l := math.Cbrt(0.4122214708*r + 0.5363325363*g + 0.0514459929*b)
	m := math.Cbrt(0.2119034982*r + 0.6806995451*g + 0.1073969566*b)
	s := math.Cbrt(0.0883024619*r + 0.2817188376*g + 0.6299787005*b)
	L := 0.2104542553*l + 0.7936177850*m - 0.0040720468*s
	A := 1.9779984951*l - 2.4285922050*m + 0.4505937099*s
	B := 0.0259040371*l + 0.7827717662*m - 0.8086757660*s
	if c.r == c.g && c.g == c.b {
		// A grey's chroma is rounding noise; left in, it can tint the
		// suggestion by one step in one channel.
		return oklch{L, 0, 0}
	}
	return oklch{L, math.Hypot(A, B), math.Atan2(B, A)}
}

// rgb converts to the nearest 8-bit sRGB colour. A chroma sRGB cannot show
// at this lightness is reduced until it can, so the hue is kept.
func (o oklch) rgb() rgb {
	r, g, b := o.linearRGB()
	if !inGamut(r, g, b) {
		lo, hi := 0.0, o.c
		for range 20 {
			mid := (lo + hi) / 2
			if inGamut(oklch{o.l, mid, o.h}.linearRGB()) {
				lo = mid
			} else {
				hi = mid
			}
		}
		r, g, b = oklch{o.l, lo, o.h}.linearRGB()
	}
	return rgb{encodeChannel(r), encodeChannel(g), encodeChannel(b)}
}

// linearRGB converts to linear sRGB, possibly outside 0 to 1.
func (o oklch) linearRGB() (r, g, b float64) {
	A, B := o.c*math.Cos(o.h), o.c*math.Sin(o.h)
	l := cube(o.l + 0.3963377774*A + 0.2158037573*B)
	m := cube(o.l - 0.1055613458*A - 0.0638541728*B)
	s := cube(o.l - 0.0894841775*A - 1.2914855480*B)
	r = 4.0767416621*l - 3.3077115913*m + 0.2309699292*s
	g = -1.2684380046*l + 2.6097574011*m - 0.3413193965*s
	b = -0.0041960863*l - 0.7034186147*m + 1.7076147010*s
	return r, g, b
}

func cube(x float64) float64 { return x * x * x }

// inGamut reports whether linear sRGB channels are displayable, allowing for
// rounding in the conversion.
func inGamut(r, g, b float64) bool {
	const eps = 1e-6
	return min(r, g, b) >= -eps && max(r, g, b) <= 1+eps
}

// encodeChannel applies the sRGB transfer function and rounds to 8 bits.
func encodeChannel(v float64) uint8 {
	v = min(max(v, 0), 1)
	if v <= 0.0031308 {
		v *= 12.92
	} else {
		v = 1.055*math.Pow(v, 1/2.4) - 0.055
	}
	return uint8(math.Round(v * 255))
}
