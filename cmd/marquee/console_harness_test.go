package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"marquee/tenant"
	"marquee/tenant/staff"
)

// The console helpers of the end-to-end tests: signed-in staff of the
// console served by marquee serve.

const consoleHost = "console.shop.test"

// consoleServer is a test server with cheap password hashing and one
// marketing member of one event.
func consoleServer(t *testing.T) (*testServer, *tenant.Tenant, staff.Staff) {
	t.Helper()
	return consoleServerWith(t, func(*Config) {})
}

// consoleServerWith is consoleServer with the configuration changed by
// tune first (email workers, a DNS resolver…).
func consoleServerWith(t *testing.T, tune func(*Config)) (*testServer, *tenant.Tenant, staff.Staff) {
	t.Helper()
	cfg := defaultConfig()
	cfg.StaffPolicy = staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}}
	tune(&cfg)
	s := startServer(t, cfg)
	ev := s.event("devcon", tenant.StatusActive, blue)
	s.event("other", tenant.StatusActive, teal)
	ctx := context.Background()
	st, err := s.platform.staff.CreateStaff(ctx, "marketing@example.com", "Mia", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.platform.staff.SetPassword(ctx, st.ID, "correct horse battery", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := s.platform.staff.SetRole(ctx, st.ID, ev.ID, st.ID, staff.RoleMarketing); err != nil {
		t.Fatal(err)
	}
	return s, ev, st
}

// browser is a visitor of the console with its own cookies.
func (s *testServer) browser() *shop {
	jar, _ := cookiejar.New(nil)
	return &shop{s: s, host: consoleHost, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn posts the login form with the token of the login page.
func signIn(b *shop, email, password string) *response {
	page := b.do(http.MethodGet, "/login", "", "")
	csrf, _ := page.doc.Find(`input[name="csrf"]`).Attr("value")
	return b.post("/login", url.Values{"csrf": {csrf}, "email": {email}, "password": {password}})
}

// jarURL is where the visitor's cookies live: the client keys them by the
// Host it asked for, not by the loopback address it dialled.
func jarURL(b *shop) *url.URL { return &url.URL{Scheme: "http", Host: b.host, Path: "/"} }

func sessionValue(b *shop, _ *testServer) string {
	for _, c := range b.client.Jar.Cookies(jarURL(b)) {
		if c.Name == "marquee_session" {
			return c.Value
		}
	}
	return ""
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{R: 200, G: 30, B: 30, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
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

// editorForm returns the values of the branding form as the page shows it.
func editorForm(t *testing.T, b *shop, slug string) (url.Values, *response) {
	t.Helper()
	r := b.do(http.MethodGet, "/events/"+slug+"/branding", "", "")
	if r.status != 200 {
		t.Fatalf("editor: %d", r.status)
	}
	v := url.Values{}
	r.doc.Find("form.branding-form input, form.branding-form textarea, form.branding-form select").Each(func(_ int, sel *goquery.Selection) {
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
	return v, r
}

// multipartUpload builds the editor's image form.
func multipartUpload(t *testing.T, csrf, slot, filename string, data []byte) (string, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", csrf)
	_ = w.WriteField("slot", slot)
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	w.Close()
	return w.FormDataContentType(), body.String()
}

func csrfOf(r *response) string {
	v, _ := r.doc.Find(`input[name="csrf"]`).First().Attr("value")
	return v
}

// consolePage fetches a console page that must answer 200.
func consolePage(t *testing.T, b *shop, path string) *response {
	t.Helper()
	r := b.do(http.MethodGet, path, "", "")
	if r.status != 200 {
		t.Fatalf("GET %s: %d", path, r.status)
	}
	return r
}

// platformAdmin signs in a platform administrator.
func platformAdmin(t *testing.T, s *testServer) *shop {
	t.Helper()
	return consoleMember(t, s, "ops@example.com", true, nil, "")
}

// consoleMember creates a staff member with a password and signs them in;
// role on ev, unless ev is nil.
func consoleMember(t *testing.T, s *testServer, email string, platformAdmin bool, ev *tenant.Tenant, role staff.Role) *shop {
	t.Helper()
	ctx := context.Background()
	st, err := s.platform.staff.CreateStaff(ctx, email, "Someone", platformAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.platform.staff.SetPassword(ctx, st.ID, "correct horse battery", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if ev != nil {
		if err := s.platform.staff.SetRole(ctx, st.ID, ev.ID, st.ID, role); err != nil {
			t.Fatal(err)
		}
	}
	b := s.browser()
	if r := signIn(b, email, "correct horse battery"); r.status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", email, r.status)
	}
	return b
}

func mustRequest(t *testing.T, u, host string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	return req
}
