package console

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/address"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/themes"
)

// maxCommonCountries is how many countries may open the order form's
// country list: beyond a handful the shortcut stops being one.
const maxCommonCountries = 10

// SettingsPage is the form of how an event's shop behaves, with the
// event's currency and close time shown read-only: ops set those.
type SettingsPage struct {
	themes.Page
	CSRF, Event, Slug, Problem, ProblemField string
	Currency, ClosesAt                       string // ClosesAt "": the event never closes
	Ships, AttendeeCanCancel                 bool
	AttendeeCanChange                        bool
	ReplyTo                                  string
	TimeZone, PickupPlace, PickupDetails     string
	// RetentionDays is the retention period as the form shows it (what was
	// typed, on a refusal); RetentionEnds when the event's personal data
	// is erased ("": never by itself, the event names no end).
	RetentionDays, RetentionEnds string
	// PayAtPickup: attendees may pay at the pick-up desk; HoldMinutes the
	// payment hold as the form shows it (what was typed, on a refusal).
	PayAtPickup bool
	HoldMinutes string
	// WaitlistHoldHours is how long a waiting list's offer holds its units,
	// as the form shows it (what was typed, on a refusal).
	WaitlistHoldHours string
	// MessageRate is how many emails of a message to attendees go out per
	// second, as the form shows it (what was typed, on a refusal).
	MessageRate string
	// CanErase: the member may erase an attendee's data (the link to it).
	CanErase bool
	// Zones are common time zone names the time zone field suggests.
	Zones []string
	// Chosen are the ticked countries in their order; Others the rest of
	// the country list, alphabetically in the page's language.
	Chosen, Others []address.Country
}

func (h *Console) shopSettings(c *fiber.Ctx) error {
	t, err := h.event(c, editorRoles)
	if err != nil {
		return err
	}
	s, err := h.Products.Settings(c.UserContext(), t.ID)
	if err != nil {
		return err
	}
	return h.renderSettings(c, t, fiber.StatusOK, s, nil)
}

// saveShopSettings stores the form; a refused form comes back with the
// message and what was typed, and nothing is stored.
func (h *Console) saveShopSettings(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	cur, err := h.Products.Settings(c.UserContext(), t.ID)
	if err != nil {
		return "", err
	}
	s, err := settingsFromForm(cur, form)
	if err == nil {
		err = h.Products.SaveSettings(c.UserContext(), t.ID, s)
	}
	if marquee.ErrorCode(err) == marquee.EINVALID {
		return "", h.renderSettings(c, t, fiber.StatusUnprocessableEntity, s, err)
	}
	if err != nil {
		return "", err
	}
	return flashed("/events/"+t.Slug+"/settings", "settings"), nil
}

func (h *Console) renderSettings(c *fiber.Ctx, t *tenant.Tenant, status int, s storefront.Settings, refused error) error {
	base := h.page(c)
	p := SettingsPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug,
		Currency: s.Currency, Ships: s.Ships, AttendeeCanCancel: s.AttendeeCanCancel, AttendeeCanChange: s.AttendeeCanChange, ReplyTo: s.ReplyTo,
		TimeZone: s.TimeZone, PickupPlace: s.PickupPlace, PickupDetails: s.PickupDetails, Zones: suggestedZones}
	p.Problem, p.ProblemField = formRefusal(base, refused)
	zoned := base
	zoned.Zone = s.Location()
	if s.ClosesAt != nil {
		p.ClosesAt = zoned.EventTime(*s.ClosesAt)
	}
	p.RetentionDays = strconv.Itoa(cmp.Or(s.RetentionDays, storefront.DefaultRetentionDays))
	if p.ProblemField == "retention_days" {
		p.RetentionDays = c.FormValue("retention_days")
	}
	p.PayAtPickup, p.HoldMinutes = s.PayAtPickup, strconv.Itoa(s.Hold())
	if p.ProblemField == "hold_minutes" {
		p.HoldMinutes = c.FormValue("hold_minutes")
	}
	p.WaitlistHoldHours = strconv.Itoa(s.WaitlistHold())
	if p.ProblemField == "waitlist_hold_hours" {
		p.WaitlistHoldHours = c.FormValue("waitlist_hold_hours")
	}
	p.MessageRate = strconv.Itoa(s.Rate())
	if p.ProblemField == "message_rate" {
		p.MessageRate = c.FormValue("message_rate")
	}
	if ev := h.routeEvent(c); ev != nil {
		p.CanErase = ev.admin || slices.Contains(privacyRoles, ev.role)
	}
	if at, ok := s.RetentionEnds(); ok {
		p.RetentionEnds = zoned.EventTime(at)
	}
	p.Chosen, p.Others = countryChoices(base.Lang, s.CommonCountries)
	return h.render(c, status, "console_settings", p, base.Lang)
}

