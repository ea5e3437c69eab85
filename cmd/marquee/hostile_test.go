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
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/tenant/staff"
)

// hostileValues are what the walk puts in every path parameter, query
// parameter, form field and JSON field. The first four are not text a
// database takes (SQLSTATE 22021).
var hostileValues = []struct{ name, value string }{
	{"NUL", "\x00"},
	{"a NUL inside", "a\x00b"},
	{"a lone 0xff byte", "\xff"},
	{"a truncated UTF-8 sequence", "\xc3\x28"},
	{"10,000 characters", strings.Repeat("x", 10000)},
	{"-1", "-1"},
	{"1e30", "1e30"},
	{"twenty nines", "99999999999999999999"},
}

func badText(value string) bool {
	return strings.ContainsRune(value, 0) || !utf8Valid(value)
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "?") == s }

// hostileJSON are JSON values of every wrong kind: numbers out of any
// range, arrays and objects where strings belong, null.
var hostileJSON = []string{`-1`, `1e30`, `99999999999999999999`, `["a","b"]`, `{"a":1}`, `null`, `true`, `[]`}

// walkRoute is one registered route of one app.
type walkRoute struct {
	app, method, path string // app: storefront, console or api
	params            []string
}

// walkAnswer is what one request got back.
type walkAnswer struct {
	status int
	field  string // the field the answer names, if any
	body   string
}

// walker sends hostile requests to every route of the platform's apps,
// signed in where the route needs it, with valid CSRF tokens.
type walker struct {
	t         *testing.T
	s         *testServer
	ev        *tenant.Tenant
	store     *shop // a visitor of the event
	console   *shop // a platform admin, signed in
	apiToken  string
	storeCSRF string
	// sessionCSRF is the signed-in console's form token, loginCSRF the
	// sign-in, invitation and reset forms' one.
	sessionCSRF, loginCSRF string
	adminSession           string // the admin's session cookie
	// Names of inputs and query parameters the pages use, gathered from
	// the pages themselves; jsonNames the API's body fields.
	formNames, queryNames map[string]bool
	fileNames             []string // the file inputs of the upload forms
	jsonNames             []string
	// real values of path parameters: by route pattern, then by name.
	real       map[string]map[string]string
	realByName map[string]string
	baseQuery  map[string]url.Values // by route app+path: what the route needs to reach its handler

	requests, fiveHundreds int
	byStatus               map[string]map[int]int // by app, then status
}

// appRoutes lists the routes an app registered: its own routes, and for
// middleware mounted on a prefix (static files, the API's group), that
// prefix with a wildcard.
func appRoutes(app *fiber.App, name string) []walkRoute {
	own := map[string]bool{}
	var out []walkRoute
	for _, r := range app.GetRoutes(true) {
		own[r.Method+" "+r.Path] = true
		out = append(out, walkRoute{app: name, method: r.Method, path: r.Path, params: r.Params})
	}
	for _, r := range app.GetRoutes(false) {
		if own[r.Method+" "+r.Path] || r.Path == "/" || r.Method != fiber.MethodGet {
			continue
		}
		out = append(out, walkRoute{app: name, method: r.Method, path: strings.TrimSuffix(r.Path, "/") + "/*", params: []string{"*1"}})
	}
	for i := range out {
		if strings.HasPrefix(out[i].path, "/api/") {
			out[i].app = "api"
		}
	}
	return out
}

// walkOrder puts what ends a session or deletes last, so the walk keeps
// reaching handlers behind the sign-in wall with real ids.
func walkOrder(routes []walkRoute) {
	weight := func(r walkRoute) int {
		switch {
		case strings.HasSuffix(r.path, "/logout"):
			return 3
		case r.method == fiber.MethodDelete || strings.HasSuffix(r.path, "/delete") || strings.HasSuffix(r.path, "/remove"):
			return 2
		case r.method == fiber.MethodGet || r.method == fiber.MethodHead:
			return 0
		}
		return 1
	}
	sort.SliceStable(routes, func(i, j int) bool { return weight(routes[i]) < weight(routes[j]) })
}

