// Package webtest is the test client of Marquee's pages and API: requests
// with a Host of the test's choosing to a server on loopback, answers read
// and parsed with goquery, cookies kept in a jar, forms read back with
// their CSRF tokens and hidden values. It holds what every web package's
// harness (branding/console, storefront/web, tenant/api) and the
// end-to-end tests of cmd/marquee need alike; only tests import it.
// Test databases and the rows in them are db/dbtest's.
package webtest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Page is an answer, read and parsed as HTML.
type Page struct {
	Status int
	Header http.Header
	Doc    *goquery.Document
	Body   string
}

// Read reads and closes res's body and parses it.
func Read(t testing.TB, res *http.Response) *Page {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return &Page{Status: res.StatusCode, Header: res.Header, Doc: doc, Body: string(b)}
}

// Text is the trimmed text of the first element matching selector.
func Text(doc *goquery.Document, selector string) string {
	return strings.TrimSpace(doc.Find(selector).First().Text())
}

// CSRF is the value of the page's first CSRF field.
func CSRF(doc *goquery.Document) string {
	v, _ := doc.Find(`input[name="csrf"]`).First().Attr("value")
	return v
}

// LinkByText is the href of the first element matching selector whose
// text is text ("": none).
func LinkByText(doc *goquery.Document, selector, text string) string {
	href, _ := doc.Find(selector).FilterFunction(func(_ int, a *goquery.Selection) bool { return a.Text() == text }).Attr("href")
	return href
}

// FormValues are the values of the fields matching selector as the page
// shows them: an input's value, a textarea's text, a select's selected
// option.
func FormValues(doc *goquery.Document, selector string) url.Values {
	v := url.Values{}
	doc.Find(selector).Each(func(_ int, sel *goquery.Selection) {
		name, _ := sel.Attr("name")
		switch goquery.NodeName(sel) {
		case "textarea":
			v.Set(name, sel.Text())
		case "select":
			val, _ := sel.Find("option[selected]").Attr("value")
			v.Set(name, val)
		default:
			val, _ := sel.Attr("value")
			v.Set(name, val)
		}
	})
	return v
}

// Without is a copy of v less key.
func Without(v url.Values, key string) url.Values {
	c := url.Values{}
	for k, vs := range v {
		if k != key {
			c[k] = vs
		}
	}
	return c
}

// With is a copy of v with key set to value.
func With(v url.Values, key, value string) url.Values {
	c := Without(v, key)
	c.Set(key, value)
	return c
}
