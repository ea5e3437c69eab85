package themes

import (
	"testing"
	"time"
)

func TestEventTime(t *testing.T) {
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	at := time.Date(2027, 4, 9, 16, 0, 0, 0, time.UTC) // a Friday: 18:00 in Berlin (summer time)
	winter := time.Date(2027, 1, 15, 8, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		name, lang string
		zone       *time.Location
		at         time.Time
		want       string
	}{
		{"in the event's zone, the zone named", "en", zone("Europe/Berlin"), at, "Friday 9 April 2027, 18:00 CEST"},
		{"winter time has its own name", "en", zone("Europe/Berlin"), winter, "Friday 15 January 2027, 09:30 CET"},
		{"German words and order", "de", zone("Europe/Berlin"), at, "Freitag, 9. April 2027, 18:00 Uhr CEST"},
		{"French words", "fr", zone("Europe/Paris"), at, "vendredi 9 avril 2027, 18:00 CEST"},
		{"Spanish words", "es", zone("Europe/Madrid"), at, "viernes, 9 de abril de 2027, 18:00 CEST"},
		{"another zone moves the day", "en", zone("America/New_York"), time.Date(2027, 4, 10, 2, 0, 0, 0, time.UTC), "Friday 9 April 2027, 22:00 EDT"},
		{"a zone without letters shows its offset", "en", zone("Asia/Kolkata"), at, "Friday 9 April 2027, 21:30 IST"},
		{"an offset-only zone", "en", zone("Europe/Istanbul"), at, "Friday 9 April 2027, 19:00 UTC+3"},
		{"no zone (platform pages) is UTC", "en", nil, at, "Friday 9 April 2027, 16:00 UTC"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := set.NewPage(c.lang, nil, nil)
			p.Zone = c.zone
			if got := p.EventTime(c.at); got != c.want {
				t.Errorf("EventTime = %q, want %q", got, c.want)
			}
		})
	}
	t.Run("the date alone, and the zone's name", func(t *testing.T) {
		p := set.NewPage("de", nil, nil)
		p.Zone = zone("America/New_York")
		if got := p.EventDate(at); got != "Freitag, 9. April 2027" {
			t.Errorf("EventDate = %q", got)
		}
		if got := p.ZoneName(); got != "America/New York" {
			t.Errorf("ZoneName = %q", got)
		}
	})
}

func TestZoneAbbreviationOfHalfHourOffsets(t *testing.T) {
	for offset, want := range map[int]string{5*3600 + 1800: "UTC+5:30", -(3*3600 + 1800): "UTC-3:30", 0: "UTC+0"} {
		at := time.Date(2027, 1, 1, 0, 0, 0, 0, time.FixedZone("", offset))
		if got := ZoneAbbreviation(at); got != want {
			t.Errorf("offset %d: %q, want %q", offset, got, want)
		}
	}
}
