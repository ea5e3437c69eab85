package themes

import (
	"strconv"
	"strings"
	"time"
)

// EventTime formats t in the event's time zone (p.Zone), in the page's
// language, with the zone named: "Friday 9 April 2027, 18:00 CEST". Every
// time an attendee reads (closing time, order placed, status changes) goes
// through it, so no page shows UTC by accident.
func (p Page) EventTime(t time.Time) string { return p.tr.EventTime(p.Lang, p.location(), t) }

// EventDate formats the day of t in the event's time zone, in the page's
// language, without the time: "Friday 9 April 2027".
func (p Page) EventDate(t time.Time) string {
	lt := t.In(p.location())
	return p.T("format.event_date", "Weekday", p.T("format.weekday."+strconv.Itoa(int(lt.Weekday()))),
		"Day", lt.Day(), "Month", p.T("format.month."+strconv.Itoa(int(lt.Month()))), "Year", lt.Year())
}

// EventTime is Page.EventTime for text made without a page (emails): t in
// zone (nil is UTC), in lang, with the zone named.
func (tr *Translations) EventTime(lang string, zone *time.Location, t time.Time) string {
	if zone == nil {
		zone = time.UTC
	}
	lt := t.In(zone)
	return tr.T(lang, "format.event_time", "Weekday", tr.T(lang, "format.weekday."+strconv.Itoa(int(lt.Weekday()))),
		"Day", lt.Day(), "Month", tr.T(lang, "format.month."+strconv.Itoa(int(lt.Month()))), "Year", lt.Year(),
		"Time", lt.Format("15:04"), "Zone", ZoneAbbreviation(lt))
}

// ZoneName is the event's time zone as people name it: its IANA name
// with the city's underscores as spaces ("Europe/Berlin",
// "America/New York").
func (p Page) ZoneName() string {
	return strings.ReplaceAll(p.location().String(), "_", " ")
}

// ZoneAbbreviation is how a time's zone is shown beside it: the zone's
// abbreviation when it has one in letters ("CEST", "EST", "UTC"), else
// its offset from UTC ("UTC+3", "UTC+5:30"), which the zone database
// gives as "+03" for zones without a common abbreviation.
func ZoneAbbreviation(t time.Time) string {
	name, offset := t.Zone()
	if name != "" && name[0] != '+' && name[0] != '-' {
		return name
	}
	sign := "+"
	if offset < 0 {
		sign, offset = "-", -offset
	}
	s := "UTC" + sign + strconv.Itoa(offset/3600)
	if m := offset % 3600 / 60; m != 0 {
		s += ":" + strconv.Itoa(m/10) + strconv.Itoa(m%10)
	}
	return s
}

func (p Page) location() *time.Location {
	if p.Zone == nil {
		return time.UTC
	}
	return p.Zone
}
