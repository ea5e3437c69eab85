// Package branding holds how an event looks and reads: theme, colours and
// copy per language. The console that edits it arrives with its own issue;
// the storefront reads the published version.
package branding

import (
	"regexp"
	"slices"

	"github.com/google/uuid"

	"marquee"
)

// Colours are an event's palette as lowercase #rrggbb values.
type Colours struct {
	Primary    string
	Accent     string
	Background string
	Text       string
}

// Copy is an event's text in one language.
type Copy struct {
	Title       string `json:"title"`
	Tagline     string `json:"tagline,omitempty"`
	Description string `json:"description,omitempty"`
	// The social preview (Open Graph) when a link to the event is shared;
	// empty falls back to Title and Tagline.
	SocialTitle       string `json:"social_title,omitempty"`
	SocialDescription string `json:"social_description,omitempty"`
}

// Branding is one version of an event's look.
type Branding struct {
	TenantID       uuid.UUID
	Version        int
	Theme          string
	Colours        Colours
	Copy           map[string]Copy // by locale
	LogoKey        string          // media key of the logo; "" for none
	HeroKey        string          // media key of the hero image; "" for none
	FaviconKey     string          // media key of the favicon; "" uses the logo
	SocialImageKey string          // media key of the social preview image; "" uses the hero image
	Font           string          // a key of Fonts; "" means "system"
}

// Themes are the storefront themes a branding may name (a CSS file each in
// themes/static/themes).
var Themes = []string{"classic", "bold"}

// Fonts are the self-hosted fonts a branding may use (themes/static/fonts),
// by name, with the CSS font stack each one sets.
var Fonts = map[string]string{
	"system":        `system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif`,
	"inter":         `"Inter", system-ui, sans-serif`,
	"merriweather":  `"Merriweather", Georgia, serif`,
	"space-grotesk": `"Space Grotesk", system-ui, sans-serif`,
}

// FontNames lists Fonts in the order the editor offers them.
var FontNames = []string{"system", "inter", "merriweather", "space-grotesk"}

// FontStack is the CSS font-family of the branding's font.
func (b Branding) FontStack() string {
	if stack, ok := Fonts[b.Font]; ok {
		return stack
	}
	return Fonts["system"]
}

// DefaultColours is the palette of a newly created event.
var DefaultColours = Colours{Primary: "#3346d3", Accent: "#f2a516", Background: "#ffffff", Text: "#1b1b1f"}

var hexColour = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// Validate checks a branding before it is stored.
func (b Branding) Validate() error {
	for field, c := range map[string]string{
		"color_primary": b.Colours.Primary, "color_accent": b.Colours.Accent,
		"color_background": b.Colours.Background, "color_text": b.Colours.Text,
	} {
		if !hexColour.MatchString(c) {
			return marquee.Invalid(field, "branding.colour_invalid")
		}
	}
	if !slices.Contains(Themes, b.Theme) {
		return marquee.Invalid("theme", "branding.theme_unknown")
	}
	if _, ok := Fonts[b.Font]; b.Font != "" && !ok {
		return marquee.Invalid("font", "branding.font_unknown")
	}
	return nil
}

// CopyFor returns the copy in locale, falling back to fallback, then to an
// empty Copy.
func (b Branding) CopyFor(locale, fallback string) Copy {
	if c, ok := b.Copy[locale]; ok && c.Title != "" {
		return c
	}
	return b.Copy[fallback]
}
