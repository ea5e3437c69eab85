package themes

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// German copy addresses attendees with "du" and staff and suppliers with
// "Sie" (docs/decisions.md). This file holds who reads which message and the
// test that keeps de.toml to it.

// audience is who reads a message: attendees (du), staff or suppliers (Sie),
// or both (neutral: neither form).
type audience int

const (
	attendees audience = iota
	staffOrSuppliers
	everyone
)

// audiencePrefixes sort message ids by their first parts; the longest prefix
// wins, and an id under none is an attendee's.
var audiencePrefixes = map[string]audience{
	"console.":         staffOrSuppliers,
	"staff.":           staffOrSuppliers,
	"desk.":            staffOrSuppliers,
	"catalogue.":       staffOrSuppliers,
	"vouchers.":        staffOrSuppliers,
	"tenant.":          staffOrSuppliers,
	"slug.":            staffOrSuppliers,
	"host.":            staffOrSuppliers,
	"domain.":          staffOrSuppliers,
	"branding.":        staffOrSuppliers,
	"media.":           staffOrSuppliers,
	"backup.":          staffOrSuppliers,
	"api.":             staffOrSuppliers,
	"settings.":        staffOrSuppliers,
	"privacy.":         staffOrSuppliers,
	"supplier.":        staffOrSuppliers, // the console's supplier form
	"form.def.":        staffOrSuppliers, // the form builder
	"email.kind.":      staffOrSuppliers, // the console's email pages (email.sample.* fill attendees' emails)
	"email.supplier":   staffOrSuppliers, // email.supplier.*, email.supplier_*
	"email.batch.":     staffOrSuppliers,
	"dispatch.":        staffOrSuppliers, // the supplier's dispatch page
	"message.":         staffOrSuppliers, // the console's messages to attendees (their emails: email.attendee_message.*)
	"webhook.":         staffOrSuppliers, // the console's webhooks (issue 19)
	"email.webhook_":   staffOrSuppliers, // the email to a failing webhook's owner
	"error.":           everyone,
	"format.":          everyone,
	"footer.":          everyone,
	"language.":        everyone,
	"meta.platform":    everyone,
	"catalogue.free":   everyone, // also on the storefront
	"branding.preview": everyone, // a draft's preview link, opened on the storefront host
}

// audienceOf says who reads message id. Exceptions to the prefixes are listed
// here by id.
func audienceOf(id string) audience {
	switch id {
	case "error.forbidden": // only the storefront's 403
		return attendees
	case "waitlist.entry_holds_offer": // the console's waiting list
		return staffOrSuppliers
	}
	best, who := "", attendees
	for p, a := range audiencePrefixes {
		if strings.HasPrefix(id, p) && len(p) > len(best) {
			best, who = p, a
		}
	}
	return who
}

// templateUsers are the page and email templates by who reads them: a message
// one of them uses is checked for that audience too, so a message shared by
// attendees' and staff's templates must use neither form. (partials.html
// holds both kinds of parts and is left to the prefixes.)
var templateUsers = map[audience][]string{
	staffOrSuppliers: {"templates/console_*.html", "templates/supplier_*.html", "email/supplier_*", "email/webhook_*"},
	attendees: {"templates/landing.html", "templates/order*.html", "templates/status.html",
		"templates/product.html", "templates/waitlist.html", "templates/closed.html",
		"email/order_*", "email/status_*", "email/attendee.*", "email/waitlist_*"},
}

var messageIDInTemplate = regexp.MustCompile(`"([a-z0-9_]+(?:\.[a-z0-9_]+)+)"`)

func templateAudiences(t *testing.T) map[string][]audience {
	t.Helper()
	used := map[string][]audience{}
	for who, globs := range templateUsers {
		for _, g := range globs {
			fsys, pattern := fs.FS(files), g
			if rest, ok := strings.CutPrefix(g, "email/"); ok {
				fsys, pattern = Email(), rest
			}
			paths, err := fs.Glob(fsys, pattern)
			if err != nil || len(paths) == 0 {
				t.Fatalf("%s matches no template (%v)", g, err)
			}
			for _, p := range paths {
				b, err := fs.ReadFile(fsys, p)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range messageIDInTemplate.FindAllStringSubmatch(string(b), -1) {
					if !slices.Contains(used[m[1]], who) {
						used[m[1]] = append(used[m[1]], who)
					}
				}
			}
		}
	}
	return used
}

