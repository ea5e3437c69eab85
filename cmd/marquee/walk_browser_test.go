package main

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/db/backup"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/tenant/staff/sso"
	"marquee/tenant/staff/sso/ssotest"
	"marquee/tenant/web/browsertest"
)

// The page walk: every page of the storefront and the console, on the
// demo events, in one Chromium tab at a phone's size and a laptop's. See
// docs/design.md, "How pages are checked".

// walkSizes are the windows each page is checked in: a phone, a laptop.
var walkSizes = [][2]int{{390, 844}, {1366, 900}}

// notPages are the GET routes that serve no page of their own, and why;
// every other GET route is a stop of the walk.
var notPages = map[string]string{
	"storefront /healthz": "plain text for load balancers", "storefront /readyz": "plain text for load balancers",
	"storefront /metrics": "answers 404 on every public host: the metrics are METRICS_ADDR's alone (TestMetricsCountWhatHappened)",
	"storefront /media/*": "uploaded images", "storefront /static/*": "CSS, scripts and images",
	"storefront /products/:id/placeholder.svg":            "the picture of a product without a photo (SVG)",
	"storefront /orders/:number/data.json":                "the attendee's order data, a JSON download",
	"console /static/*":                                   "CSS, scripts and images",
	"console /login/link/:token":                          "a redirect: the walk signs in with it and checks the home page it lands on",
	"console /login/oidc":                                 "a redirect to the platform's OpenID provider (TestSignInWithTheOpenIDProvider follows it)",
	"console /login/oidc/callback":                        "the provider's redirect back: home, or the sign-in page saying why not (a stop below)",
	"console /events/:slug/orders/export.csv":             "a CSV download",
	"console /events/:slug/vouchers/export.csv":           "a CSV download",
	"console /events/:slug/signups/export.csv":            "a CSV download",
	"console /events/:slug/suppliers/:supplier/batch.csv": "a CSV download", "console /events/:slug/suppliers/:supplier/batch.xlsx": "a spreadsheet download",
	"console /events/:slug/audit/export.csv": "a CSV download", "console /platform/audit/export.csv": "a CSV download",
	"console /platform/backups/:id/download":     "a backup as a tar file",
	"console /platform/inbox/:id/attachments/:n": "an email's attachment",
	"console /platform/*":                        "the platform section's admin check, not a route",
}

// emailRules are the axe rules an email's HTML is not held to: an email
// is not a site with landmarks (main, navigation) to move between.
var emailRules = []string{"landmark-one-main", "region"}

// walkStop is one page of the walk.
type walkStop struct {
	route  string // the route it covers, as appRoutes names it ("" for an error page)
	host   string // "console", or the event's slug
	path   string
	status int
	press  string // a button to press first: the walk checks the page it leads to
	fill   string // a script that fills the form before press
	noJS   bool   // the page's own scripts off, as some attendees have them
	shows  string // what the page must have, where its status alone does not tell it
}

// signedOut are the console's pages for people not signed in: the walk
// visits them first, and they have no console navigation.
var signedOut = []string{"console /login", "console /reset", "console /reset/:token", "console /invite/:token",
	"console /login/oidc/callback"} // a refused single sign-on: the sign-in page saying why

// walkFold is what must be visible without scrolling, at both sizes, by
// route: the primary action of the page.
var walkFold = map[string]string{"storefront /": "a.order-now", "storefront /order": "#place-order"}

// fillOrder fills devcon's order form for its review page: a size of the
// first product, a name, an email and the consent.
const fillOrder = `(() => {
	const f = document.getElementById('order-form');
	f.querySelector('input[type=radio]:not(:disabled)').checked = true;
	f.elements.name.value = 'Grace Hopper';
	f.elements.email.value = 'grace@example.com';
	f.elements.consent.checked = true;
	return true;
})()`

// isEmail tells an email's HTML, shown in a frame of a console page.
func isEmail(route string) bool { return strings.HasSuffix(route, "/html") }