func TestHostileInputOnEveryRoute(t *testing.T) {
	w := newWalker(t)
	t.Run("the issue's requests are refused with 400 naming the field", func(t *testing.T) {
		w.t = t
		cases := []struct {
			app, method, path, body string
			field                   string
		}{
			{"api", http.MethodGet, "/api/v1/events?after=%00", "", "after"},
			{"api", http.MethodGet, "/api/v1/events?after=%ff", "", "after"},
			{"api", http.MethodGet, "/api/v1/events?after=%c3%28", "", "after"},
			{"api", http.MethodPatch, "/api/v1/events/walk", `{"name":"a\u0000b"}`, "name"},
			{"console", http.MethodGet, "/events/walk/orders?q=%00", "", "q"},
			{"storefront", http.MethodGet, "/order?lang=%ff", "", "lang"},
		}
		for _, c := range cases {
			ct := ""
			if c.body != "" {
				ct = "application/json"
			}
			a := w.send(walkRoute{app: c.app, method: c.method}, c.path, ct, c.body)
			if a.status != 400 || a.field != c.field {
				t.Errorf("%s %s: %d naming %q, want 400 naming %q: %.300s", c.method, c.path, a.status, a.field, c.field, a.body)
			}
		}
		if ev, err := w.s.platform.provision.Get(context.Background(), "walk"); err != nil || ev.Name != w.ev.Name {
			t.Errorf("a refused PATCH renamed the event: %v %v", ev, err)
		}
	})
	t.Run("the API names an unknown field and a field of the wrong type", func(t *testing.T) {
		w.t = t
		a := w.send(walkRoute{app: "api", method: http.MethodPost}, "/api/v1/events", "application/json", `{"slug": "berlin", "nmae": "typo"}`)
		if a.status != 400 || a.field != "nmae" || !strings.Contains(a.body, `This request does not take a field “nmae”.`) {
			t.Errorf("unknown field: %d %q %s", a.status, a.field, a.body)
		}
		a = w.send(walkRoute{app: "api", method: http.MethodPatch}, "/api/v1/events/walk", "application/json", `{"name": ["a", "b"]}`)
		if a.status != 400 || a.field != "name" || !strings.Contains(a.body, `Send “name” as a JSON string.`) {
			t.Errorf("an array for a string: %d %q %s", a.status, a.field, a.body)
		}
	})
	t.Run("no route of any app answers a hostile value with a 5xx", func(t *testing.T) {
		w.t = t
		routes := append(appRoutes(w.s.platform.newApp(), "storefront"), appRoutes(w.s.platform.newConsole(w.s.platform.storefront()), "console")...)
		walkOrder(routes)
		w.gather(routes)
		if len(w.formNames) < 20 || len(w.queryNames) < 5 || len(w.fileNames) == 0 {
			t.Fatalf("the pages gave %d form inputs, %d query parameters and file inputs %v: the gathering is broken",
				len(w.formNames), len(w.queryNames), w.fileNames)
		}
		for _, r := range routes {
			w.walk(r)
		}
		count := map[string]int{}
		for _, r := range routes {
			count[r.app]++
		}
		t.Logf("walked %d routes (storefront app %d, console %d, API %d) with %d requests", len(routes), count["storefront"], count["console"], count["api"], w.requests)
		for _, app := range []string{"storefront", "console", "api"} {
			t.Logf("%s: statuses %v", app, w.byStatus[app])
			// A 422 is a handler's own refusal: the walk got past the
			// sign-in wall, the CSRF check and the edge check.
			if w.byStatus[app][422] < 5 {
				t.Errorf("%s: only %d answers from handlers' own rules: the walk does not reach them", app, w.byStatus[app][422])
			}
		}
		if w.fiveHundreds > 0 {
			t.Errorf("%d requests answered 5xx", w.fiveHundreds)
		}
		if len(routes) < 80 {
			t.Errorf("only %d routes found: the enumeration is broken", len(routes))
		}
	})
}