type word struct {
	text   string
	before string // the message up to the word
}

func words(msg string) []word {
	var ws []word
	runes := []rune(msg)
	offset := 0
	for i := 0; i < len(runes); {
		if !unicode.IsLetter(runes[i]) {
			offset += len(string(runes[i]))
			i++
			continue
		}
		j := i
		for j < len(runes) && (unicode.IsLetter(runes[j]) || runes[j] == '-' && j+1 < len(runes) && unicode.IsLetter(runes[j+1])) {
			j++ // a compound with a hyphen is one word: Sende-Zeitpunkt
		}
		text := string(runes[i:j])
		ws = append(ws, word{text: text, before: msg[:offset]})
		offset += len(text)
		i = j
	}
	return ws
}

// duPronouns are the informal "you" and "your", in any case, and the verbs'
// du-forms that need no pronoun to be one ("Kannst es später ändern").
var duPronouns = map[string]bool{"du": true, "dich": true, "dir": true, "dein": true, "deine": true,
	"deinen": true, "deinem": true, "deiner": true, "deines": true,
	"bist": true, "hast": true, "kannst": true, "musst": true, "darfst": true, "sollst": true,
	"solltest": true, "willst": true, "möchtest": true, "wirst": true, "weißt": true}

// duImperatives are du-imperatives of verbs console copy uses, each with the
// word that must follow it for it to be one ("" for any but "Sie"): "Gib …
// ein" where staff read "Geben Sie … ein". "Versuche" alone is also the noun
// (attempts); "Bitte ihn" asks someone, "Bitte an …" is please. Verbs whose
// du-imperative is also a common word (Stelle, Suche, Kreuze, Ruf, achte)
// are left out.
var duImperatives = map[string]string{
	"aktiviere": "", "archiviere": "", "beginne": "", "benutze": "", "bestelle": "", "bestätige": "",
	"bezahle": "", "blende": "", "deaktiviere": "", "drücke": "", "entferne": "",
	"ersetze": "", "erstelle": "", "exportiere": "", "fordere": "", "frag": "", "fülle": "", "füge": "",
	"geh": "", "gehe": "", "gib": "", "hake": "", "halte": "", "hol": "", "hole": "", "klicke": "",
	"kopiere": "", "lade": "", "lass": "", "lege": "", "lies": "", "lösche": "", "mach": "",
	"mache": "", "markiere": "", "melde": "", "nenne": "", "nimm": "", "nutze": "", "prüfe": "",
	"scanne": "", "schau": "", "schicke": "", "schließe": "", "schreib": "", "schreibe": "",
	"sende": "", "setze": "", "sieh": "", "speichere": "", "starte": "", "storniere": "", "tippe": "",
	"trage": "", "verbirg": "", "vergiss": "", "verkleinere": "", "verwende": "", "wähle": "",
	"warte": "", "wende": "", "wiederhole": "", "zeig": "", "zeige": "", "ändere": "", "öffne": "",
	"versuche": "es", "bitte": "ihn",
}

// duForms lists the du-forms of msg.
func duForms(msg string) []string {
	var found []string
	ws := words(msg)
	for i, w := range ws {
		lower := strings.ToLower(w.text)
		if _, n := utf8.DecodeRuneInString(w.text); w.text[n:] != strings.ToLower(w.text[n:]) {
			continue // not a word as a sentence writes it: BACKUP_DIR
		}
		if duPronouns[lower] {
			found = append(found, w.text)
			continue
		}
		next, ok := duImperatives[lower]
		if !ok {
			continue
		}
		following := ""
		if i+1 < len(ws) {
			following = ws[i+1].text
		}
		if following != "Sie" && (next == "" || strings.ToLower(following) == next) {
			found = append(found, w.text+" "+following)
		}
	}
	return found
}

// sieForms are the formal "you" and "your": only capitalised, and only where
// a sentence does not start ("Sie" there may be "they", "Ihre" "their").
var sieForms = map[string]bool{"Sie": true, "Ihr": true, "Ihre": true, "Ihren": true, "Ihrem": true,
	"Ihrer": true, "Ihres": true, "Ihnen": true}

// sieFormsOf lists msg's Sie-forms that address the reader.
func sieFormsOf(msg string) []string {
	var found []string
	for _, w := range words(msg) {
		if !sieForms[w.text] {
			continue
		}
		before := strings.TrimRightFunc(w.before, unicode.IsSpace)
		if last, _ := utf8.DecodeLastRuneInString(before); before == "" || strings.ContainsRune(".!?:„\"(", last) {
			continue // a sentence starts: "Sie" may be "they"
		}
		found = append(found, w.text)
	}
	return found
}

