package render

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"marquee/branding"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/storefront/form"
	"marquee/storefront/notify"
	"marquee/themes"
)

const (
	logoURL   = "https://cdn.example.com/devcon/logo.png"
	primary   = "#c2185b"
	statusURL = "https://devcon.example.com/orders/K7M3-Q9XZ?sig=abc123"
	evilJS    = "<script>alert(1)</script>"
	evilName  = "<b>x</b>"
)

func newRenderer(t testing.TB) *Renderer {
	t.Helper()
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(set)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// testEvent is DevCon 2027: English and German, euros, shipping, a
// customer field, a shipping field and an item field.
func testEvent() Event {
	return Event{Name: "DevCon 2027", Slug: "devcon", DefaultLocale: "en", Locales: []string{"en", "de"},
		Currency: "EUR", BaseURL: "https://devcon.example.com", LogoURL: logoURL, Ships: true,
		FromAddress: "shop@marquee.example", ReplyTo: "merch@devcon.example",
		Branding: branding.Branding{Theme: "classic", Colours: branding.Colours{Primary: primary, Accent: "#f2a516",
			Background: "#ffffff", Text: "#1b1b1f"},
			Copy: map[string]branding.Copy{"en": {Title: "DevCon 2027"}, "de": {Title: "DevCon 2027"}}},
		Fields: []form.Field{
			{Key: "company", Scope: form.ScopeCustomer, Type: form.TypeText,
				Label: map[string]string{"en": "Company", "de": "Firma"}},
			{Key: "diet", Scope: form.ScopeCustomer, Type: form.TypeSingleChoice, Position: 1,
				Label:   map[string]string{"en": "Diet", "de": "Ernährung"},
				Options: []form.Option{{Value: "veg", Label: map[string]string{"en": "Vegetarian", "de": "Vegetarisch"}}}},
			{Key: "phone", Scope: form.ScopeShipping, Type: form.TypePhone,
				Label: map[string]string{"en": "Phone", "de": "Telefon"}},
			{Key: "print_name", Scope: form.ScopeItem, Type: form.TypeText,
				Label: map[string]string{"en": "Name on the shirt", "de": "Name auf dem Shirt"}},
		}}
}

// testOrder is two items for 35.00 €, with a malicious answer and a name
// that looks like markup.
func testOrder(lang string) storefront.Order {
	return storefront.Order{Number: "K7M3-Q9XZ", Email: "ada@example.com", Name: evilName, Locale: lang,
		Status: storefront.StatusPlaced, Currency: "EUR", TotalMinor: 3500,
		CreatedAt: time.Date(2027, 5, 3, 14, 30, 0, 0, time.UTC),
		Answers:   map[string]any{"company": evilJS, "diet": "veg", "phone": "+49 30 1234567", "tshirt_fit": "slim"},
		Address: &address.Address{Name: "Ada Lovelace", Line1: "Friedrichstraße 123", Locality: "Berlin",
			PostalCode: "10117", CountryCode: "DE"},
		Items: []storefront.Item{
			{Position: 1, ProductName: storefront.Text{"en": "T-shirt", "de": "T-Shirt"}, VariantLabel: storefront.Text{"en": "M"},
				Quantity: 1, UnitPriceMinor: 1500, Answers: map[string]any{"print_name": "Ada"}},
			{Position: 2, ProductName: storefront.Text{"en": "Sticker", "de": "Aufkleber"}, VariantLabel: storefront.Text{"en": "Round"},
				Quantity: 2, UnitPriceMinor: 1000, Answers: map[string]any{"print_name": "Countess"}},
		}}
}

// want is what the English and German emails must say.
var want = map[string]struct {
	subject, total, lineTotal, company, diet, printName, shirt, removed string
}{
	"en": {subject: "Your order K7M3-Q9XZ at DevCon 2027", total: "€35.00", lineTotal: "€20.00", company: "Company",
		diet: "Diet: Vegetarian", printName: "Name on the shirt: Ada", shirt: "T-shirt", removed: "tshirt_fit: slim"},
	"de": {subject: "Deine Bestellung K7M3-Q9XZ bei DevCon 2027", total: "35,00\u00a0€", lineTotal: "20,00\u00a0€",
		company: "Firma", diet: "Ernährung: Vegetarisch", printName: "Name auf dem Shirt: Ada", shirt: "T-Shirt",
		removed: "tshirt_fit: slim"},
}

func TestAttendeeEmails(t *testing.T) {
	r := newRenderer(t)
	for _, lang := range []string{"en", "de"} {
		w := want[lang]
		for _, kind := range notify.AttendeeKinds {
			t.Run(lang+"/"+string(kind), func(t *testing.T) {
				m, err := r.Attendee(kind, testEvent(), testOrder(lang), statusURL, "")
				if err != nil {
					t.Fatal(err)
				}
				if kind == notify.KindOrderConfirmation && m.Subject != w.subject {
					t.Errorf("subject %q, want %q", m.Subject, w.subject)
				}
				if !strings.Contains(m.Subject, "K7M3-Q9XZ") || !strings.Contains(m.Subject, "DevCon 2027") {
					t.Errorf("subject %q lacks the order number or the event", m.Subject)
				}
				if m.FromName != "DevCon 2027" || m.ReplyTo != "merch@devcon.example" || m.FromAddress != "shop@marquee.example" {
					t.Errorf("from %q <%s>, reply-to %q", m.FromName, m.FromAddress, m.ReplyTo)
				}
				if !slices.Equal(m.To, []string{"ada@example.com"}) {
					t.Errorf("to %v", m.To)
				}
				if m.Headers["X-Marquee-Kind"] != string(kind) {
					t.Errorf("X-Marquee-Kind %q", m.Headers["X-Marquee-Kind"])
				}
				for _, s := range []string{"K7M3-Q9XZ", w.shirt, "Round", w.total, w.lineTotal, w.company + ": " + evilJS,
					w.diet, w.printName, w.removed, statusURL} {
					if !strings.Contains(m.Text, s) {
						t.Errorf("text part lacks %q:\n%s", s, m.Text)
					}
				}
				if strings.Contains(m.Text, "<td") || strings.Contains(m.Text, "<p") {
					t.Errorf("text part has HTML:\n%s", m.Text)
				}
				for _, s := range []string{logoURL, primary, html.EscapeString(statusURL), "&lt;script&gt;alert(1)&lt;/script&gt;",
					"&lt;b&gt;x&lt;/b&gt;", w.total} {
					if !strings.Contains(m.HTML, s) {
						t.Errorf("HTML part lacks %q", s)
					}
				}
				for _, s := range []string{evilJS, evilName} {
					if strings.Contains(m.HTML, s) {
						t.Errorf("HTML part has the raw %q", s)
					}
				}
				assertTranslated(t, m)
			})
		}
	}
}

func TestAttendeeEmailSaysWhatHappened(t *testing.T) {
	r := newRenderer(t)
	tests := []struct {
		name           string
		kind           notify.Kind
		lang, note     string
		subject, lines []string
		absent         []string
	}{
		{name: "dispatched shows the tracking note", kind: notify.KindStatusDispatched, lang: "en",
			note: "DHL 00340434161094042557", subject: []string{"on its way"},
			lines: []string{"Tracking information:", "DHL 00340434161094042557", "Ship"}},
		{name: "dispatched without a note has no tracking line", kind: notify.KindStatusDispatched, lang: "en",
			subject: []string{"on its way"}, absent: []string{"Tracking information:"}},
		{name: "cancelled says so in subject, heading and text", kind: notify.KindStatusCancelled, lang: "de",
			subject: []string{"storniert"}, lines: []string{"Deine Bestellung wurde storniert", "nicht"},
			absent: []string{"Lieferadresse", "Friedrichstraße"}},
		{name: "confirmation shows the shipping address", kind: notify.KindOrderConfirmation, lang: "en",
			lines: []string{"Friedrichstraße 123", "10117 Berlin", "Germany"}},
		{name: "ready for pick-up", kind: notify.KindStatusReady, lang: "de", subject: []string{"Abholung"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := r.Attendee(tc.kind, testEvent(), testOrder(tc.lang), statusURL, tc.note)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.subject {
				if !strings.Contains(m.Subject, s) {
					t.Errorf("subject %q lacks %q", m.Subject, s)
				}
			}
			for _, s := range tc.lines {
				if !strings.Contains(m.Text, s) || !strings.Contains(m.HTML, html.EscapeString(s)) {
					t.Errorf("an email part lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(m.Text, s) || strings.Contains(m.HTML, s) {
					t.Errorf("email has %q:\n%s", s, m.Text)
				}
			}
		})
	}
}

func TestEveryStatusKindHasItsOwnSubject(t *testing.T) {
	r := newRenderer(t)
	seen := map[string]notify.Kind{}
	for _, kind := range notify.AttendeeKinds {
		m, err := r.Attendee(kind, testEvent(), testOrder("en"), statusURL, "")
		if err != nil {
			t.Fatal(err)
		}
		if other, ok := seen[m.Subject]; ok {
			t.Errorf("%s and %s share the subject %q", kind, other, m.Subject)
		}
		seen[m.Subject] = kind
	}
}

func TestAttendeeEventWithoutShippingHasPickUpNote(t *testing.T) {
	r := newRenderer(t)
	ev := testEvent()
	ev.Ships = false
	o := testOrder("en")
	o.Address = nil
	m, err := r.Attendee(notify.KindOrderConfirmation, ev, o, statusURL, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "you collect your order at the event") || strings.Contains(m.Text, "Shipping address") {
		t.Errorf("no pick-up note, or a shipping heading:\n%s", m.Text)
	}
}

func TestAttendeeTextCannotBecomeALink(t *testing.T) {
	r := newRenderer(t)
	o := testOrder("en")
	o.Name = "Visit https://evil.example now"
	o.Answers["company"] = "evil.example"
	m, err := r.Attendee(notify.KindOrderConfirmation, testEvent(), o, statusURL, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{m.Text, m.HTML} {
		for _, s := range []string{"https://evil.example", "evil.example"} {
			if strings.Contains(part, s) {
				t.Errorf("a part has the linkable %q", s)
			}
		}
		if !strings.Contains(strings.ReplaceAll(part, "\u2060", ""), "https://evil.example") {
			t.Errorf("a part lost the attendee's text")
		}
	}
	doc := parseHTML(t, m.HTML)
	links := doc.Find("a[href]")
	if links.Length() != 2 { // the button and the address under it
		t.Errorf("HTML has %d links, want the status link twice", links.Length())
	}
	links.Each(func(_ int, a *goquery.Selection) {
		if href, _ := a.Attr("href"); href != statusURL {
			t.Errorf("link to %q", href)
		}
	})
}

func TestAttendeeHTMLIsBranded(t *testing.T) {
	r := newRenderer(t)
	m, err := r.Attendee(notify.KindOrderConfirmation, testEvent(), testOrder("en"), statusURL, "")
	if err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, m.HTML)
	if src, _ := doc.Find("img").Attr("src"); src != logoURL {
		t.Errorf("logo %q, want %q", src, logoURL)
	}
	if lang, _ := doc.Find("html").Attr("lang"); lang != "en" {
		t.Errorf("lang %q", lang)
	}
	if style, _ := doc.Find("td[bgcolor]").Attr("style"); !strings.Contains(style, "background-color:"+primary) {
		t.Errorf("button background %q, want the primary colour %s", style, primary)
	}
	if got := doc.Find("table[width='600']").Length(); got != 1 {
		t.Errorf("%d tables of 600 px, want the one frame", got)
	}
	ev := testEvent()
	ev.LogoURL = ""
	m, err = r.Attendee(notify.KindOrderConfirmation, ev, testOrder("en"), statusURL, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := parseHTML(t, m.HTML).Find("img").Length(); n != 0 {
		t.Errorf("an event without a logo has %d images", n)
	}
}

func TestLabelsFollowTheLanguage(t *testing.T) {
	r := newRenderer(t)
	m, err := r.Sample(notify.KindOrderConfirmation, testEvent(), "fr")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "Total : 35,00\u00a0€") {
		t.Errorf("French text lacks the French total:\n%s", m.Text)
	}
	// A field without a Spanish label falls back to the event's default
	// language, English, in the preview of a supplier email too.
	m, err = r.Sample(notify.KindSupplierOrder, testEvent(), "es")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "Name on the shirt: Respuesta de ejemplo") || !strings.Contains(m.Subject, "Nuevo pedido") {
		t.Errorf("Spanish supplier sample:\n%s\n%s", m.Subject, m.Text)
	}
}

func parseHTML(t *testing.T, s string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestAttendeeRejectsSupplierKindsAndBadAddresses(t *testing.T) {
	r := newRenderer(t)
	if _, err := r.Attendee(notify.KindSupplierOrder, testEvent(), testOrder("en"), statusURL, ""); err == nil {
		t.Error("a supplier kind rendered as an attendee email")
	}
	o := testOrder("en")
	o.Email = "ada@example.com\r\nBcc: all@example.com"
	if _, err := r.Attendee(notify.KindOrderConfirmation, testEvent(), o, statusURL, ""); err == nil {
		t.Error("a recipient with a header in it was accepted")
	}
}

func TestSupplierOrder(t *testing.T) {
	r := newRenderer(t)
	o := testOrder("de") // the supplier reads the event's default language, not the attendee's
	m, err := r.SupplierOrder(testEvent(), "Acme Print", []string{"orders@acme.example"}, o, o.Items[:1], DispatchLink{URL: "https://devcon.example.com/supplier/s1?exp=1&sig=x&order=" + o.Number, Until: time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "New order K7M3-Q9XZ for Acme Print (DevCon 2027)" {
		t.Errorf("subject %q", m.Subject)
	}
	if !slices.Equal(m.To, []string{"orders@acme.example"}) || m.FromName != "DevCon 2027" {
		t.Errorf("to %v, from %q", m.To, m.FromName)
	}
	if !strings.Contains(m.Text, "https://devcon.example.com/supplier/s1?exp=1&sig=x&order=K7M3-Q9XZ") ||
		!strings.Contains(m.HTML, `href="https://devcon.example.com/supplier/s1?exp=1&amp;sig=x&amp;order=K7M3-Q9XZ"`) {
		t.Errorf("the dispatch link is missing:\n%s", m.Text)
	}
	if m.Headers["X-Marquee-Kind"] != string(notify.KindSupplierOrder) {
		t.Errorf("X-Marquee-Kind %q", m.Headers["X-Marquee-Kind"])
	}
	for _, part := range []string{m.Text, m.HTML} {
		for _, s := range []string{"K7M3-Q9XZ", "T-shirt", "Name on the shirt", "Ada Lovelace", "Friedrichstraße 123", "10117 Berlin",
			"mark them dispatched here", "2027"} {
			if !strings.Contains(part, s) {
				t.Errorf("a part lacks %q:\n%s", s, part)
			}
		}
		for _, s := range []string{"ada@example.com", "ada@\u2060example", "company", "Company", "script", "Vegetarian",
			"+49 30", "Sticker", "Countess", "€", statusURL} {
			if strings.Contains(part, s) {
				t.Errorf("a part has %q, which is not the supplier's business:\n%s", s, part)
			}
		}
	}
}

func TestSupplierBatch(t *testing.T) {
	r := newRenderer(t)
	rows := []MatrixRow{
		{Product: "T-shirt", Cells: []MatrixCell{{Variant: "M", Qty: 12}, {Variant: "XL", Qty: 5}}, Total: 17},
		{Product: "Hoodie <zip>", Cells: []MatrixCell{{Variant: "L", Qty: 4}}, Total: 4},
	}
	files := []notify.Attachment{{Name: "devcon-acme.csv", ContentType: "text/csv", Data: []byte("a,b\r\n")},
		{Name: "devcon-acme.xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: []byte("PK")}}
	ev := testEvent()
	ev.DefaultLocale = "de"
	m, err := r.SupplierBatch(ev, "Acme Print", []string{"orders@acme.example"}, BatchClosed, rows, files, DispatchLink{URL: "https://devcon.example.com/supplier/s1?exp=1&sig=x", Until: time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Bestellliste für Acme Print (DevCon 2027)" {
		t.Errorf("subject %q", m.Subject)
	}
	if len(m.Attachments) != 2 || m.Attachments[1].Name != "devcon-acme.xlsx" || string(m.Attachments[0].Data) != "a,b\r\n" {
		t.Errorf("attachments %+v", m.Attachments)
	}
	for _, s := range []string{"T-shirt", "M: 12", "XL: 5", "T-shirt insgesamt: 17", "Hoodie <zip>", "L: 4", "Alle Artikel: 21",
		"devcon-acme.csv", "devcon-acme.xlsx", "hier als versandt markieren", "https://devcon.example.com/supplier/s1?exp=1&sig=x"} {
		if !strings.Contains(m.Text, s) {
			t.Errorf("text part lacks %q:\n%s", s, m.Text)
		}
	}
	for _, s := range []string{"Hoodie &lt;zip&gt;", ">12<", ">21<", "devcon-acme.xlsx", primary,
		`href="https://devcon.example.com/supplier/s1?exp=1&amp;sig=x"`} {
		if !strings.Contains(m.HTML, s) {
			t.Errorf("HTML part lacks %q", s)
		}
	}
	assertTranslated(t, m)
}

func TestSampleEveryKindInEveryLanguage(t *testing.T) {
	r := newRenderer(t)
	ev := testEvent()
	ev.Fields = append(ev.Fields,
		form.Field{Key: "newsletter", Scope: form.ScopeCustomer, Type: form.TypeCheckbox, Position: 5, Label: map[string]string{"en": "Newsletter"}},
		form.Field{Key: "home", Scope: form.ScopeCustomer, Type: form.TypeCountry, Position: 6, Label: map[string]string{"en": "Home country"}})
	for _, lang := range []string{"en", "de", "fr", "es"} {
		kinds := r.Kinds(lang)
		if len(kinds) != len(notify.AttendeeKinds)+len(supplierKinds)+len(otherKinds) {
			t.Fatalf("Kinds(%s) = %v", lang, kinds)
		}
		for _, k := range kinds {
			t.Run(lang+"/"+string(k.Kind), func(t *testing.T) {
				if k.Name == "" || strings.Contains(k.Name, "email.") {
					t.Errorf("kind name %q", k.Name)
				}
				m, err := r.Sample(k.Kind, ev, lang)
				if err != nil {
					t.Fatal(err)
				}
				if m.Subject == "" || !strings.Contains(m.Text, "K7M3-Q9XZ") && k.Kind != notify.KindSupplierBatch && k.Kind != notify.KindWaitlistOffer && k.Kind != notify.KindAttendeeMessage && k.Kind != notify.KindWebhookDisabled {
					t.Errorf("subject %q, text:\n%s", m.Subject, m.Text)
				}
				if k.Kind == notify.KindSupplierBatch && len(m.Attachments) == 0 {
					t.Error("the batch sample has no attachment")
				}
				if k.Kind == notify.KindStatusDispatched && !strings.Contains(m.Text, "DHL") {
					t.Error("the dispatched sample has no tracking note")
				}
				assertTranslated(t, m)
			})
		}
	}
}

// messageID matches what Translations.T returns for a missing message.
var messageID = regexp.MustCompile(`\b(email|status|order|catalogue|answer|format|waitlist)\.[a-z_.]+[a-z]`)

func assertTranslated(t *testing.T, m notify.Message) {
	t.Helper()
	for name, part := range map[string]string{"subject": m.Subject, "text": m.Text, "HTML": m.HTML} {
		if id := messageID.FindString(part); id != "" {
			t.Errorf("%s has the untranslated message ID %q", name, id)
		}
	}
}

func TestInert(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ada Lovelace", "Ada Lovelace"},
		{"Dr. Ada", "Dr. Ada"},
		{"evil.example", "evil.\u2060example"},
		{"x@y.z", "x@\u2060y.\u2060z"},
		{"https://a.b", "https:\u2060//a.\u2060b"},
		{"Ende.", "Ende."},
	}
	for _, tc := range tests {
		if got := inert(tc.in); got != tc.want {
			t.Errorf("inert(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
