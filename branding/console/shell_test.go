package console

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"marquee/tenant/staff"
)

// navLinks are the hrefs of the console navigation's entries about an
// event, in order, and the entry marked current with its aria-current.
func navLinks(t *testing.T, r *response) (event []string, platform []string, current map[string]string) {
	t.Helper()
	nav := r.doc.Find("nav.console-nav")
	if nav.Length() != 1 {
		t.Fatalf("%d console navigations, want 1", nav.Length())
	}
	if label, _ := nav.Attr("aria-label"); label == "" {
		t.Error("the navigation has no aria-label")
	}
	current = map[string]string{}
	nav.Find("a[aria-current]").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		current[href], _ = a.Attr("aria-current")
	})
	nav.Find(`ul[aria-labelledby="nav-event"] a`).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		event = append(event, href)
	})
	nav.Find(`ul[aria-labelledby="nav-platform"] a`).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		platform = append(platform, href)
	})
	return event, platform, current
}

func eventNav(slug string, sections ...string) []string {
	out := make([]string, len(sections))
	for i, s := range sections {
		out[i] = "/events/" + slug + "/" + s
	}
	return out
}

func TestConsoleNavigationListsWhatTheRoleMayUse(t *testing.T) {
	s, ev, _ := consoleServer(t)
	o := placeOrderOf(t, s, ev, addSizedProduct(t, s, ev, "Hoodie"), 0, "Ada")
	all := eventNav("devcon", "dashboard", "branding", "catalogue", "vouchers", "form", "orders", "desk", "messages", "signups", "suppliers", "emails", "settings", "kiosks", "privacy", "domains", "webhooks", "audit")
	marketing, fulfilment := signedInMember(t, s), fulfilmentMember(t, s, ev)
	owner, admin := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner), platformAdmin(t, s)

	for _, tc := range []struct {
		who     string
		b       *shop
		path    string
		want    []string
		current map[string]string
	}{
		{"marketing", marketing, "/events/devcon/catalogue",
			eventNav("devcon", "dashboard", "branding", "catalogue", "vouchers", "form", "messages", "signups", "emails", "settings", "kiosks"),
			map[string]string{"/events/devcon/catalogue": "page"}},
		{"marketing, inside a section", marketing, "/events/devcon/branding/history",
			eventNav("devcon", "dashboard", "branding", "catalogue", "vouchers", "form", "messages", "signups", "emails", "settings", "kiosks"),
			map[string]string{"/events/devcon/branding": "true"}},
		{"fulfilment", fulfilment, "/events/devcon/orders/" + o.Number,
			eventNav("devcon", "dashboard", "orders", "desk", "messages", "signups", "suppliers"),
			map[string]string{"/events/devcon/orders": "true"}},
		{"owner", owner, "/events/devcon/dashboard", all, map[string]string{"/events/devcon/dashboard": "page"}},
		{"platform admin", admin, "/events/devcon/domains", all, map[string]string{"/events/devcon/domains": "page"}},
	} {
		t.Run(tc.who, func(t *testing.T) {
			r := consolePage(t, tc.b, tc.path)
			event, _, current := navLinks(t, r)
			if !slices.Equal(event, tc.want) {
				t.Errorf("navigation %q, want %q", event, tc.want)
			}
			if !maps.Equal(current, tc.current) {
				t.Errorf("current %v, want %v", current, tc.current)
			}
			if got := r.text("#nav-event"); !strings.Contains(got, "Name of devcon") {
				t.Errorf("the navigation names %q, want the event", got)
			}
			if href, _ := r.doc.Find("nav.console-nav a.view-shop").Attr("href"); href != "https://devcon."+testBase {
				t.Errorf("the navigation's link to the shop goes to %q, want the event's address", href)
			}
		})
	}

	t.Run("every entry opens for the role it is shown to", func(t *testing.T) {
		for _, b := range []*shop{marketing, fulfilment, owner} {
			event, _, _ := navLinks(t, consolePage(t, b, "/events/devcon/dashboard"))
			for _, href := range event {
				consolePage(t, b, href)
			}
		}
	})
	t.Run("the platform section is for platform admins only", func(t *testing.T) {
		_, platform, current := navLinks(t, consolePage(t, admin, "/platform/jobs"))
		if want := []string{"/platform/events", "/platform/inbox", "/platform/jobs", "/platform/audit", "/platform/backups", "/platform/webhooks", "/docs/api"}; !slices.Equal(platform, want) {
			t.Errorf("platform section %q, want %q", platform, want)
		}
		if !maps.Equal(current, map[string]string{"/platform/jobs": "page"}) {
			t.Errorf("current %v, want the jobs page", current)
		}
		for _, b := range []*shop{marketing, owner} {
			if _, platform, _ := navLinks(t, consolePage(t, b, "/")); len(platform) != 0 {
				t.Errorf("a member sees the platform's pages: %q", platform)
			}
		}
	})
	t.Run("the home page is current on the home page, with no event's section", func(t *testing.T) {
		r := consolePage(t, marketing, "/")
		event, _, current := navLinks(t, r)
		if len(event) != 0 || !maps.Equal(current, map[string]string{"/": "page"}) {
			t.Errorf("home: event section %q, current %v", event, current)
		}
		if got := r.text("header.console-header .who"); got != "Signed in as marketing@example.com" {
			t.Errorf("header says %q", got)
		}
		if href, _ := r.doc.Find(`link[rel="icon"]`).Attr("href"); href != "/static/favicon.svg" {
			t.Errorf("favicon %q", href)
		}
		if href, _ := r.doc.Find("table.events tbody tr a.event-link").Attr("href"); href != "/events/devcon/dashboard" {
			t.Errorf("the event's link goes to %q, want its overview", href)
		}
		if n := r.doc.Find("table.events tbody tr a").Length(); n != 1 {
			t.Errorf("%d links in the event's row, want one", n)
		}
	})
	t.Run("an error page keeps the frame and names no event the member may not see", func(t *testing.T) {
		for _, path := range []string{"/events/other/branding", "/events/nosuch/catalogue", "/no-such-page"} {
			r := marketing.do(http.MethodGet, path, "", "")
			if r.status != http.StatusNotFound {
				t.Fatalf("GET %s: %d", path, r.status)
			}
			event, _, _ := navLinks(t, r)
			if len(event) != 0 || strings.Contains(r.text("nav.console-nav"), "Name of other") {
				t.Errorf("GET %s: the frame shows %q", path, r.text("nav.console-nav"))
			}
		}
	})
	t.Run("the home page names the role in the member's language", func(t *testing.T) {
		r := marketing.do(http.MethodGet, "/", "", "", "Accept-Language", "de")
		if got := r.text(`table.events tbody tr td[data-label="Ihre Rolle"]`); got != "Marketing" {
			t.Errorf("role in German %q: %q", got, r.text("table.events"))
		}
	})
	t.Run("signed out, the sign-in card has no frame", func(t *testing.T) {
		r := s.browser().do(http.MethodGet, "/login", "", "")
		if r.doc.Find("nav.console-nav, header.console-header, form[action='/logout']").Length() != 0 {
			t.Errorf("the sign-in page shows the console's frame")
		}
	})
}

func TestConsoleHomeWithoutEventsSaysWhatToDo(t *testing.T) {
	s, _, _ := consoleServer(t)
	nobody := consoleMember(t, s, "new@example.com", false, nil, "")
	r := consolePage(t, nobody, "/")
	if got := r.text("#no-events"); got != enMessage(s, "console.home.no_events") {
		t.Errorf("empty home says %q", got)
	}
	if r.doc.Find("table.events").Length() != 0 || r.doc.Find("#no-events a").Length() != 0 {
		t.Errorf("a member of nothing gets a table or a link to create events")
	}
	// A platform admin of a platform with no events is offered to create one.
	r = consolePage(t, platformAdmin(t, startServer(t)), "/")
	if href, _ := r.doc.Find("#no-events a.button").Attr("href"); href != "/platform/events#new-event" {
		t.Errorf("the admin's empty home links to %q", href)
	}
}
