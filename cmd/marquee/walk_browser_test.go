package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/storefront"
	"marquee/storefront/suppliers"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/tenant/web/browsertest"
)

// The page walk: every page of the storefront and the console, on the
// demo events, in one Chromium tab at a phone's size and a laptop's. See
// docs/design.md, "How pages are checked".

// walkSizes are the windows each page is checked in: a phone, a laptop.
var walkSizes = [][2]int{{390, 844}, {1366, 900}}

// notPages are the GET routes that serve no page of their own, and why;
// every other GET route must be a stop of the walk.
var notPages = map[string]string{
	"storefront /healthz": "plain text for load balancers", "storefront /readyz": "plain text for load balancers",
	"storefront /media/*": "uploaded images", "storefront /static/*": "CSS, scripts and images",
	"console /static/*":                                   "CSS, scripts and images",
	"console /login/link/:token":                          "a redirect: the walk signs in with it and checks the home page it lands on",
	"console /events/:slug/orders/export.csv":             "a CSV download",
	"console /events/:slug/suppliers/:supplier/batch.csv": "a CSV download", "console /events/:slug/suppliers/:supplier/batch.xlsx": "a spreadsheet download",
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
	fold   string // what must be visible without scrolling, at both sizes
	nav    bool   // a console page with the console's navigation
	email  bool   // an email's HTML, shown in a frame of a console page
}