func newWalker(t *testing.T) *walker {
	cfg := defaultConfig()
	cfg.StaffPolicy = staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}}
	cfg.MailInbox = true
	s := startServer(t, cfg)
	ctx := context.Background()
	sh := newShop(t, s, "walk")
	s.event("other", tenant.StatusActive, teal)
	w := &walker{t: t, s: s, ev: sh.ev, store: sh, formNames: map[string]bool{}, queryNames: map[string]bool{},
		real: map[string]map[string]string{}, realByName: map[string]string{}, baseQuery: map[string]url.Values{}, byStatus: map[string]map[int]int{}}

	placed := sh.post("/order", sh.validOrder())
	loc, err := url.Parse(placed.header.Get("Location"))
	if placed.status != http.StatusSeeOther || err != nil {
		t.Fatalf("placing the walk's order: %d %v", placed.status, err)
	}
	number := strings.TrimPrefix(loc.Path, "/orders/")
	w.baseQuery["storefront /orders/:number"] = url.Values{"sig": {loc.Query().Get("sig")}}
	w.baseQuery["storefront /orders/:number/cancel"] = url.Values{"sig": {loc.Query().Get("sig")}}
	w.storeCSRF = sh.form().Get("csrf")

	supplierID, err := s.db.SaveSupplier(ctx, sh.ev.ID, suppliers.Supplier{Name: "Acme", Emails: []string{"orders@acme.example"}, Mode: suppliers.ModeBatch,
		ProductIDs: []uuid.UUID{sh.shirt.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.platform.provision.AddDomain(ctx, "walk", "shop.walk-event.org"); err != nil {
		t.Fatal(err)
	}
	invite, err := s.platform.staff.Invite(ctx, uuid.NullUUID{}, "new@example.com", sh.ev.ID, staff.RoleMarketing, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range map[string]string{"slug": "walk", "product": sh.shirt.ID.String(), "variant": sh.shirt.Variants[0].ID.String(),
		"number": number, "supplier": supplierID.String(), "hostname": "shop.walk-event.org", "token": invite, "key": "company",
		"version": "1", "kind": "order_confirmation", "id": "1", "n": "0", "*1": "marquee.css"} {
		w.realByName[name] = value
	}

	admin, err := s.platform.staff.CreateStaff(ctx, "admin@example.com", "Ada", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.platform.staff.SetPassword(ctx, admin.ID, "correct horse battery", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	w.console = s.browser()
	if r := signIn(w.console, "admin@example.com", "correct horse battery"); r.status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", r.status)
	}
	w.adminSession = sessionValue(w.console, s)
	w.sessionCSRF, _ = w.console.do(http.MethodGet, "/", "", "").doc.Find(`input[name="csrf"]`).Attr("value")
	w.loginCSRF, _ = w.console.do(http.MethodGet, "/login", "", "").doc.Find(`input[name="csrf"]`).Attr("value")
	if w.sessionCSRF == "" || w.loginCSRF == "" {
		t.Fatal("no CSRF token on the console's pages")
	}
	tok, _, err := s.db.CreateAPIToken(ctx, "walk", []string{"events:read", "events:write", "domains:write"})
	if err != nil {
		t.Fatal(err)
	}
	w.apiToken = tok
	// The API's body fields; each route's own are found by sending all of
	// them and dropping those it names as unknown.
	w.jsonNames = []string{"slug", "name", "default_locale", "locales", "currency", "starts_on", "ends_on", "closes_at", "owner_email", "template", "hostname"}
	for _, q := range []string{"after", "limit", "confirm"} {
		w.queryNames[q] = true
	}
	return w
}

// gather opens every GET route with real ids and keeps the names of the
// inputs and query parameters its page uses, and the ids its links carry.
func (w *walker) gather(routes []walkRoute) {
	for _, r := range routes {
		if r.method != fiber.MethodGet || r.app == "api" {
			continue
		}
		a := w.check(r, w.fill(r, "")+"?"+w.baseQuery[r.app+" "+r.path].Encode(), "", "", nil)
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(a.body))
		if err != nil {
			continue
		}
		doc.Find("form").Each(func(_ int, f *goquery.Selection) {
			names := w.formNames
			if m, _ := f.Attr("method"); !strings.EqualFold(m, "post") {
				names = w.queryNames
			}
			f.Find("input[name], select[name], textarea[name]").Each(func(_ int, in *goquery.Selection) {
				n, _ := in.Attr("name")
				if typ, _ := in.Attr("type"); typ == "file" {
					if !slices.Contains(w.fileNames, n) {
						w.fileNames = append(w.fileNames, n)
					}
					return
				}
				names[n] = true
			})
			if action, ok := f.Attr("action"); ok {
				w.learnIDs(routes, r.app, action)
			}
		})
		doc.Find("a[href]").Each(func(_ int, l *goquery.Selection) {
			href, _ := l.Attr("href")
			if u, err := url.Parse(href); err == nil {
				for k := range u.Query() {
					w.queryNames[k] = true
				}
			}
			w.learnIDs(routes, r.app, href)
		})
	}
}

// learnIDs keeps the path parameters of a link that matches a route.
func (w *walker) learnIDs(routes []walkRoute, app, href string) {
	u, err := url.Parse(href)
	if err != nil || u.Host != "" {
		return
	}
	got := strings.Split(strings.Trim(u.Path, "/"), "/")
	for _, r := range routes {
		if r.app != app || len(r.params) == 0 {
			continue
		}
		want := strings.Split(strings.Trim(r.path, "/"), "/")
		if len(want) != len(got) {
			continue
		}
		values := map[string]string{}
		for i, seg := range want {
			if strings.HasPrefix(seg, ":") {
				values[seg[1:]] = got[i]
			} else if seg != got[i] {
				values = nil
				break
			}
		}
		if values != nil && w.real[r.app+" "+r.path] == nil {
			w.real[r.app+" "+r.path] = values
		}
	}
}

// fill makes a route's path with real ids, or with hostile in every
// parameter.
func (w *walker) fill(r walkRoute, hostile string) string {
	segs := strings.Split(r.path, "/")
	for i, seg := range segs {
		name, isParam := strings.CutPrefix(seg, ":")
		if seg == "*" {
			name, isParam = "*1", true
		}
		if !isParam {
			continue
		}
		value := hostile
		if hostile == "" {
			value = w.real[r.app+" "+r.path][name]
			if value == "" {
				value = w.realByName[name]
			}
		}
		segs[i] = url.PathEscape(value)
	}
	return strings.Join(segs, "/")
}

// walk sends one route every hostile value in each place: path
// parameters, query, form or JSON body; then a probe with one bad field.
func (w *walker) walk(r walkRoute) {
	realPath := w.fill(r, "")
	base := w.baseQuery[r.app+" "+r.path]
	w.check(r, realPath+"?"+base.Encode(), "", "", nil)
	for _, h := range hostileValues {
		if len(r.params) > 0 {
			w.check(r, w.fill(r, h.value), "", "", map[string]bool{"path": badText(h.value)})
		}
		q, sent := url.Values{}, map[string]bool{}
		for name := range w.queryNames {
			q.Set(name, h.value)
			sent[name] = badText(h.value)
		}
		w.check(r, realPath+"?"+q.Encode(), "", "", sent)
		if r.method != fiber.MethodGet && r.method != fiber.MethodHead {
			w.sendBody(r, realPath+"?"+base.Encode(), h.value)
		}
	}
	arrays := url.Values{}
	for name := range w.queryNames {
		arrays[name] = []string{"1", "2"}
	}
	w.check(r, realPath+"?"+arrays.Encode(), "", "", nil)
	w.check(r, realPath+"?"+withValue(base, "probe", "a\x00b").Encode(), "", "", map[string]bool{"probe": true})
	if r.method == fiber.MethodGet || r.method == fiber.MethodHead {
		return
	}
	if r.app == "api" {
		w.sendJSONKinds(r, realPath)
		w.check(r, realPath, "application/json", `{"probe":"a\u0000b"}`, map[string]bool{"probe": true})
		return
	}
	form := url.Values{"csrf": {w.csrfFor(r)}, "probe": {"\xff"}}
	w.check(r, realPath+"?"+base.Encode(), fiber.MIMEApplicationForm, form.Encode(), map[string]bool{"probe": true})
}

func withValue(v url.Values, key, value string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = vs
	}
	out.Set(key, value)
	return out
}

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