func TestBrowserPageWalk(t *testing.T) {
	start := time.Now()
	exe := chromiumPath(t)
	s, params, signIn := walkServer(t)
	// A stop for every GET route of the storefront and the console, with
	// real ids, then the pages no route of their own shows. A new GET route
	// is a new stop.
	var stops, signedIn []walkStop
	routes := append(appRoutes(s.platform.newApp(), "storefront"), appRoutes(s.platform.newConsole(s.platform.storefront()), "console")...)
	for _, r := range routes {
		key := r.app + " " + r.path
		if r.method != http.MethodGet || r.app == "api" || notPages[key] != "" {
			continue
		}
		st := walkStop{route: key, host: cmp.Or(params[key+" host"], "devcon"), path: r.path, status: 200}
		if r.app == "console" {
			st.host = "console"
		}
		for _, name := range r.params {
			v := cmp.Or(params[key+" :"+name], params[r.app+" :"+name])
			if v == "" {
				t.Fatalf("the walk has no value for :%s of GET %s: add one to walkServer's params, or the route to notPages if it serves no page", name, key)
			}
			st.path = strings.Replace(st.path, ":"+name, v, 1)
		}
		st.path += params[key] // a query the page needs
		if slices.Contains(signedOut, key) {
			stops = append(stops, st)
		} else {
			signedIn = append(signedIn, st)
		}
	}
	stops = append(append(stops, signedIn...),
		walkStop{route: "storefront /order", host: "gophercamp", path: "/order", status: 200}, // shipped: the address fields
		walkStop{host: "devcon", path: "/order", press: `form.order-form button.primary[type="submit"]`, status: 422, shows: "#problems"},
		walkStop{host: "devcon", path: "/order", noJS: true, fill: fillOrder, press: "#place-order", status: 200, shows: "#review-total"},
		walkStop{host: "closed", path: "/", status: 503},
		walkStop{route: "console /login/oidc/callback", host: "console", path: "/login/oidc/callback?state=walk&code=walk", status: 403, shows: "#login-problem"},
		walkStop{host: "devcon", path: "/no-such-page", status: 404},
		walkStop{host: "console", path: "/events/nosuch/branding", status: 404},
		walkStop{host: "console", path: "/events/devcon/audit?from=2027-13-45", status: 400, shows: `#from[aria-invalid="true"]`},
		walkStop{host: "console", path: "/platform/audit?event=devcon&action=audit_exported", status: 200, shows: "#no-entries"},
		walkStop{host: "console", path: "/events/devcon/desk/find?q=nobody-at-all", status: 404, shows: "#desk-none"},
		// The supplier marks the shirt dispatched: the page says so.
		walkStop{host: "devcon", path: "/supplier/" + params["storefront /supplier/:id :id"] + params["storefront /supplier/:id"],
			press: "#dispatch-submit", status: 200, shows: "#dispatch-marked"},
		// Voucher codes: a wrong one said on its field, then a valid one
		// kept for the next pages.
		walkStop{host: "devcon", path: "/?code=NOPE", status: 422, shows: "#code-error"},
		walkStop{host: "devcon", path: "/order?code=NOPE", status: 422, shows: "#code-error"},
		walkStop{host: "devcon", path: "/?code=speaker", status: 200, shows: "#code-active"},
		walkStop{host: "devcon", path: "/order", status: 200, shows: "#code-active"})
	stops = append(stops, webhookStops()...)

	b, _ := newEnglishBrowser(t, exe, s, "devcon.shop.test", 8*time.Minute) // a ceiling against a hung browser: the walk took 228 s on a busy machine
	port := b.base[len("http://"+consoleHost+":"):]
	session := false
	for _, st := range stops {
		b.base = "http://" + st.host + ".shop.test:" + port
		name := st.host + " " + st.path
		if st.press != "" {
			name += " then " + st.press
		}
		if st.noJS {
			name += " without scripts"
		}
		resize(t, b, walkSizes[0])
		if console := st.host == "console" && !slices.Contains(signedOut, st.route); console && !session {
			b.at(b.open(signIn), "/")
			session = true
		}
		scripts(t, b, !st.noJS)
		res := b.open(st.path)
		if st.fill != "" {
			eval[bool](b, st.fill)
		}
		if st.press != "" {
			res = b.follow(st.press)
		}
		scripts(t, b, true) // for axe; the page loaded without them stays so
		if res.Status != int64(st.status) || st.shows != "" && b.count(st.shows) == 0 {
			t.Errorf("%s: %d at %s, want %d with %q", name, res.Status, b.location(), st.status, st.shows)
			continue
		}
		nav := st.host == "console" && !slices.Contains(signedOut, st.route) && !isEmail(st.route) && !strings.HasSuffix(st.route, "/preview")
		for i, size := range walkSizes {
			if i > 0 {
				resize(t, b, size)
			}
			page := fmt.Sprintf("%s at %dx%d", name, size[0], size[1])
			if fold := walkFold[st.route]; fold != "" {
				if in, err := browsertest.InFirstViewport(b.ctx, fold); err != nil || !in {
					t.Errorf("%s: %s is not visible without scrolling (%v)", page, fold, err)
				}
			}
			if nav && b.count("nav.console-nav") != 1 {
				t.Errorf("%s: no console navigation (nav.console-nav)", page)
			}
			browsertest.CheckOverflow(t, b.ctx, page)
			if isEmail(st.route) {
				browsertest.CheckAxe(t, b.ctx, page, emailRules...)
			} else {
				browsertest.CheckAxe(t, b.ctx, page)
			}
		}
	}
	t.Logf("walked %d pages at %d sizes in %v", len(stops), len(walkSizes), time.Since(start).Round(time.Millisecond))
}