func TestBrowserPageWalk(t *testing.T) {
	start := time.Now()
	exe := chromiumPath(t)
	cfg := defaultConfig()
	cfg.StaffPolicy = staff.Policy{Password: staff.Params{MemoryKiB: 1024, Iterations: 1, Parallelism: 1}}
	cfg.MailInbox, cfg.Workers = true, 1
	s := startServer(t, cfg)
	ctx := context.Background()
	if err := seedDemo(ctx, s.db); err != nil {
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
	var message int64 // the order's confirmation in dev's inbox
	waitFor(t, 10*time.Second, func() bool {
		m, err := s.db.Inbox(ctx, 0, 1)
		if err == nil && len(m) == 1 {
			message = m[0].ID
		}
		return message != 0
	})
	inbox := "/platform/inbox/" + strconv.FormatInt(message, 10)
	ev, status := "/events/devcon", storefront.OrderLinks{Key: s.platform.cfg.SecretKey}.Path(devcon.ID, o.Number)

	stops := []walkStop{
		{route: "storefront /", host: "devcon", path: "/", status: 200},
		{route: "storefront /products/:id", host: "devcon", path: "/products/" + shirt.ID.String(), status: 200},
		{route: "storefront /order", host: "devcon", path: "/order", status: 200},
		{route: "storefront /order", host: "gophercamp", path: "/order", status: 200}, // shipped: the address fields
		{host: "devcon", path: "/order", press: `form.order-form button.primary[type="submit"]`, status: 422},
		{route: "storefront /orders/:number", host: "devcon", path: status, status: 200},
		{host: "closed", path: "/", status: 503},
		{host: "devcon", path: "/no-such-page", status: 404},
		{route: "console /login", host: "console", path: "/login", status: 200},
		{route: "console /reset", host: "console", path: "/reset", status: 200},
		{route: "console /reset/:token", host: "console", path: "/reset/" + reset, status: 200},
		{route: "console /invite/:token", host: "console", path: "/invite/" + invite, status: 200},
		{route: "console /", host: "console", path: "/login/link/" + signIn, status: 200, nav: true}, // signs in, lands on home
		{route: "console /events/:slug/dashboard", host: "console", path: ev + "/dashboard", status: 200, nav: true},
		{route: "console /events/:slug/branding", host: "console", path: ev + "/branding", status: 200, nav: true},
		{route: "console /events/:slug/branding/preview", host: "console", path: ev + "/branding/preview", status: 200},
		{route: "console /events/:slug/branding/history", host: "console", path: ev + "/branding/history", status: 200, nav: true},
		{route: "console /events/:slug/catalogue", host: "console", path: ev + "/catalogue", status: 200, nav: true},
		{route: "console /events/:slug/form", host: "console", path: ev + "/form", status: 200, nav: true},
		{route: "console /events/:slug/form/fields/:key", host: "console", path: ev + "/form/fields/company", status: 200, nav: true},
		{route: "console /events/:slug/orders", host: "console", path: ev + "/orders", status: 200, nav: true},
		{route: "console /events/:slug/orders/:number", host: "console", path: ev + "/orders/" + o.Number, status: 200, nav: true},
		{route: "console /events/:slug/suppliers", host: "console", path: ev + "/suppliers", status: 200, nav: true},
		{route: "console /events/:slug/suppliers/:supplier", host: "console", path: ev + "/suppliers/" + supplier.String(), status: 200, nav: true},
		{route: "console /events/:slug/emails", host: "console", path: ev + "/emails", status: 200, nav: true},
		{route: "console /events/:slug/emails/:kind", host: "console", path: ev + "/emails/order_confirmation", status: 200, nav: true},
		{route: "console /events/:slug/emails/:kind/html", host: "console", path: ev + "/emails/order_confirmation/html", status: 200, email: true},
		{route: "console /events/:slug/settings", host: "console", path: ev + "/settings", status: 200, nav: true},
		{route: "console /events/:slug/domains", host: "console", path: ev + "/domains", status: 200, nav: true},
		{route: "console /platform/events", host: "console", path: "/platform/events", status: 200, nav: true},
		{route: "console /platform/events/:slug", host: "console", path: "/platform/events/devcon", status: 200, nav: true},
		{route: "console /platform/inbox", host: "console", path: "/platform/inbox", status: 200, nav: true},
		{route: "console /platform/inbox/:id", host: "console", path: inbox, status: 200, nav: true},
		{route: "console /platform/inbox/:id/html", host: "console", path: inbox + "/html", status: 200, email: true},
		{route: "console /platform/jobs", host: "console", path: "/platform/jobs", status: 200, nav: true},
		{host: "console", path: "/events/nosuch/branding", status: 404, nav: true},
	}
	t.Run("every GET route is a stop", func(t *testing.T) {
		covered := map[string]bool{}
		for _, st := range stops {
			covered[st.route] = true
		}
		routes := append(appRoutes(s.platform.newApp(), "storefront"), appRoutes(s.platform.newConsole(s.platform.storefront()), "console")...)
		for _, r := range routes {
			key := r.app + " " + r.path
			if r.method == http.MethodGet && r.app != "api" && !covered[key] && notPages[key] == "" {
				t.Errorf("GET %s is not a stop of the page walk: add it to the stops, or to notPages if it serves no page", key)
			}
		}
	})

	b, _ := newEnglishBrowser(t, exe, s, "devcon.shop.test", 3*time.Minute)
	port := b.base[len("http://"+consoleHost+":"):]
	for _, st := range stops {
		b.base = "http://" + st.host + ".shop.test:" + port
		name := st.host + " " + st.path
		if st.press != "" {
			name += " then " + st.press
		}
		resize(t, b, walkSizes[0])
		res := b.open(st.path)
		if st.press != "" {
			res = b.follow(st.press)
		}
		if res.Status != int64(st.status) {
			t.Errorf("%s: %d, want %d", name, res.Status, st.status)
			continue
		}
		for i, size := range walkSizes {
			if i > 0 {
				resize(t, b, size)
			}
			page := fmt.Sprintf("%s at %dx%d", name, size[0], size[1])
			if st.fold != "" {
				if in, err := browsertest.InFirstViewport(b.ctx, st.fold); err != nil || !in {
					t.Errorf("%s: %s is not visible without scrolling (%v)", page, st.fold, err)
				}
			}
			if st.nav && walkChecksNav && b.count("nav.console-nav") != 1 {
				t.Errorf("%s: no console navigation (nav.console-nav)", page)
			}
			if !slices.Contains(overflowAwaits, st.route) {
				browsertest.CheckOverflow(t, b.ctx, page)
			} else if over, _, err := browsertest.Overflow(b.ctx); err == nil && over == 0 && i == 0 {
				t.Logf("%s fits now: take %s out of overflowAwaits", page, st.route)
			}
			if st.email {
				browsertest.CheckAxe(t, b.ctx, page, emailRules...)
			} else {
				browsertest.CheckAxe(t, b.ctx, page)
			}
		}
	}
	t.Logf("walked %d pages at %d sizes in %v", len(stops), len(walkSizes), time.Since(start).Round(time.Millisecond))
}

// walkChecksNav turns on the check of the console's navigation, which the
// console's app shell brings.
const walkChecksNav = false

// overflowAwaits are the routes whose pages are still wider than a phone;
// their overflow check is not on yet.
var overflowAwaits = []string{
	"console /events/:slug/branding", "console /events/:slug/catalogue", "console /events/:slug/emails/:kind", // pages
	"console /events/:slug/orders", "console /events/:slug/orders/:number", "console /events/:slug/suppliers", "console /events/:slug/domains",
	"console /platform/events", "console /platform/events/:slug", "console /platform/inbox", "console /platform/inbox/:id", // shell
}

// resize sizes b's window.
func resize(t *testing.T, b *browser, size [2]int) {
	t.Helper()
	if err := browsertest.Viewport(b.ctx, size[0], size[1]); err != nil {
		t.Fatal(err)
	}
}
