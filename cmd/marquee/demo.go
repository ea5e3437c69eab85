package main

import (
	"context"

	"marquee"
	"marquee/branding"
	"marquee/db"
	"marquee/tenant"
)

type demoEvent struct {
	tenant   tenant.Tenant
	branding branding.Branding
}

// demoEvents are the events dev seeds: different colours, copy, languages
// and default language, so the differences between events show.
var demoEvents = []demoEvent{
	{
		tenant: tenant.Tenant{Slug: "devcon", Name: "DevCon 2027", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en", "de"}},
		branding: branding.Branding{Theme: "classic",
			Colours: branding.Colours{Primary: "#1d4ed8", Accent: "#f59e0b", Background: "#ffffff", Text: "#111827"},
			Copy: map[string]branding.Copy{
				"en": {Title: "DevCon 2027", Tagline: "Three days of talks, workshops and hallway conversations. Berlin, 14 to 16 April 2027.",
					Description: "Every attendee gets a free DevCon t-shirt. Choose your size before the event and pick it up at registration.\n\nHoodies and socks are available while stock lasts."},
				"de": {Title: "DevCon 2027", Tagline: "Drei Tage Vorträge, Workshops und Gespräche auf dem Flur. Berlin, 14. bis 16. April 2027.",
					Description: "Alle Teilnehmenden bekommen ein kostenloses DevCon-T-Shirt. Wähle deine Größe vor dem Event und hol es bei der Registrierung ab.\n\nHoodies und Socken gibt es, solange der Vorrat reicht."},
			}},
	},
	{
		tenant: tenant.Tenant{Slug: "gophercamp", Name: "GopherCamp", Status: tenant.StatusActive, DefaultLocale: "de", Locales: []string{"de", "en"}},
		branding: branding.Branding{Theme: "classic",
			Colours: branding.Colours{Primary: "#0f766e", Accent: "#f97316", Background: "#fffbeb", Text: "#1c1917"},
			Copy: map[string]branding.Copy{
				"de": {Title: "GopherCamp", Tagline: "Das Go-Wochenende am See, 5. und 6. Juni 2027.",
					Description: "Zum Frühstück gibt es Kaffee, zum Mitnehmen einen Zauberwürfel mit Gopher-Motiv."},
				"en": {Title: "GopherCamp", Tagline: "The Go weekend by the lake, 5 and 6 June 2027.",
					Description: "Coffee for breakfast, and a gopher Rubik's cube to take home."},
			}},
	},
}

// seedDemo creates the demo events that do not exist yet; it never changes
// an existing event, so edits made in dev survive restarts.
func seedDemo(ctx context.Context, database *db.DB) error {
	for _, d := range demoEvents {
		_, err := database.CreateTenant(ctx, d.tenant, d.branding)
		if err != nil && marquee.ErrorCode(err) != marquee.ECONFLICT {
			return err
		}
	}
	return nil
}