// walkServer is a server with the demo events, a suspended event
// "closed", an order, a supplier, a domain, an email in dev's inbox and a
// platform admin. It returns the real values of the routes' parameters
// ("APP :NAME", or "APP ROUTE :NAME" for one route's) and queries ("APP
// ROUTE"), and the admin's one-time sign-in link.
func walkServer(t *testing.T) (*testServer, map[string]string, string) {
	cfg := defaultConfig()
	cfg.StaffPolicy = staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}}
	cfg.MailInbox, cfg.Workers = true, 1
	cfg.Backups, cfg.BackupsOn = backupSettings{Dir: t.TempDir(), Scheduler: "cronjob"}, true
	// Single sign-on on: the sign-in page has the provider's button.
	idp := ssotest.Start(t, "https://"+consoleHost+"/login/oidc/callback")
	cfg.SSO = sso.Config{Issuer: idp.Issuer, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret, Domains: []string{"example.com"}, Name: "Example IdP"}
	s := startServer(t, cfg)
	ctx := context.Background()
	if err := seedDemo(ctx, s.db, s.platform.media); err != nil {
		t.Fatal(err)
	}
	s.event("closed", tenant.StatusSuspended, teal)
	devcon, err := s.platform.provision.Get(ctx, "devcon")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := s.db.Catalogue(ctx, devcon.ID)
	if err != nil {
		t.Fatal(err)
	}
	shirt := cat.Products[0]
	o := placeOrderOf(t, s, devcon, shirt, 1, "Grace Hopper")
	supplier, err := s.db.SaveSupplier(ctx, devcon.ID, suppliers.Supplier{Name: "Acme", Emails: []string{"orders@acme.example"},
		Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{shirt.ID}})
	if err != nil {
		t.Fatal(err)
	}
	voucher, err := s.db.CreateVoucher(ctx, devcon.ID, storefront.Voucher{Code: "SPEAKER", Kind: storefront.VoucherPercent, Percent: 20,
		ProductIDs: []uuid.UUID{shirt.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.platform.provision.AddDomain(ctx, "devcon", "shop.devcon.example"); err != nil {
		t.Fatal(err)
	}
	admin, err := s.platform.staff.CreateStaff(ctx, "admin@example.com", "Ada", true)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	invite, err := s.platform.staff.Invite(ctx, uuid.NullUUID{}, "new@example.com", devcon.ID, staff.RoleMarketing, now)
	if err != nil {
		t.Fatal(err)
	}
	reset, err := s.platform.staff.RequestReset(ctx, "admin@example.com", now)
	if err != nil {
		t.Fatal(err)
	}
	signIn, err := s.platform.staff.LoginLink(ctx, admin.ID, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	stored := walkBackup(t, s)
	var message int64 // the order's confirmation in dev's inbox
	waitFor(t, 10*time.Second, func() bool {
		m, err := s.db.Inbox(ctx, 0, 1)
		if err == nil && len(m) == 1 {
			message = m[0].ID
		}
		return message != 0
	})
	draft, err := s.db.CreateMessage(ctx, devcon.ID, storefront.Message{Audience: storefront.Audience{Kind: storefront.AudienceAll},
		Texts: map[string]storefront.MessageText{"en": {Subject: "Pick-up moves to Hall B", Body: "The desk is in **Hall B**."},
			"de": {Subject: "Die Ausgabe zieht in Halle B", Body: "Die Ausgabe ist in **Halle B**."}}})
	if err != nil {
		t.Fatal(err)
	}
	kiosk, _, err := s.db.IssueKioskDevice(ctx, devcon.ID, admin, "Stand A") // its revoke question
	if err != nil {
		t.Fatal(err)
	}
	meetup, err := s.db.TenantBySlug(ctx, "meetup") // the sign-up event: its kiosk's pages
	if err != nil {
		t.Fatal(err)
	}
	_, tablet, err := s.db.IssueKioskDevice(ctx, meetup.ID, admin, "Stand B")
	if err != nil {
		t.Fatal(err)
	}
	sig := storefront.OrderLinks{Key: s.platform.cfg.SecretKey}.Sign(devcon.ID, o.Number)
	shipped, shippedSig := walkShippedOrder(t, s)
	waiting, err := s.db.JoinWaitlist(ctx, devcon.ID, shirt.Variants[len(shirt.Variants)-1].ID, "waiting@example.com", "en", 1) // the sold-out size
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{
		"storefront :id": shirt.ID.String(), "storefront :number": o.Number, "storefront /orders/:number": "?sig=" + sig,
		"storefront /orders/:number/cancel": "?sig=" + sig, "storefront /orders/:number/change": "?sig=" + sig,
		// An address to change needs an event that ships and an order with one.
		"storefront /orders/:number/change/address host": "gophercamp", "storefront /orders/:number/change/address :number": shipped,
		"storefront /orders/:number/change/address": "?sig=" + shippedSig,
		"storefront /waitlist":                      "?variant=" + shirt.Variants[len(shirt.Variants)-1].ID.String(),
		"storefront /waitlist/leave":                "?token=" + waiting.LeaveToken,
		// The sign-up form and its thank-you page are the demo sign-up event's.
		"storefront /signup host": "meetup", "storefront /signup/thanks host": "meetup",
		"storefront /kiosk/:token host": "meetup", "storefront /kiosk/:token/thanks host": "meetup", "storefront :token": tablet,
		"console :slug": "devcon", "console :number": o.Number, "console :supplier": supplier.String(), "console :product": shirt.ID.String(),
		"console :variant": shirt.Variants[0].ID.String(), "console :key": "company", "console :kind": "order_confirmation", "console :slot": "logo", "console :version": "1",
		"console :hostname": "shop.devcon.example", "console :id": strconv.FormatInt(message, 10), "console :voucher": voucher.ID.String(),
		"console :message":             draft.String(), // a draft message: its preview, form, frame and send question
		"console :device":              kiosk.ID.String(),
		"console /reset/:token :token": reset, "console /invite/:token :token": invite,
		"console /events/:slug/orders/status":      "?status=confirmed&number=" + o.Number, // the bulk change's confirm page
		"console /events/:slug/privacy/erase":      "?email=" + url.QueryEscape(o.Email),   // the erasure's confirm page
		"console /events/:slug/desk/find":          "?q=grace",                             // the desk's search, with a match
		"console /platform/backups/:id/delete :id": stored,
		"storefront /supplier/:id :id":             supplier.String(), // the supplier's dispatch page, behind its list's link
		"storefront /supplier/:id": "?" + storefront.SupplierLinks{Key: s.platform.cfg.SecretKey}.Query(devcon.ID,
			storefront.SupplierGrant{SupplierID: supplier, Expires: now.AddDate(0, 1, 0).Truncate(time.Second)}).Encode(),
		// The sold-out size's waiting list, and the question before taking its one person off.
		"console /events/:slug/waitlist/:variant :variant": shirt.Variants[len(shirt.Variants)-1].ID.String(), "console :entry": waiting.ID.String(),
	}
	maps.Copy(params, walkWebhooks(t, s, devcon))
	return s, params, "/login/link/" + signIn
}

// walkShippedOrder places an order with a shipping address at the demo
// event that ships; its number and signed link's sig.
func walkShippedOrder(t *testing.T, s *testServer) (string, string) {
	t.Helper()
	ctx := context.Background()
	gopher, err := s.platform.provision.Get(ctx, "gophercamp")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := s.db.Catalogue(ctx, gopher.ID)
	if err != nil {
		t.Fatal(err)
	}
	cube := cat.Products[0]
	o, err := s.db.PlaceOrder(ctx, gopher.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: "ship@example.com", Name: "Ada Lovelace",
		Locale: "en", Lines: []storefront.Line{{ProductID: cube.ID, VariantID: cube.Variants[0].ID, Quantity: 1}},
		Address: &address.Address{Name: "Ada Lovelace", Line1: "Seestraße 1", Locality: "Wien", PostalCode: "1010", CountryCode: "AT"}})
	if err != nil {
		t.Fatal(err)
	}
	return o.Number, storefront.OrderLinks{Key: s.platform.cfg.SecretKey}.Sign(gopher.ID, o.Number)
}

// scripts turns the scripts of the pages b opens on or off.
func scripts(t *testing.T, b *browser, on bool) {
	t.Helper()
	if err := browsertest.Scripts(b.ctx, on); err != nil {
		t.Fatal(err)
	}
}

// resize sizes b's window.
func resize(t *testing.T, b *browser, size [2]int) {
	t.Helper()
	if err := browsertest.Viewport(b.ctx, size[0], size[1]); err != nil {
		t.Fatal(err)
	}
}

// walkBackup makes a backup of s for the backups page to list; its ID.
func walkBackup(t *testing.T, s *testServer) string {
	t.Helper()
	ctx := context.Background()
	engine, err := s.platform.backupEngine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := engine.Create(ctx, backup.KindManual)
	if err != nil {
		t.Fatal(err)
	}
	return b.ID
}
