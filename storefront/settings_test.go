package storefront

import (
	"testing"
	"time"

	"marquee"
)

func TestLoadTimeZone(t *testing.T) {
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"} {
		t.Run(name+" is a zone", func(t *testing.T) {
			loc, err := LoadTimeZone(name)
			if err != nil || loc.String() != name {
				t.Fatalf("%v, %v", loc, err)
			}
		})
	}
	for _, name := range []string{"", "Local", "Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", "europe/berlin"} {
		t.Run("refused: "+name, func(t *testing.T) {
			_, err := LoadTimeZone(name)
			if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorField(err) != "time_zone" {
				t.Fatalf("%v: want invalid time_zone", err)
			}
		})
	}
	t.Run("an event's zone, UTC when its stored name is not one, Berlin by default", func(t *testing.T) {
		if got := (Settings{TimeZone: "Asia/Tokyo"}).Location().String(); got != "Asia/Tokyo" {
			t.Errorf("zone %s", got)
		}
		if got := (Settings{TimeZone: "nowhere"}).Location(); got != time.UTC {
			t.Errorf("zone %s", got)
		}
		if got := DefaultSettings().Location().String(); got != "Europe/Berlin" {
			t.Errorf("default zone %s", got)
		}
	})
}

func TestLoadTimeZoneKeepsWhatItLoaded(t *testing.T) {
	first, err := LoadTimeZone("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := LoadTimeZone("Pacific/Auckland"); err != nil || again != first {
		t.Errorf("loaded again: %p, %p (%v)", again, first, err)
	}
	for range 2 { // a refused name is not kept as anything
		if _, err := LoadTimeZone("Mars/Olympus_Mons"); marquee.ErrorCode(err) != marquee.EINVALID {
			t.Errorf("Mars/Olympus_Mons: %v, want invalid", err)
		}
	}
}

// BenchmarkLoadTimeZone is what every rendered page pays to name its
// event's zone: kept, and loaded from the zone database as before.
func BenchmarkLoadTimeZone(b *testing.B) {
	b.Run("kept", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := LoadTimeZone("Europe/Berlin"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("loaded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := time.LoadLocation("Europe/Berlin"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
