package webtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// SecretKey is the platform's secret key in tests (SECRET_KEY): it signs
// sessions, CSRF tokens, preview and order links.
const SecretKey = "test secret key, 32 bytes or more.."

// Client sends requests to the server at URL as if they were for Host.
// It is a value: harnesses keep the HTTP client and the host of a visitor
// in fields of their own (a test may change them) and make a Client of
// them for each request.
type Client struct {
	T    testing.TB
	HTTP *http.Client // nil: http.DefaultClient, no cookies
	URL  string       // the server, e.g. http://127.0.0.1:PORT
	Host string
}

// Browser is an HTTP client with a cookie jar that does not follow
// redirects, so that a test sees the 303 a form answers with.
func Browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Send sends a request with headers (name, value pairs) and returns the
// answer unread.
func (c Client) Send(method, path, contentType, body string, headers ...string) *http.Response {
	c.T.Helper()
	req := NewRequest(c.T, method, c.URL+path, c.Host, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := c.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	return res
}

// NewRequest is a request to url as if for host.
func NewRequest(t testing.TB, method, url, host, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	return req
}

// Do sends a request and reads the answer as a page.
func (c Client) Do(method, path, contentType, body string, headers ...string) *Page {
	c.T.Helper()
	return Read(c.T, c.Send(method, path, contentType, body, headers...))
}

// Get fetches path.
func (c Client) Get(path string, headers ...string) *Page {
	c.T.Helper()
	return c.Do(http.MethodGet, path, "", "", headers...)
}

// OK fetches path, failing the test unless it answers 200.
func (c Client) OK(path string) *Page {
	c.T.Helper()
	p := c.Get(path)
	if p.Status != http.StatusOK {
		c.T.Fatalf("GET %s: %d", path, p.Status)
	}
	return p
}

// Post submits a form.
func (c Client) Post(path string, v url.Values, headers ...string) *Page {
	c.T.Helper()
	return c.Do(http.MethodPost, path, "application/x-www-form-urlencoded", v.Encode(), headers...)
}

// SignIn posts the console's login form with the token of its login page.
func (c Client) SignIn(email, password string) *Page {
	c.T.Helper()
	csrf := CSRF(c.Get("/login").Doc)
	return c.Post("/login", url.Values{"csrf": {csrf}, "email": {email}, "password": {password}})
}

// Cookie is the value of the client's cookie name for its host ("": none).
// The jar keys cookies by the Host asked for, not the address dialled.
func (c Client) Cookie(name string) string {
	for _, k := range c.HTTP.Jar.Cookies(JarURL(c.Host)) {
		if k.Name == name {
			return k.Value
		}
	}
	return ""
}

// JarURL is where a cookie jar keeps the cookies of host.
func JarURL(host string) *url.URL { return &url.URL{Scheme: "http", Host: host, Path: "/"} }

// JSON is a decoded JSON answer of the API.
type JSON struct {
	Status int
	Header http.Header
	Body   map[string]any
}

// ErrorMessage is the message of the answer's error ("": none).
func (r JSON) ErrorMessage() string { return r.errorPart("message") }

// ErrorField is the field the answer's error names ("": none).
func (r JSON) ErrorField() string { return r.errorPart("field") }

func (r JSON) errorPart(key string) string {
	e, _ := r.Body["error"].(map[string]any)
	s, _ := e[key].(string)
	return s
}

// API sends a request to the API with a bearer token ("": none) and a JSON
// body ("": none), failing the test when the answer is not JSON.
func (c Client) API(method, path, token, body string) JSON {
	c.T.Helper()
	var headers []string
	if token != "" {
		headers = []string{"Authorization", "Bearer " + token}
	}
	contentType := ""
	if body != "" {
		contentType = "application/json"
	}
	res := c.Send(method, path, contentType, body, headers...)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := JSON{Status: res.StatusCode, Header: res.Header, Body: map[string]any{}}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out.Body); err != nil {
			c.T.Fatalf("%s %s: not JSON (%d): %s", method, path, res.StatusCode, raw)
		}
	}
	return out
}

// Marshal is v as JSON, for a request's body.
func Marshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