// paymentFromForm reads how the event takes payment: whether attendees
// may pay at pick-up and the hold of an online payment. A form without
// the hold field (an older page) keeps the current one.
func paymentFromForm(s *storefront.Settings, form url.Values) error {
	s.PayAtPickup = form.Get("pay_at_pickup") != ""
	if typed, ok := form["hold_minutes"]; ok {
		one := ""
		if len(typed) == 1 {
			one = typed[0]
		}
		n, err := storefront.ParseHoldMinutes(one)
		if err != nil {
			return err
		}
		s.HoldMinutes = n
	}
	return s.CheckPayment()
}

// countryChoices splits the country list in lang into the chosen
// countries, in their order, and all the others.
func countryChoices(lang string, chosen []string) (top, rest []address.Country) {
	list := address.Countries(lang, chosen)
	n := 0
	for n < len(list) && slices.Contains(chosen, list[n].Code) {
		n++
	}
	return list[:n], list[n:]
}

// settingsFromForm reads the form over the event's current settings: the
// currency and close time stay as they are. On a refusal the settings
// still hold what was typed, for the form to show again.
func settingsFromForm(cur storefront.Settings, form url.Values) (storefront.Settings, error) {
	s := cur
	s.Ships = form.Get("ships") != ""
	s.AttendeeCanCancel = form.Get("attendee_can_cancel") != ""
	s.AttendeeCanChange = form.Get("attendee_can_change") != ""
	s.ReplyTo = strings.TrimSpace(form.Get("reply_to"))
	s.TimeZone = strings.TrimSpace(form.Get("time_zone"))
	if s.TimeZone == "" {
		s.TimeZone = storefront.DefaultTimeZone
	}
	if typed, ok := form["retention_days"]; ok {
		one := ""
		if len(typed) == 1 {
			one = typed[0] // a repeated field is refused, as a word is
		}
		days, err := storefront.ParseRetentionDays(one)
		if err != nil {
			return s, err
		}
		s.RetentionDays = days
	}
	if err := paymentFromForm(&s, form); err != nil {
		return s, err
	}
	if typed, ok := form["waitlist_hold_hours"]; ok {
		one := ""
		if len(typed) == 1 {
			one = typed[0]
		}
		hours, err := storefront.ParseWaitlistHoldHours(one)
		if err != nil {
			return s, err
		}
		s.WaitlistHoldHours = hours
	}
	if typed, ok := form["message_rate"]; ok {
		one := ""
		if len(typed) == 1 {
			one = typed[0]
		}
		rate, err := storefront.ParseMessageRate(one)
		if err != nil {
			return s, err
		}
		s.MessageRate = rate
	}
	s.PickupPlace = strings.TrimSpace(form.Get("pickup_place"))
	s.PickupDetails = strings.TrimSpace(strings.ReplaceAll(form.Get("pickup_details"), "\r\n", "\n"))
	s.CommonCountries = []string{}
	for _, code := range form["common_countries"] {
		code = strings.ToUpper(strings.TrimSpace(code))
		if code != "" && !slices.Contains(s.CommonCountries, code) {
			s.CommonCountries = append(s.CommonCountries, code)
		}
	}
	if err := checkCommonCountries(s.CommonCountries); err != nil {
		return s, err
	}
	if err := checkFacts(s); err != nil {
		return s, err
	}
	if s.ReplyTo != "" {
		e, err := staff.NormaliseEmail(s.ReplyTo)
		if err != nil {
			return s, marquee.Invalid("reply_to", "console.settings.reply_to_invalid")
		}
		s.ReplyTo = e
	}
	return s, nil
}

// checkCommonCountries refuses more than maxCommonCountries codes and
// codes of no country: the form only offers real ones.
func checkCommonCountries(codes []string) error {
	if len(codes) > maxCommonCountries {
		return marquee.Invalid("common_countries", "console.settings.too_many_countries")
	}
	if len(codes) == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, c := range address.Countries("en", nil) {
		known[c.Code] = true
	}
	for _, code := range codes {
		if !known[code] {
			return marquee.Invalid("common_countries", "console.settings.unknown_country")
		}
	}
	return nil
}

// suggestedZones are offered by the time zone field; any other name of
// the time zone database is accepted too.
var suggestedZones = []string{"Europe/Berlin", "Europe/London", "Europe/Paris", "Europe/Madrid", "Europe/Amsterdam",
	"Europe/Vienna", "Europe/Zurich", "Europe/Lisbon", "Europe/Warsaw", "Europe/Stockholm", "Europe/Athens",
	"America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Tokyo",
	"Asia/Singapore", "Asia/Kolkata", "Australia/Sydney", "UTC"}

// checkFacts checks what the event page states: a time zone the zone
// database knows, and pick-up texts of a readable length.
func checkFacts(s storefront.Settings) error {
	if _, err := storefront.LoadTimeZone(s.TimeZone); err != nil {
		return err
	}
	if utf8.RuneCountInString(s.PickupPlace) > 200 {
		return marquee.Invalid("pickup_place", "console.settings.pickup_place_too_long")
	}
	if utf8.RuneCountInString(s.PickupDetails) > 1000 {
		return marquee.Invalid("pickup_details", "console.settings.pickup_details_too_long")
	}
	return nil
}
