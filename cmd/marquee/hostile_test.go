package main

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"marquee/db/dbtest"
	"marquee/storefront/payments"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/tenant/web/webtest"
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
	t.Run("Stripe's webhook, signed, refuses hostile sessions and another event's id, writing nothing", func(t *testing.T) {
		w.t = t
		w.walkStripeWebhook()
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
		if !slices.ContainsFunc(routes, func(r walkRoute) bool { return r.app == "console" && r.path == payments.WebhookPath }) {
			t.Errorf("the walk does not reach Stripe's webhook %s", payments.WebhookPath)
		}
		if len(routes) < 80 {
			t.Errorf("only %d routes found: the enumeration is broken", len(routes))
		}
	})
	t.Run("a sign-up event's form and kiosk answer no hostile value with a 5xx, and none makes a sign-up", func(t *testing.T) {
		w.t = t
		w.walkSignupEvent()
	})
}

// walkSignupEvent walks the sign-up and kiosk routes on a sign-up event
// with a real device link: on the walk's shop they are only its 404.
func (w *walker) walkSignupEvent() {
	t := w.t
	ev := w.s.event("walksignup", tenant.StatusActive, teal)
	signupEventFor(t, w.s, ev)
	_, secret, err := w.s.db.IssueKioskDevice(context.Background(), ev.ID, staff.Staff{Email: "walk@example.com"}, "Walk stand")
	if err != nil {
		t.Fatal(err)
	}
	store, csrf, token := w.store, w.storeCSRF, w.realByName["token"]
	defer func() { w.store, w.storeCSRF, w.realByName["token"] = store, csrf, token }()
	w.store = &shop{s: w.s, ev: ev, host: "walksignup.shop.test", client: webtest.Browser()}
	page := w.store.do(http.MethodGet, "/signup", "", "")
	w.storeCSRF, _ = page.doc.Find(`input[name="csrf"]`).Attr("value")
	if page.status != http.StatusOK || w.storeCSRF == "" {
		t.Fatalf("the sign-up form: %d, CSRF token %q", page.status, w.storeCSRF)
	}
	w.realByName["token"] = secret
	if r := w.store.do(http.MethodGet, "/kiosk/"+secret, "", ""); r.status != http.StatusOK || r.doc.Find("#email").Length() != 1 {
		t.Fatalf("the kiosk's page with its device link: %d, email inputs %d", r.status, r.doc.Find("#email").Length())
	}

	var routes []walkRoute
	for _, r := range appRoutes(w.s.platform.newApp(), "storefront") {
		if strings.HasPrefix(r.path, "/signup") || strings.HasPrefix(r.path, "/kiosk/") {
			routes = append(routes, r)
		}
	}
	if len(routes) < 7 {
		t.Fatalf("%d sign-up and kiosk routes, want the 7 of storefront/web", len(routes))
	}
	walkOrder(routes)
	w.gather(routes)
	for _, name := range []string{"name", "email", "consent", "company"} {
		if !w.formNames[name] {
			t.Fatalf("the sign-up form's input %q was not gathered", name)
		}
	}
	requests, fives := w.requests, w.fiveHundreds
	before := maps.Clone(w.byStatus["storefront"])
	for _, r := range routes {
		w.walk(r)
	}
	statuses := map[int]int{}
	for status, n := range w.byStatus["storefront"] {
		if n > before[status] {
			statuses[status] = n - before[status]
		}
	}
	t.Logf("walked %d sign-up and kiosk routes with %d requests: statuses %v", len(routes), w.requests-requests, statuses)
	if w.fiveHundreds > fives {
		t.Errorf("%d requests answered 5xx", w.fiveHundreds-fives)
	}
	if n := statuses[422]; n < 5 {
		t.Errorf("only %d answers from the sign-up's own rules: the walk does not reach them", n)
	}
	if n := dbtest.CountRows(t, w.s.adminURL, "SELECT count(*) FROM signups WHERE tenant_id = $1", ev.ID); n != 0 {
		t.Errorf("the walk's hostile values made %d sign-ups, want none", n)
	}
}
