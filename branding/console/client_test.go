package console

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"marquee/db/dbtest"
	"marquee/tenant/web/webtest"
)

// The visitors of the console harness (server_test.go): fetched pages,
// parsed, and browsers that keep their cookies; the requests themselves
// are tenant/web/webtest's.

// response is a fetched page, parsed.
type response struct {
	status int
	header http.Header
	doc    *goquery.Document
	body   string
}

func fromPage(p *webtest.Page) *response {
	return &response{status: p.Status, header: p.Header, doc: p.Doc, body: p.Body}
}

// text returns the trimmed text of the first element matching selector.
func (r *response) text(selector string) string { return webtest.Text(r.doc, selector) }

// get fetches path from the server with the given Host and headers.
func (s *testServer) get(host, path string, headers ...string) *response {
	s.t.Helper()
	return fromPage(webtest.Client{T: s.t, URL: s.url, Host: host}.Get(path, headers...))
}

// shop is a visitor of one host (the console's, or an event's) with a
// cookie jar; it does not follow redirects.
type shop struct {
	s      *testServer
	client *http.Client
	host   string
}

// browser is a visitor of the console with its own cookies.
func (s *testServer) browser() *shop {
	return &shop{s: s, host: consoleHost, client: webtest.Browser()}
}

func (sh *shop) web() webtest.Client {
	return webtest.Client{T: sh.s.t, HTTP: sh.client, URL: sh.s.url, Host: sh.host}
}

// do sends a request to the visitor's host with its cookies.
func (sh *shop) do(method, path, contentType, body string, headers ...string) *response {
	sh.s.t.Helper()
	return fromPage(sh.web().Do(method, path, contentType, body, headers...))
}

// post submits a form.
func (sh *shop) post(path string, v url.Values, headers ...string) *response {
	sh.s.t.Helper()
	return fromPage(sh.web().Post(path, v, headers...))
}

// get fetches path with the visitor's cookies.
func (sh *shop) get(path string) *response { return sh.do(http.MethodGet, path, "", "") }

// signIn posts the login form with the token of the login page.
func signIn(b *shop, email, password string) *response {
	b.s.t.Helper()
	return fromPage(b.web().SignIn(email, password))
}

// signedInMember is a browser signed in as the marketing member of devcon.
func signedInMember(t *testing.T, s *testServer) *shop {
	t.Helper()
	b := s.browser()
	if r := signIn(b, "marketing@example.com", dbtest.Password); r.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.status)
	}
	return b
}

func csrfOf(r *response) string { return webtest.CSRF(r.doc) }

// waitFor polls cond until it holds, failing after within.
func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	dbtest.WaitFor(t, within, cond)
}

func intp(n int) *int { return &n }

// without is v less key.
func without(v url.Values, key string) url.Values { return webtest.Without(v, key) }

// with is v with key set to value.
func with(v url.Values, key, value string) url.Values {
	c := without(v, key)
	c.Set(key, value)
	return c
}

// logBuffer is a log the server writes while a test reads it.
type logBuffer struct{ webtest.Log }

// entries are the JSON log lines with message msg ("": every line).
func (l *logBuffer) entries(t *testing.T, msg string) []map[string]any {
	t.Helper()
	return l.Entries(t, msg)
}

// message is a message of themes/locales in lang.
func message(t *testing.T, lang, id string, kv ...any) string {
	t.Helper()
	return webtest.Message(t, lang, id, kv...)
}
