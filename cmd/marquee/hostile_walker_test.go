package main

import (
	"context"
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

	"marquee/storefront"
	"marquee/storefront/payments"
	"marquee/storefront/payments/stripetest"
	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/tenant/api"
	"marquee/tenant/staff"
	"marquee/tenant/staff/sso"
	"marquee/tenant/staff/sso/ssotest"
)

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
	ev, other *tenant.Tenant
	stripe    *stripetest.Server // Stripe, whose webhook the console answers
	store     *shop              // a visitor of the event
	console   *shop              // a platform admin, signed in
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

func newWalker(t *testing.T) *walker {
	cfg := defaultConfig()
	cfg.StaffPolicy = staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}}
	cfg.MailInbox = true
	cfg.Backups, cfg.BackupsOn = backupSettings{Dir: t.TempDir(), Scheduler: "cronjob"}, true
	// Online payments on, so the console has Stripe's webhook to walk.
	stripe := stripetest.Start(t, stripetest.Options{})
	cfg.Stripe = payments.Config{SecretKey: stripetest.SecretKey, WebhookSecret: stripetest.WebhookSecret, APIBase: stripe.URL}
	// Single sign-on on, with a real provider, so /login/oidc and its
	// callback are walked past their 404.
	idp := ssotest.Start(t, "https://"+consoleHost+"/login/oidc/callback")
	cfg.SSO = sso.Config{Issuer: idp.Issuer, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret, Domains: []string{"example.com"}, Name: "Walk IdP"}
	s := startServer(t, cfg)
	stripe.SetWebhook(s.url+payments.WebhookPath, consoleHost)
	ctx := context.Background()
	sh := newShop(t, s, "walk")
	other := s.event("other", tenant.StatusActive, teal)
	w := &walker{t: t, s: s, ev: sh.ev, other: other, store: sh, stripe: stripe, formNames: map[string]bool{}, queryNames: map[string]bool{},
		real: map[string]map[string]string{}, realByName: map[string]string{}, baseQuery: map[string]url.Values{}, byStatus: map[string]map[int]int{}}

	walkBackup(t, s) // the backups page links to a real one
	loc := walkPaidOrder(t, sh, stripe)
	number := strings.TrimPrefix(loc.Path, "/orders/")
	w.baseQuery["storefront /orders/:number"] = url.Values{"sig": {loc.Query().Get("sig")}}
	w.baseQuery["storefront /orders/:number/cancel"] = url.Values{"sig": {loc.Query().Get("sig")}}
	w.baseQuery["storefront /orders/:number/data.json"] = url.Values{"sig": {loc.Query().Get("sig")}}
	for _, change := range []string{"", "/option", "/cancel-line", "/address"} {
		w.baseQuery["storefront /orders/:number/change"+change] = url.Values{"sig": {loc.Query().Get("sig")}}
	}
	w.baseQuery["storefront /orders/:number/pay"] = url.Values{"sig": {loc.Query().Get("sig")}}
	w.storeCSRF = sh.form().Get("csrf")
	w.baseQuery["storefront /waitlist"] = url.Values{"variant": {walkWaitlist(t, s, sh, w)}}

	supplierID, err := s.db.SaveSupplier(ctx, sh.ev.ID, suppliers.Supplier{Name: "Acme", Emails: []string{"orders@acme.example"}, Mode: suppliers.ModeBatch,
		ProductIDs: []uuid.UUID{sh.shirt.ID}})
	if err != nil {
		t.Fatal(err)
	}
	// The supplier's dispatch page and form, behind the list's signed link.
	link := storefront.SupplierLinks{Key: s.platform.cfg.SecretKey}.Query(sh.ev.ID,
		storefront.SupplierGrant{SupplierID: supplierID, Expires: time.Now().AddDate(0, 1, 0).Truncate(time.Second)})
	for _, p := range []string{"/supplier/:id", "/supplier/:id/dispatch"} {
		w.real["storefront "+p] = map[string]string{"id": supplierID.String()}
		w.baseQuery["storefront "+p] = link
	}
	voucher, err := s.db.CreateVoucher(ctx, sh.ev.ID, storefront.Voucher{Code: "WALK", Kind: storefront.VoucherUnlock})
	if err != nil {
		t.Fatal(err)
	}
	message, err := s.db.CreateMessage(ctx, sh.ev.ID, storefront.Message{Audience: storefront.Audience{Kind: storefront.AudienceAll},
		Texts: map[string]storefront.MessageText{"en": {Subject: "Walk", Body: "A message the walk may send."}}})
	if err != nil {
		t.Fatal(err)
	}
	kiosk, _, err := s.db.IssueKioskDevice(ctx, sh.ev.ID, staff.Staff{Email: "walk@example.com"}, "Walk stand")
	if err != nil {
		t.Fatal(err)
	}
	w.realByName["device"] = kiosk.ID.String()
	if _, _, err := s.platform.provision.AddDomain(ctx, "walk", "shop.walk-event.org"); err != nil {
		t.Fatal(err)
	}
	invite, err := s.platform.staff.Invite(ctx, uuid.NullUUID{}, "new@example.com", sh.ev.ID, staff.RoleMarketing, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range map[string]string{"slug": "walk", "product": sh.shirt.ID.String(), "variant": sh.shirt.Variants[0].ID.String(),
		"number": number, "supplier": supplierID.String(), "voucher": voucher.ID.String(), "message": message.String(), "hostname": "shop.walk-event.org", "token": invite, "key": "company",
		"version": "1", "slot": "logo", "kind": "order_confirmation", "id": "1", "n": "0", "*1": "marquee.css"} {
		w.realByName[name] = value
	}
	walkWebhookIDs(t, w)

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
	tok, _, err := s.db.CreateAPIToken(ctx, "walk", api.Scopes)
	if err != nil {
		t.Fatal(err)
	}
	w.apiToken = tok
	// The API's body fields; each route's own are found by sending all of
	// them and dropping those it names as unknown.
	w.jsonNames = []string{"slug", "name", "default_locale", "locales", "currency", "starts_on", "ends_on", "closes_at", "owner_email", "template", "hostname"}
	for _, q := range []string{"after", "limit", "confirm", "state", "code", "error"} {
		w.queryNames[q] = true
	}
	walkAPIIDs(t, w)
	walkDesk(t, w, supplierID.String(), voucher.ID.String())
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

// walkWaitlist adds a sold-out cap with someone on its waiting list, for
// the waiting list's form and leave link (baseQuery), and returns the
// cap's option.
func walkWaitlist(t *testing.T, s *testServer, sh *shop, w *walker) string {
	t.Helper()
	ctx := context.Background()
	zero := 0
	cap, err := s.db.AddProduct(ctx, sh.ev.ID, storefront.Product{Name: storefront.Text{"en": "Cap"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}, Stock: &zero}}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.db.JoinWaitlist(ctx, sh.ev.ID, cap.Variants[0].ID, "waiting@example.com", "en", 1)
	if err != nil {
		t.Fatal(err)
	}
	w.baseQuery["storefront /waitlist/leave"] = url.Values{"token": {e.LeaveToken}}
	w.realByName["entry"] = e.ID.String() // the console's removal of an entry
	return cap.Variants[0].ID.String()
}

// walkPaidOrder places the walk's order (a priced hoodie with a T-shirt),
// pays it at stripetest's checkout, whose webhook places it, and returns
// the signed status link the checkout returns the attendee to.
func walkPaidOrder(t *testing.T, sh *shop, stripe *stripetest.Server) *url.URL {
	t.Helper()
	placed := sh.post("/order", sh.validOrder())
	session, ok := strings.CutPrefix(placed.header.Get("Location"), stripe.URL+"/pay/")
	if placed.status != http.StatusSeeOther || !ok {
		t.Fatalf("placing the walk's order: %d to %q, want its checkout", placed.status, placed.header.Get("Location"))
	}
	if d, err := stripe.Pay(session); err != nil || d.Status != http.StatusOK {
		t.Fatalf("paying the walk's order: %+v %v", d, err)
	}
	for _, ses := range stripe.Sessions() {
		if ses.ID == session {
			loc, err := url.Parse(ses.SuccessURL)
			if err != nil {
				t.Fatal(err)
			}
			return loc
		}
	}
	t.Fatalf("no session %s at stripetest", session)
	return nil
}
