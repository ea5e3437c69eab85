package console

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"marquee/themes"
)

// The visitors of the console harness (server_test.go): fetched pages,
// parsed, and browsers that keep their cookies.

// response is a fetched page, parsed.
type response struct {
	status int
	header http.Header
	doc    *goquery.Document
	body   string
}

// text returns the trimmed text of the first element matching selector.
func (r *response) text(selector string) string {
	return strings.TrimSpace(r.doc.Find(selector).First().Text())
}

// get fetches path from the server with the given Host and headers.
func (s *testServer) get(host, path string, headers ...string) *response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Host = host
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	return parse(s.t, res)
}

func parse(t *testing.T, res *http.Response) *response {
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
	return &response{status: res.StatusCode, header: res.Header, doc: doc, body: string(b)}
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
	jar, _ := cookiejar.New(nil)
	return &shop{s: s, host: consoleHost, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request to the visitor's host with its cookies.
func (sh *shop) do(method, path, contentType, body string, headers ...string) *response {
	sh.s.t.Helper()
	req, err := http.NewRequest(method, sh.s.url+path, strings.NewReader(body))
	if err != nil {
		sh.s.t.Fatal(err)
	}
	req.Host = sh.host
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := sh.client.Do(req)
	if err != nil {
		sh.s.t.Fatal(err)
	}
	return parse(sh.s.t, res)
}

// post submits a form.
func (sh *shop) post(path string, v url.Values, headers ...string) *response {
	return sh.do(http.MethodPost, path, "application/x-www-form-urlencoded", v.Encode(), headers...)
}

// signIn posts the login form with the token of the login page.
func signIn(b *shop, email, password string) *response {
	page := b.do(http.MethodGet, "/login", "", "")
	csrf, _ := page.doc.Find(`input[name="csrf"]`).Attr("value")
	return b.post("/login", url.Values{"csrf": {csrf}, "email": {email}, "password": {password}})
}

// signedInMember is a browser signed in as the marketing member of devcon.
func signedInMember(t *testing.T, s *testServer) *shop {
	t.Helper()
	b := s.browser()
	if r := signIn(b, "marketing@example.com", "correct horse battery"); r.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.status)
	}
	return b
}

func csrfOf(r *response) string {
	v, _ := r.doc.Find(`input[name="csrf"]`).First().Attr("value")
	return v
}

// waitFor polls cond until it holds, failing after within.
func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func intp(n int) *int { return &n }

// without is v less key.
func without(v url.Values, key string) url.Values {
	c := url.Values{}
	for k, vs := range v {
		if k != key {
			c[k] = vs
		}
	}
	return c
}

// with is v with key set to value.
func with(v url.Values, key, value string) url.Values {
	c := without(v, key)
	c.Set(key, value)
	return c
}

// logBuffer is a log the server writes while a test reads it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// entries are the JSON log lines with message msg ("": every line).
func (l *logBuffer) entries(t *testing.T, msg string) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for sc := bufio.NewScanner(bytes.NewReader(l.buf.Bytes())); sc.Scan(); {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if msg == "" || e["msg"] == msg {
			out = append(out, e)
		}
	}
	return out
}

// get fetches path with the visitor's cookies.
func (sh *shop) get(path string) *response { return sh.do(http.MethodGet, path, "", "") }

// message is a message of themes/locales in lang.
func message(t *testing.T, lang, id string, kv ...any) string {
	t.Helper()
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	msg := set.Translations().T(lang, id, kv...)
	if msg == id || msg == "" {
		t.Fatalf("%s has no %s translation", id, lang)
	}
	return msg
}
