package main

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/branding"
	"marquee/branding/media"
	"marquee/db"
	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/tenant"
)

type demoEvent struct {
	tenant   tenant.Tenant
	branding branding.Branding
	settings storefront.Settings
	products []storefront.Product
	pictures []string // of each product, by demoArts name; "" shows the placeholder
	fields   []form.Field
}

func stock(n int) *int { return &n }

// sizes are shirt sizes with the stock of each.
func sizes(stocks ...int) []storefront.Variant {
	labels := []string{"XS", "S", "M", "L", "XL", "XXL", "3XL"}
	var out []storefront.Variant
	for i, n := range stocks {
		out = append(out, storefront.Variant{Label: storefront.Text{"en": labels[i], "de": labels[i]}, Position: i, Stock: stock(n)})
	}
	return out
}

func text(en, de string) map[string]string { return map[string]string{"en": en, "de": de} }

// at is a time written in RFC 3339, for the demo's closing times.
func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// demoEvents are the events dev seeds: different colours, copy, languages
// and default language, so the differences between events show.
var demoEvents = []demoEvent{
	{
		tenant: tenant.Tenant{Slug: "devcon", Name: "DevCon 2027", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en", "de"},
			ClosesAt: at("2027-04-09T18:00:00+02:00")},
		branding: branding.Branding{Theme: "classic",
			Colours: branding.Colours{Primary: "#1d4ed8", Accent: "#f59e0b", Background: "#ffffff", Text: "#111827"},
			Copy: map[string]branding.Copy{
				"en": {Title: "DevCon 2027", Tagline: "Three days of talks, workshops and hallway conversations. Berlin, 14 to 16 April 2027.",
					Description: "Every attendee gets a free DevCon t-shirt. Choose your size before the event and pick it up at registration.\n\nHoodies and socks are available while stock lasts."},
				"de": {Title: "DevCon 2027", Tagline: "Drei Tage Vorträge, Workshops und Gespräche auf dem Flur. Berlin, 14. bis 16. April 2027.",
					Description: "Alle Teilnehmenden bekommen ein kostenloses DevCon-T-Shirt. Wähle deine Größe vor dem Event und hol es bei der Registrierung ab.\n\nHoodies und Socken gibt es, solange der Vorrat reicht."},
			}},
		settings: storefront.Settings{AttendeeCanCancel: true, AttendeeCanChange: true, TimeZone: "Europe/Berlin", // picked up at registration: no shipping
			PickupPlace:   "Registration desk, hall A",
			PickupDetails: "Wednesday 14 to Friday 16 April, 8:30 to 18:00. Show your order number (in your confirmation email)."},
		products: []storefront.Product{
			{Name: text("T-shirt", "T-Shirt"), Description: text("Our organic cotton event shirt. One free shirt per attendee.", "Unser Event-Shirt aus Bio-Baumwolle. Ein kostenloses Shirt pro Person."),
				Position: 1, Visible: true, MaxPerAttendee: 1, Variants: sizes(10, 40, 60, 60, 40, 20, 0)},
			{Name: text("Hoodie", "Hoodie"), Description: text("Warm, navy, with the DevCon logo.", "Warm, marineblau, mit DevCon-Logo."),
				Position: 2, Visible: true, PriceMinor: 3500, MaxPerOrder: 2, Variants: sizes(0, 10, 15, 15, 10, 5, 2)},
			{Name: text("Socks", "Socken"), Position: 3, Visible: true, PriceMinor: 800,
				Variants: []storefront.Variant{{Label: text("One size", "Einheitsgröße")}}},
			{Name: text("Tote bag", "Stofftasche"), Description: text("Sturdy canvas, big enough for a laptop.", "Fester Canvas, groß genug für einen Laptop."),
				Position: 4, Visible: true, PriceMinor: 1200, Variants: []storefront.Variant{{Label: text("One size", "Einheitsgröße"), Stock: stock(0)}}},
		},
		pictures: []string{"tshirt", "hoodie", "socks", "tote"},
		fields: []form.Field{
			{Key: "company", Scope: form.ScopeCustomer, Type: form.TypeText, Label: text("Company", "Firma"), Position: 1},
			{Key: "consent", Scope: form.ScopeCustomer, Type: form.TypeCheckbox, Required: true, Position: 2,
				Label: text("I agree that my name and order are shared with the supplier.", "Ich bin einverstanden, dass mein Name und meine Bestellung an den Lieferanten gehen.")},
			{Key: "print_name", Scope: form.ScopeItem, Type: form.TypeText, MaxLength: 12, Position: 1,
				Label: text("Name to print (optional)", "Aufdruck (optional)"), Help: text("Up to 12 characters.", "Bis zu 12 Zeichen.")},
		},
	},
	{
		tenant: tenant.Tenant{Slug: "gophercamp", Name: "GopherCamp", Status: tenant.StatusActive, DefaultLocale: "de", Locales: []string{"de", "en"},
			ClosesAt: at("2027-05-28T20:00:00+02:00")},
		branding: branding.Branding{Theme: "classic",
			Colours: branding.Colours{Primary: "#0f766e", Accent: "#f97316", Background: "#fffbeb", Text: "#1c1917"},
			Copy: map[string]branding.Copy{
				"de": {Title: "GopherCamp", Tagline: "Das Go-Wochenende am See, 5. und 6. Juni 2027.",
					Description: "Zum Frühstück gibt es Kaffee, zum Mitnehmen einen Zauberwürfel mit Gopher-Motiv."},
				"en": {Title: "GopherCamp", Tagline: "The Go weekend by the lake, 5 and 6 June 2027.",
					Description: "Coffee for breakfast, and a gopher Rubik's cube to take home."},
			}},
		settings: storefront.Settings{Ships: true, AttendeeCanCancel: true, AttendeeCanChange: true, CommonCountries: []string{"DE", "AT", "CH"}, TimeZone: "Europe/Vienna"},
		products: []storefront.Product{
			{Name: text("Gopher Rubik's cube", "Gopher-Zauberwürfel"), Position: 1, Visible: true, PriceMinor: 1200,
				Variants: []storefront.Variant{{Label: text("Standard", "Standard"), Stock: stock(50)}}},
			{Name: text("Pen", "Kugelschreiber"), Position: 2, Visible: true, MaxPerAttendee: 2,
				Variants: []storefront.Variant{{Label: text("Blue", "Blau")}, {Label: text("Black", "Schwarz"), Position: 1}}},
			{Name: text("Mug", "Tasse"), Description: text("For the breakfast coffee, and every one after.", "Für den Frühstückskaffee und jeden danach."),
				Position: 3, Visible: true, PriceMinor: 900, Variants: []storefront.Variant{{Label: text("Standard", "Standard"), Stock: stock(30)}}},
			{Name: text("Sticker sheet", "Stickerbogen"), Position: 4, Visible: true, PriceMinor: 300,
				Variants: []storefront.Variant{{Label: text("Standard", "Standard")}}},
		},
		pictures: []string{"cube", "pen", "mug", ""}, // the sticker sheet shows the placeholder
		fields: []form.Field{
			{Key: "role", Scope: form.ScopeCustomer, Type: form.TypeSingleChoice, Required: true, Position: 1, Label: text("What do you do?", "Was machst du?"),
				Options: []form.Option{{Value: "dev", Label: text("Development", "Entwicklung")}, {Value: "ops", Label: text("Operations", "Betrieb")}, {Value: "other", Label: text("Something else", "Etwas anderes")}}},
			{Key: "phone", Scope: form.ScopeShipping, Type: form.TypePhone, Position: 1, Label: text("Phone for the courier", "Telefon für den Kurier")},
		},
	},
	{
		// A sign-up event (issue 19): no products, its page is a form.
		tenant: tenant.Tenant{Slug: "meetup", Name: "Go Meetup Berlin", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en", "de"},
			ClosesAt: at("2027-06-03T19:00:00+02:00")},
		branding: branding.Branding{Theme: "classic",
			Colours: branding.Colours{Primary: "#7c3aed", Accent: "#10b981", Background: "#ffffff", Text: "#111827"},
			Copy: map[string]branding.Copy{
				"en": {Title: "Go Meetup Berlin", Tagline: "Talks and pizza, every first Thursday of the month.", Description: "Sign up to hear about the next meetups."},
				"de": {Title: "Go Meetup Berlin", Tagline: "Vorträge und Pizza, jeden ersten Donnerstag im Monat.", Description: "Melde dich an, um von den nächsten Meetups zu hören."},
			}},
		settings: storefront.Settings{AttendeeCanCancel: true, AttendeeCanChange: true, TimeZone: "Europe/Berlin", Kind: storefront.KindSignup,
			SignupConsent: text("I agree that the organisers email me about future meetups.", "Ich bin einverstanden, dass mir die Veranstalter zu künftigen Meetups schreiben."),
			SignupThanks:  text("Thank you! See you at the next meetup.", "Danke! Bis zum nächsten Meetup.")},
		fields: []form.Field{
			{Key: "topics", Scope: form.ScopeCustomer, Type: form.TypeMultipleChoice, Position: 1, Label: text("Topics you like", "Themen, die dich interessieren"),
				Options: []form.Option{{Value: "web", Label: text("Web", "Web")}, {Value: "cloud", Label: text("Cloud", "Cloud")}, {Value: "tools", Label: text("Tools", "Werkzeuge")}}},
		},
	},
}