func TestGermanAddressesStaffWithSieAndAttendeesWithDu(t *testing.T) {
	de := loadCatalogue(t, "de")
	used := templateAudiences(t)
	ids := make([]string, 0, len(de))
	for id := range de {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		msg := de[id]
		readers := slices.Compact(slices.Sorted(slices.Values(append([]audience{audienceOf(id)}, used[id]...))))
		switch {
		case slices.Equal(readers, []audience{attendees}):
			if f := sieFormsOf(msg); len(f) > 0 {
				t.Errorf("de.toml: %s is read by attendees, addressed with du, but says %q: %q", id, f, msg)
			}
		case slices.Equal(readers, []audience{staffOrSuppliers}):
			if f := duForms(msg); len(f) > 0 {
				t.Errorf("de.toml: %s is read by staff or suppliers, addressed with Sie, but says %q: %q", id, f, msg)
			}
		default:
			if f := append(duForms(msg), sieFormsOf(msg)...); len(f) > 0 {
				t.Errorf("de.toml: %s is read by attendees and staff alike (neither du nor Sie) but says %q: %q", id, f, msg)
			}
		}
	}
}

// The checks themselves, on sentences they must and must not flag.
func TestGermanAddressForms(t *testing.T) {
	du := map[string]bool{
		"Gib deinen Namen ein.":                          true,
		"Deine Sitzung ist abgelaufen.":                  true,
		"Das Team sieht dich.":                           true,
		"Wähle eine Farbe.":                              true,
		"Öffne ein Event.":                               true,
		"Davon solltest nachbestellen.":                  true,
		"Stelle wieder her oder ersetze sie.":            true,
		"Bitte versuche es gleich noch einmal.":          true,
		"Währung legt der Betrieb fest; bitte ihn.":      true,
		"Geben Sie Ihren Namen ein.":                     false,
		"Wählen Sie eine Farbe; öffnen Sie das Event.":   false,
		"Aufträge ohne Versuche. Versuche":               false,
		"Bitte an die Veranstalter wenden.":              false,
		"Bitte gleich noch einmal versuchen.":            false,
		"Die Subdomain darf nicht mit Bindestrich enden": false,
		"Setzen Sie BACKUP_DIR auf ein Verzeichnis.":     false,
		"Der Lade-Balken zeigt den Fortschritt.":         false,
	}
	for msg, want := range du {
		if got := len(duForms(msg)) > 0; got != want {
			t.Errorf("duForms(%q) = %q, want some: %v", msg, duForms(msg), want)
		}
	}
	sie := map[string]bool{
		"Geben Sie Ihren Namen ein.":                           true,
		"Wir schicken Ihnen einen Link.":                       true,
		"Bitte zahlen Sie online.":                             true,
		"Das ist Ihre Bestellung.":                             true,
		"Bewahre die Adresse auf: Sie zeigt deine Bestellung.": false,
		"Sie wurde verschickt.":                                false,
		"Die Artikel sind reserviert, bis sie abläuft.":        false,
		"Ihre Artikel sind unterwegs.":                         false, // "their" or "your": a sentence start is not judged
	}
	for msg, want := range sie {
		if got := len(sieFormsOf(msg)) > 0; got != want {
			t.Errorf("sieFormsOf(%q) = %q, want some: %v", msg, sieFormsOf(msg), want)
		}
	}
	for id, want := range map[string]audience{
		"console.home.title":           staffOrSuppliers,
		"vouchers.kind_invalid":        staffOrSuppliers,
		"email.supplier_footer":        staffOrSuppliers,
		"email.supplier.dispatch_link": staffOrSuppliers,
		"dispatch.intro_order":         staffOrSuppliers,
		"voucher.unknown":              attendees,
		"order.title":                  attendees,
		"email.footer":                 attendees,
		"email.sample.message_body":    attendees,
		"error.forbidden":              attendees,
		"waitlist.entry_holds_offer":   staffOrSuppliers,
		"message.audience_invalid":     staffOrSuppliers,
		"error.csrf":                   everyone,
		"catalogue.free":               everyone,
	} {
		if got := audienceOf(id); got != want {
			t.Errorf("audienceOf(%s) = %d, want %d", id, got, want)
		}
	}
}
