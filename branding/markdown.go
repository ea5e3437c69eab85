package branding

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
)

// Markdown renders an event's description (Markdown written by marketing
// staff) to HTML that is safe to put on the page: goldmark renders it
// without raw HTML, then bluemonday's user-generated-content policy removes
// anything that could run or track (scripts, event handlers, style, iframes),
// and links open safely (rel="nofollow noopener", target _blank for
// other sites).
type Markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// NewMarkdown returns a renderer; make one and share it.
func NewMarkdown() *Markdown {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return &Markdown{md: goldmark.New(), policy: p}
}

// HTML renders src to sanitised HTML.
func (m *Markdown) HTML(src string) template.HTML {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(m.policy.SanitizeBytes(buf.Bytes()))
}
