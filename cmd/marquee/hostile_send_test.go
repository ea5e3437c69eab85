package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"

	"marquee/tenant"
)

// sendBody posts value in every field a form or the API takes.
func (w *walker) sendBody(r walkRoute, path, value string) {
	sent := map[string]bool{}
	if r.app == "api" {
		body := map[string]any{}
		for _, n := range w.apiFields(r, path) {
			body[n] = value
			sent[n] = badText(value)
		}
		b, _ := json.Marshal(body)
		if badText(value) {
			// encoding/json would replace bad bytes; send them raw.
			b = []byte(strings.ReplaceAll(string(b), `\ufffd`, value))
		}
		w.check(r, path, "application/json", string(b), sent)
		return
	}
	form := url.Values{}
	for n := range w.formNames {
		form.Set(n, value)
		sent[n] = badText(value)
	}
	form.Set("csrf", w.csrfFor(r))
	w.check(r, path, fiber.MIMEApplicationForm, form.Encode(), sent)
	form = url.Values{"csrf": {w.csrfFor(r)}}
	for n := range w.formNames {
		if n != "csrf" {
			form[n] = []string{value, value}
		}
	}
	w.check(r, path, fiber.MIMEApplicationForm, form.Encode(), sent)
	contentType, body := multipartForm(form, w.fileNames, value)
	w.check(r, path, contentType, body, sent)
}

// multipartForm is form as multipart/form-data (as the upload forms send
// it), with value also as the contents of a file in every file input the
// pages have. (A NUL in a part's header is refused by fasthttp with a 400
// before any handler runs.)
func multipartForm(form url.Values, files []string, value string) (contentType, body string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for name, values := range form {
		for _, v := range values {
			_ = mw.WriteField(name, v)
		}
	}
	for _, name := range files {
		fw, _ := mw.CreateFormFile(name, "hostile.png")
		_, _ = fw.Write([]byte(value))
	}
	_ = mw.Close()
	return mw.FormDataContentType(), buf.String()
}

// apiFields are the JSON fields a route takes: all of jsonNames but those
// it names as unknown.
func (w *walker) apiFields(r walkRoute, path string) []string {
	names := append([]string(nil), w.jsonNames...)
	for range w.jsonNames {
		body := map[string]string{}
		for _, n := range names {
			body[n] = "x"
		}
		b, _ := json.Marshal(body)
		a := w.check(r, path, "application/json", string(b), nil)
		if a.status != 400 || a.field == "" {
			return names
		}
		names = remove(names, a.field)
	}
	return names
}

func remove(list []string, s string) []string {
	var out []string
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

// sendJSONKinds sends every JSON value of the wrong kind in each field, and
// bodies that are no object at all.
func (w *walker) sendJSONKinds(r walkRoute, path string) {
	names := w.apiFields(r, path)
	for _, v := range hostileJSON {
		parts := make([]string, 0, len(names))
		for _, n := range names {
			parts = append(parts, fmt.Sprintf("%q:%s", n, v))
		}
		w.check(r, path, "application/json", "{"+strings.Join(parts, ",")+"}", nil)
		w.check(r, path, "application/json", v, nil)
	}
}

func (w *walker) csrfFor(r walkRoute) string {
	switch {
	case r.app == "storefront":
		return w.storeCSRF
	case r.path == "/login" || strings.HasPrefix(r.path, "/invite/") || strings.HasPrefix(r.path, "/reset"):
		return w.loginCSRF
	}
	return w.sessionCSRF
}

// check sends one request and holds its answer to the rules: never a 5xx;
// a 400 or 422 to bad text names one of the fields that carried it.
func (w *walker) check(r walkRoute, path, contentType, body string, badFields map[string]bool) walkAnswer {
	w.t.Helper()
	a := w.send(r, path, contentType, body)
	w.requests++
	if w.byStatus[r.app] == nil {
		w.byStatus[r.app] = map[int]int{}
	}
	w.byStatus[r.app][a.status]++
	if a.status >= 500 {
		w.fiveHundreds++
		w.t.Errorf("%s %s %s (%.80q): %d %.300s", r.app, r.method, shorten(path), shorten(body), a.status, a.body)
	}
	anyBad := false
	for _, bad := range badFields {
		anyBad = anyBad || bad
	}
	if anyBad && r.method != fiber.MethodHead && (a.status == 400 || a.status == 422) && !badFields[a.field] {
		w.t.Errorf("%s %s %s: %d names %q, not a field with bad text (%v)", r.app, r.method, shorten(path), a.status, a.field, badFields)
	}
	if r.method != fiber.MethodGet && r.method != fiber.MethodHead {
		w.keepEventOpen()
		w.keepAdminSignedIn()
	}
	return a
}

// keepAdminSignedIn puts the admin's session cookie back when a request
// replaced it (accepting an invitation signs its new account in), so the
// walk keeps reaching every page as the platform admin.
func (w *walker) keepAdminSignedIn() {
	if sessionValue(w.console, w.s) != w.adminSession {
		w.console.client.Jar.SetCookies(jarURL(w.console), []*http.Cookie{{Name: "marquee_session", Value: w.adminSession, Path: "/"}})
	}
}

func shorten(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// keepEventOpen resumes the event when a request suspended or archived it,
// so later requests still reach the handlers of an open event.
func (w *walker) keepEventOpen() {
	ctx := context.Background()
	ev, err := w.s.platform.provision.Get(ctx, "walk")
	if err != nil {
		w.t.Fatalf("the walk's event is gone: %v", err)
	}
	if ev.Status != tenant.StatusActive {
		if _, err := w.s.db.SetTenantStatus(ctx, ev.ID, tenant.StatusActive); err != nil {
			w.t.Fatal(err)
		}
		w.s.settle()
	}
}

// send makes one request as the route's user: the event's visitor, the
// signed-in admin, or the API token's holder.
func (w *walker) send(r walkRoute, path, contentType, body string) walkAnswer {
	w.t.Helper()
	req, err := http.NewRequest(r.method, w.s.url+path, strings.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	client := http.DefaultClient
	switch r.app {
	case "storefront":
		req.Host, client = w.store.host, w.store.client
	case "console":
		req.Host, client = consoleHost, w.console.client
	case "api":
		req.Host = consoleHost
		req.Header.Set("Authorization", "Bearer "+w.apiToken)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := client.Do(req)
	if err != nil && len(path) > 4096 {
		// fasthttp closes the connection of a request line longer than
		// its read buffer before any handler runs.
		return walkAnswer{status: 0}
	}
	if err != nil {
		w.t.Fatalf("%s %s: %s", r.method, shorten(path), shorten(err.Error()))
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return walkAnswer{status: res.StatusCode, body: string(raw), field: namedField(res.Header.Get("Content-Type"), raw)}
}

// namedField is the field an error answer names: the API's "field", or
// the quoted name in an error page's message.
func namedField(contentType string, raw []byte) string {
	if strings.HasPrefix(contentType, "application/json") {
		var out struct {
			Error struct {
				Field string `json:"field"`
			} `json:"error"`
		}
		_ = json.Unmarshal(raw, &out)
		return out.Error.Field
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
	if err != nil {
		return ""
	}
	msg := doc.Find("p.message").Text()
	_, after, ok := strings.Cut(msg, "“")
	name, _, ok2 := strings.Cut(after, "”")
	if !ok || !ok2 {
		return ""
	}
	return name
}