// seedDemo creates the demo events that do not exist yet, with their
// catalogue (pictures stored in images; nil leaves them out) and order
// form; it never changes an existing event, so edits made in dev survive
// restarts.
func seedDemo(ctx context.Context, database *db.DB, images media.Store) error {
	for _, d := range demoEvents {
		ev, err := database.CreateTenant(ctx, d.tenant, d.branding)
		if marquee.ErrorCode(err) == marquee.ECONFLICT {
			continue
		}
		if err != nil {
			return err
		}
		if err := seedShop(ctx, database, images, ev.ID, d); err != nil {
			return fmt.Errorf("%s: %w", d.tenant.Slug, err)
		}
	}
	return nil
}

func seedShop(ctx context.Context, database *db.DB, images media.Store, tenantID uuid.UUID, d demoEvent) error {
	if err := database.SaveSettings(ctx, tenantID, d.settings); err != nil {
		return err
	}
	if d.settings.IsSignup() {
		if err := database.SaveSignupForm(ctx, tenantID, d.settings.Kind, d.settings.SignupConsent, d.settings.SignupThanks); err != nil {
			return err
		}
	}
	for i, p := range d.products {
		if art := demoArts[d.pictures[i]]; art != nil && images != nil {
			key, err := storeDemoImage(ctx, images, tenantID, art, d.branding.Colours)
			if err != nil {
				return fmt.Errorf("picture of %s: %w", p.Name["en"], err)
			}
			p.ImageKey = key
		}
		if _, err := database.AddProduct(ctx, tenantID, p); err != nil {
			return err
		}
	}
	for _, f := range d.fields {
		if err := database.AddFormField(ctx, tenantID, f); err != nil {
			return err
		}
	}
	return nil
}
