// Package themes holds everything a visitor's browser receives that is not
// data: page templates, CSS and translations, embedded in the binary and
// parsed once. Nothing is loaded from a CDN.
package themes

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"strings"
)

//go:embed templates/*.html static locales/*.toml
var files embed.FS

// Set is the parsed templates and the translations.
type Set struct {
	pages map[string]*template.Template
	i18n  *Translations
}

// Load parses every page template and every translation file.
func Load() (*Set, error) {
	tr, err := loadTranslations()
	if err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Set{pages: pages, i18n: tr}, nil
}

// parsePages makes one template per page: the shared layout plus the page.
func parsePages() (map[string]*template.Template, error) {
	layout, err := template.ParseFS(files, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, path := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(path, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(files, path)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", path, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// Render writes page name with data to w. It renders into a buffer first so
// a failing template never sends half a page.
func (s *Set) Render(w io.Writer, name string, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("themes: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// Translations returns the message catalogue.
func (s *Set) Translations() *Translations { return s.i18n }

//go:embed email
var emailFiles embed.FS

// Email is the email templates (layout, shared parts, one .html and one
// .txt per kind), which storefront/notify/render parses.
func Email() fs.FS {
	sub, _ := fs.Sub(emailFiles, "email") // "email" is embedded: Sub cannot fail
	return sub
}

// Static is the CSS and other assets, served under /static/.
func Static() fs.FS {
	sub, _ := fs.Sub(files, "static") // "static" is embedded: Sub cannot fail
	return sub
}
