package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/provision"
	"marquee/tenant/staff"
)

// consoleMember creates a staff member with a password and signs them in;
// role on ev, unless ev is nil.
func consoleMember(t *testing.T, s *testServer, email string, platformAdmin bool, ev *tenant.Tenant, role staff.Role) *shop {
	t.Helper()
	dbtest.Member(t, s.staff, email, "Someone", platformAdmin, ev, role)
	b := s.browser()
	if r := signIn(b, email, dbtest.Password); r.status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", email, r.status)
	}
	return b
}

// platformAdmin signs in a platform administrator.
func platformAdmin(t *testing.T, s *testServer) *shop {
	t.Helper()
	return consoleMember(t, s, "ops@example.com", true, nil, "")
}

// consolePage fetches a console page that must answer 200.
func consolePage(t *testing.T, b *shop, path string) *response {
	t.Helper()
	c := b.web()
	c.T = t
	return fromPage(c.OK(path))
}

func eventCount(t *testing.T, s *testServer) int {
	t.Helper()
	list, err := s.db.ListTenants(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestPlatformEventPages(t *testing.T) {
	s, _, _ := consoleServer(t)
	ctx := context.Background()
	admin := platformAdmin(t, s)
	csrf := csrfOf(consolePage(t, admin, "/platform/events"))
	storefront := func(slug string) int { return s.get(slug+"."+testBase, "/").status }

	t.Run("the navigation links a platform admin to the platform pages and every event's domains", func(t *testing.T) {
		home := consolePage(t, admin, "/")
		if home.doc.Find(`nav.console-nav a[href="/platform/events"]`).Text() != "All events" {
			t.Fatalf("no platform link: %q", home.text("nav.console-nav"))
		}
		if consolePage(t, admin, "/events/devcon/dashboard").doc.Find(`nav.console-nav a[href="/events/devcon/domains"]`).Length() != 1 {
			t.Error("no domains link for a platform admin")
		}
	})
	t.Run("the list shows 50 events a page, by slug, with a next-page link", func(t *testing.T) {
		for i := 1; i <= 55; i++ {
			if _, err := s.provision.Create(ctx, provision.Spec{Slug: fmt.Sprintf("ev-%03d", i), Name: fmt.Sprintf("Event %d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		first := consolePage(t, admin, "/platform/events")
		rows := first.doc.Find("table.platform-events tbody tr")
		if rows.Length() != 50 || rows.First().AttrOr("data-slug", "") != "devcon" || rows.Last().AttrOr("data-slug", "") != "ev-049" {
			t.Fatalf("first page: %d rows, %q to %q", rows.Length(), rows.First().AttrOr("data-slug", ""), rows.Last().AttrOr("data-slug", ""))
		}
		if got := rows.First().Find("td.status").Text(); got != "active" {
			t.Errorf("status %q", got)
		}
		next, _ := first.doc.Find("a#next-page").Attr("href")
		if next != "/platform/events?after=ev-049" {
			t.Fatalf("next page link %q", next)
		}
		second := consolePage(t, admin, next)
		rows = second.doc.Find("table.platform-events tbody tr")
		if rows.Length() != 7 || rows.First().AttrOr("data-slug", "") != "ev-050" || rows.Last().AttrOr("data-slug", "") != "other" {
			t.Fatalf("second page: %d rows, %q to %q", rows.Length(), rows.First().AttrOr("data-slug", ""), rows.Last().AttrOr("data-slug", ""))
		}
		if second.doc.Find("a#next-page").Length() != 0 {
			t.Error("the last page links to a next page")
		}
	})
	newEvent := url.Values{"csrf": {csrf}, "slug": {"berlin"}, "name": {"Berlin 2027"}, "default_locale": {"en"}, "locales": {"en", "de"},
		"currency": {"EUR"}, "starts_on": {"2027-05-01"}, "ends_on": {"2027-05-03"}}
	t.Run("each slug rule is refused on the form with its message, and nothing is created", func(t *testing.T) {
		before := eventCount(t, s)
		for slug, want := range map[string]struct {
			status  int
			message string
		}{
			"":                      {422, "Enter a subdomain for the event."},
			"ab":                    {422, "The subdomain must be at least 3 characters long."},
			"Berlin":                {422, "Use only lowercase letters (a–z), digits and hyphens."},
			"-berlin":               {422, "The subdomain cannot start or end with a hyphen."},
			"ab--cd":                {422, "The subdomain cannot have two hyphens in the third and fourth place."},
			"console":               {422, "This subdomain is reserved for the platform. Choose another."},
			strings.Repeat("x", 64): {422, "The subdomain can be at most 63 characters long."},
			"devcon":                {409, "This subdomain is already taken by another event."},
		} {
			r := admin.post("/platform/events", with(newEvent, "slug", slug))
			if r.status != want.status || r.text("#problem") != want.message || r.doc.Find("#problem").AttrOr("data-field", "") != "slug" {
				t.Errorf("slug %q: %d %q", slug, r.status, r.text("#problem"))
			}
			if v, _ := r.doc.Find(`input[name="slug"]`).Attr("value"); v != slug {
				t.Errorf("slug %q not kept: %q", slug, v)
			}
			if v, _ := r.doc.Find(`input[name="name"]`).Attr("value"); v != "Berlin 2027" {
				t.Errorf("name not kept: %q", v)
			}
			if r.doc.Find(`input[name="locales"][value="de"][checked]`).Length() != 1 || r.doc.Find(`input[name="starts_on"]`).AttrOr("value", "") != "2027-05-01" {
				t.Errorf("languages or dates not kept")
			}
		}
		for field, tc := range map[string]struct{ value, message string }{
			"ends_on":  {"2027-04-01", "The event's last day cannot be before its first day."},
			"currency": {"EURO", "Enter a currency as its three-letter ISO 4217 code, such as EUR or USD."},
			"template": {"nowhere", "There is no event with this slug to copy from."},
		} {
			if r := admin.post("/platform/events", with(newEvent, field, tc.value)); r.status != 422 || r.text("#problem") != tc.message {
				t.Errorf("%s %q: %d %q", field, tc.value, r.status, r.text("#problem"))
			}
		}
		if got := eventCount(t, s); got != before {
			t.Fatalf("%d events after refusals, want %d", got, before)
		}
		if r := admin.post("/platform/events", with(newEvent, "csrf", "forged")); r.status != 403 || eventCount(t, s) != before {
			t.Fatalf("a forged form: %d", r.status)
		}
	})
	t.Run("a new event answers on its subdomain within a second", func(t *testing.T) {
		r := admin.post("/platform/events", newEvent)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/platform/events/berlin?saved=event_created" {
			t.Fatalf("create: %d to %q: %s", r.status, r.header.Get("Location"), r.text("#problem"))
		}
		waitFor(t, time.Second, func() bool { return storefront("berlin") == 200 })
		page := consolePage(t, admin, r.header.Get("Location"))
		if page.text("#event-name") != "Berlin 2027" || page.text("#event-status") != "active" || page.text("#flash") != "The event has been created." {
			t.Fatalf("event page: %q", page.text("dl.event-details"))
		}
		details := page.text("dl.event-details")
		for _, want := range []string{"English, Deutsch", "EUR", "2027-05-01", "2027-05-03"} {
			if !strings.Contains(details, want) {
				t.Errorf("details lack %q: %q", want, details)
			}
		}
		if got, _ := page.doc.Find("a#public-url").Attr("href"); got != "https://berlin."+testBase {
			t.Errorf("public URL %q", got)
		}
		if got := page.text(`tr[data-hostname="berlin.` + testBase + `"] td.certificate`); !strings.HasPrefix(got, "none yet") {
			t.Errorf("subdomain certificate %q", got)
		}
		if page.doc.Find("form.invite, #invite-link").Length() != 0 {
			t.Error("an invitation shown without an owner")
		}
	})
	t.Run("an owner's invitation link is shown once, on the created page", func(t *testing.T) {
		r := admin.post("/platform/events", with(with(newEvent, "slug", "munich"), "owner", "Owner@Example.com"))
		link, _ := r.doc.Find("#invite-link").Attr("value")
		if r.status != http.StatusCreated || !strings.Contains(link, "/invite/") || r.text("#event-slug") != "munich" {
			t.Fatalf("create with an owner: %d, link %q", r.status, link)
		}
		if again := consolePage(t, admin, "/platform/events/munich"); again.doc.Find("#invite-link").Length() != 0 {
			t.Error("the invitation link is shown again")
		}
	})
	t.Run("renaming keeps the typed name on a refusal", func(t *testing.T) {
		r := admin.post("/platform/events/berlin/rename", url.Values{"csrf": {csrf}, "name": {"   "}})
		if r.status != 422 || r.text("#problem") != "Enter the event's name." || r.doc.Find("input#rename").AttrOr("value", "") != "   " {
			t.Fatalf("empty name: %d %q", r.status, r.text("#problem"))
		}
		if got, _ := s.db.TenantBySlug(ctx, "berlin"); got.Name != "Berlin 2027" {
			t.Fatalf("a refused rename changed the name to %q", got.Name)
		}
		if r := admin.post("/platform/events/berlin/rename", url.Values{"csrf": {csrf}, "name": {"Berlin Summit"}}); r.status != http.StatusSeeOther {
			t.Fatalf("rename: %d", r.status)
		}
		if page := consolePage(t, admin, "/platform/events/berlin?saved=event_renamed"); page.text("#event-name") != "Berlin Summit" || page.text("#flash") != "The event has been renamed." {
			t.Fatalf("after rename: %q %q", page.text("#event-name"), page.text("#flash"))
		}
	})
	t.Run("suspend, resume and archive follow the rules and reach the storefront", func(t *testing.T) {
		steps := []struct {
			action  string
			status  int
			message string
			site    int
			buttons string // the status buttons the page shows afterwards
		}{
			{"resume", 409, "The event is already active.", 200, "suspend archive"},
			{"delete", 409, "Only an archived event can be deleted. Archive it first.", 200, "suspend archive"},
			{"suspend", 303, "", 503, "resume archive"},
			{"suspend", 409, "Only an active event can be suspended.", 503, "resume archive"},
			{"resume", 303, "", 200, "suspend archive"},
			{"archive", 303, "", 410, "resume delete-event"},
			{"archive", 409, "The event is already archived.", 410, "resume delete-event"},
		}
		for _, st := range steps {
			r := admin.post("/platform/events/berlin/"+st.action, url.Values{"csrf": {csrf}, "confirm": {"berlin"}})
			if r.status != st.status || r.text("#problem") != st.message {
				t.Errorf("%s: %d %q, want %d %q", st.action, r.status, r.text("#problem"), st.status, st.message)
			}
			waitFor(t, time.Second, func() bool { return storefront("berlin") == st.site })
			page := consolePage(t, admin, "/platform/events/berlin")
			var shown []string
			for _, form := range []string{"suspend", "resume", "archive", "delete-event"} {
				// Suspend and archive are links to their confirm pages.
				if page.doc.Find("main form."+form+", main a."+form).Length() == 1 {
					shown = append(shown, form)
				}
			}
			if got := strings.Join(shown, " "); got != st.buttons {
				t.Errorf("after %s: buttons %q, want %q", st.action, got, st.buttons)
			}
		}
	})
	t.Run("deleting needs the slug typed again", func(t *testing.T) {
		for _, confirm := range []string{"", "Berlin", "munich"} {
			r := admin.post("/platform/events/berlin/delete", url.Values{"csrf": {csrf}, "confirm": {confirm}})
			if r.status != 422 || r.text("#problem") != "To delete the event, repeat its slug as the confirmation." ||
				r.doc.Find("input#confirm").AttrOr("value", "") != confirm {
				t.Errorf("confirm %q: %d %q", confirm, r.status, r.text("#problem"))
			}
		}
		if _, err := s.db.TenantBySlug(ctx, "berlin"); err != nil {
			t.Fatalf("a refused delete removed the event: %v", err)
		}
		r := admin.post("/platform/events/berlin/delete", url.Values{"csrf": {csrf}, "confirm": {"berlin"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/platform/events?saved=event_deleted" {
			t.Fatalf("delete: %d to %q", r.status, r.header.Get("Location"))
		}
		if r := admin.do(http.MethodGet, "/platform/events/berlin", "", ""); r.status != 404 {
			t.Errorf("deleted event's page: %d", r.status)
		}
		waitFor(t, time.Second, func() bool { return storefront("berlin") == 404 })
	})
}

// TestPlatformPagesHiddenFromMembers enumerates every /platform route: an
// event's member who is no platform admin gets the 404 of a page that does
// not exist, and nothing changes.
func TestPlatformPagesHiddenFromMembers(t *testing.T) {
	s, ev, _ := consoleServer(t)
	ctx := context.Background()
	owner := consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
	for who, b := range map[string]*shop{"marketing": signedInMember(t, s), "owner": owner} {
		home := consolePage(t, b, "/")
		if home.doc.Find(`a[href="/platform/events"]`).Length() != 0 {
			t.Errorf("%s: the home page links to the platform pages", who)
		}
		csrf := csrfOf(home)
		console := s.newConsole()
		checked := 0
		for _, route := range console.GetRoutes(true) {
			if !strings.HasPrefix(route.Path, "/platform") || route.Method == http.MethodHead {
				continue
			}
			path := strings.ReplaceAll(route.Path, ":slug", "devcon")
			var r *response
			if route.Method == http.MethodPost {
				r = b.post(path, url.Values{"csrf": {csrf}, "slug": {"sneaky"}, "name": {"Hijacked"}, "confirm": {"devcon"}})
			} else {
				r = b.do(route.Method, path, "", "")
			}
			if r.status != 404 {
				t.Errorf("%s: %s %s answered %d, want 404", who, route.Method, path, r.status)
			}
			checked++
		}
		if checked < 8 {
			t.Fatalf("checked %d platform routes: the enumeration is broken", checked)
		}
	}
	got, err := s.db.TenantBySlug(ctx, "devcon")
	if err != nil || got.Name != ev.Name || got.Status != tenant.StatusActive {
		t.Fatalf("devcon after refused requests: %+v %v", got, err)
	}
	if _, err := s.db.TenantBySlug(ctx, "sneaky"); err == nil {
		t.Fatal("a refused request created an event")
	}
}

// domainServer is a console server whose DNS checks go to a closed port,
// with devcon's owner signed in.
func domainServer(t *testing.T) (*testServer, *tenant.Tenant, *shop) {
	t.Helper()
	s, ev, _ := consoleServer(t)
	return s, ev, consoleMember(t, s, "owner@example.com", false, ev, staff.RoleOwner)
}

func TestDomainPage(t *testing.T) {
	s, ev, owner := domainServer(t)
	ctx := context.Background()
	page := consolePage(t, owner, "/events/devcon/domains")
	csrf := csrfOf(page)
	section := func(host string) string { return `section.custom-domain[data-hostname="` + host + `"]` }
	stored := func() []tenant.Domain {
		list, err := s.db.Domains(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}

	t.Run("the owner's navigation links to the domains", func(t *testing.T) {
		if consolePage(t, owner, "/events/devcon/dashboard").doc.Find(`nav.console-nav a[href="/events/devcon/domains"]`).Length() != 1 {
			t.Fatal("no domains link for the owner")
		}
		if consolePage(t, signedInMember(t, s), "/events/devcon/dashboard").doc.Find(`a[href="/events/devcon/domains"]`).Length() != 0 {
			t.Fatal("a marketing member is shown the domains link")
		}
	})
	t.Run("an added domain shows the TXT proof and the CNAME to the edge", func(t *testing.T) {
		r := owner.post("/events/devcon/domains", url.Values{"csrf": {csrf}, "hostname": {"Shop.DevCon.org"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("add: %d %s", r.status, r.text("#problem"))
		}
		list := stored()
		if len(list) != 1 || list[0].Hostname != "shop.devcon.org" {
			t.Fatalf("stored %+v", list)
		}
		page := consolePage(t, owner, r.header.Get("Location"))
		sel := section("shop.devcon.org")
		if page.text(sel+" .state") != "waiting for the DNS records" || page.text(sel+" .checked") != "not checked yet" || !strings.HasPrefix(page.text(sel+" .certificate"), "none yet") {
			t.Fatalf("state %q, checked %q, certificate %q", page.text(sel+" .state"), page.text(sel+" .checked"), page.text(sel+" .certificate"))
		}
		var records []string
		page.doc.Find(sel + " table.records tbody tr").Each(func(_ int, row *goquery.Selection) {
			records = append(records, row.Find(".type").Text()+" "+row.Find(".name").Text()+" "+row.Find(".value").Text())
		})
		want := []string{"TXT _marquee-challenge.shop.devcon.org " + list[0].Token, "CNAME shop.devcon.org edge." + testBase}
		if strings.Join(records, "\n") != strings.Join(want, "\n") {
			t.Fatalf("records:\n%s\nwant:\n%s", strings.Join(records, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("refused names say why, keep the typed name and add nothing", func(t *testing.T) {
		if _, _, err := s.provision.AddDomain(ctx, "other", "shop.other.org"); err != nil {
			t.Fatal(err)
		}
		for host, want := range map[string]struct {
			status  int
			message string
		}{
			"x." + testBase:  {422, "This hostname belongs to the platform and cannot be added to an event."},
			testBase:         {422, "This hostname belongs to the platform and cannot be added to an event."},
			"192.0.2.1":      {422, "Enter a hostname such as shop.example.org (not an IP address)."},
			"shop.other.org": {409, "This hostname already belongs to an event."},
		} {
			r := owner.post("/events/devcon/domains", url.Values{"csrf": {csrf}, "hostname": {host}})
			if r.status != want.status || r.text("#problem") != want.message || r.doc.Find("input#hostname").AttrOr("value", "") != host {
				t.Errorf("%s: %d %q", host, r.status, r.text("#problem"))
			}
		}
		if n := len(stored()); n != 1 {
			t.Fatalf("%d domains after refusals", n)
		}
	})
	t.Run("verify now shows the failed state and the reason", func(t *testing.T) {
		r := owner.post("/events/devcon/domains/shop.devcon.org/verify", url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("verify: %d", r.status)
		}
		page := consolePage(t, owner, r.header.Get("Location"))
		sel := section("shop.devcon.org")
		if page.doc.Find(sel).AttrOr("data-state", "") != "failed" || page.text(sel+" .state") != "check failed" ||
			page.text(sel+" .last-error") != "The DNS lookup failed. Try again in a few minutes." || page.text(sel+" .checked") == "not checked yet" {
			t.Fatalf("after verify: %q", page.text(sel))
		}
		if got := s.get("shop.devcon.org", "/").status; got != 404 {
			t.Errorf("a failed domain answers %d", got)
		}
	})
	t.Run("the platform's event page lists the domain with its state", func(t *testing.T) {
		admin := platformAdmin(t, s)
		page := consolePage(t, admin, "/platform/events/devcon")
		row := `tr[data-hostname="shop.devcon.org"] `
		if page.text(row+".state") != "check failed" || page.text(row+".last-error") != "The DNS lookup failed. Try again in a few minutes." {
			t.Fatalf("platform page: %q", page.text("table.event-names"))
		}
		consolePage(t, admin, "/events/devcon/domains")
	})
	t.Run("members without the owner role and other events' names get 404", func(t *testing.T) {
		others := map[string]*shop{"marketing": signedInMember(t, s), "fulfilment": fulfilmentMember(t, s, ev)}
		for who, b := range others {
			token := csrfOf(consolePage(t, b, "/"))
			for _, req := range []struct{ method, path string }{
				{http.MethodGet, "/events/devcon/domains"},
				{http.MethodPost, "/events/devcon/domains"},
				{http.MethodPost, "/events/devcon/domains/shop.devcon.org/verify"},
				{http.MethodPost, "/events/devcon/domains/shop.devcon.org/remove"},
			} {
				r := b.do(req.method, req.path, "", "")
				if req.method == http.MethodPost {
					r = b.post(req.path, url.Values{"csrf": {token}, "hostname": {"evil.example.org"}})
				}
				if r.status != 404 {
					t.Errorf("%s: %s %s answered %d", who, req.method, req.path, r.status)
				}
			}
		}
		if r := owner.do(http.MethodGet, "/events/other/domains", "", ""); r.status != 404 {
			t.Errorf("the owner of devcon opened other's domains: %d", r.status)
		}
		for _, action := range []string{"verify", "remove"} {
			if r := owner.post("/events/devcon/domains/shop.other.org/"+action, url.Values{"csrf": {csrf}}); r.status != 404 {
				t.Errorf("%s of another event's hostname: %d", action, r.status)
			}
		}
		if n := len(stored()); n != 1 {
			t.Fatalf("%d devcon domains after refusals", n)
		}
		theirs, err := s.provision.Domains(ctx, "other")
		if err != nil || len(theirs) != 1 || theirs[0].State != tenant.DomainPending || theirs[0].CheckedAt != nil {
			t.Fatalf("other's domain changed: %+v %v", theirs, err)
		}
	})
	t.Run("remove detaches the name", func(t *testing.T) {
		if r := owner.post("/events/devcon/domains/shop.devcon.org/remove", url.Values{"csrf": {"forged"}}); r.status != 403 || len(stored()) != 1 {
			t.Fatalf("a forged remove: %d", r.status)
		}
		r := owner.post("/events/devcon/domains/shop.devcon.org/remove", url.Values{"csrf": {csrf}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("remove: %d", r.status)
		}
		page := consolePage(t, owner, r.header.Get("Location"))
		if page.doc.Find("section.custom-domain").Length() != 0 || page.text(".no-domains") == "" || page.text("#flash") == "" {
			t.Fatalf("after remove: %q", page.text("main"))
		}
		if n := len(stored()); n != 0 {
			t.Fatalf("%d domains after remove", n)
		}
	})
}

// TestPlatformClosingTime sets and clears an event's closing time from
// the platform page; a time that is not one is refused and nothing changes.
func TestPlatformClosingTime(t *testing.T) {
	s, ev, _ := consoleServer(t)
	admin := platformAdmin(t, s)
	page := consolePage(t, admin, "/platform/events/devcon")
	csrf := csrfOf(page)
	r := admin.post("/platform/events/devcon/closes", url.Values{"csrf": {csrf}, "closes_at": {"next week"}})
	if r.status != 422 || !strings.Contains(r.text(".problems"), "Enter the closing time") {
		t.Fatalf("a bad time: %d %q", r.status, r.text(".problems"))
	}
	if v, _ := r.doc.Find(`input[name="closes_at"]`).Attr("value"); v != "next week" {
		t.Errorf("the typed value is not kept: %q", v)
	}
	if got, _ := s.db.TenantBySlug(context.Background(), "devcon"); got.ClosesAt != nil {
		t.Fatal("a refused time was stored")
	}
	if r := admin.post("/platform/events/devcon/closes", url.Values{"csrf": {csrf}, "closes_at": {"2027-06-03T18:00"}}); r.status != http.StatusSeeOther {
		t.Fatalf("set: %d %s", r.status, r.text(".problems"))
	}
	if v, _ := consolePage(t, admin, "/platform/events/devcon").doc.Find(`input[name="closes_at"]`).Attr("value"); v != "2027-06-03T18:00" {
		t.Errorf("the page shows %q", v)
	}
	if r := admin.post("/platform/events/devcon/closes", url.Values{"csrf": {csrf}, "closes_at": {""}}); r.status != http.StatusSeeOther {
		t.Fatalf("clear: %d", r.status)
	}
	if got, _ := s.db.TenantBySlug(context.Background(), ev.Slug); got.ClosesAt != nil {
		t.Fatalf("the closing time was not cleared: %v", got.ClosesAt)
	}
	if r := signedInMember(t, s).post("/platform/events/devcon/closes", url.Values{"csrf": {csrf}, "closes_at": {"2027-06-03T18:00"}}); r.status != 404 {
		t.Fatalf("a member: %d", r.status)
	}
}
