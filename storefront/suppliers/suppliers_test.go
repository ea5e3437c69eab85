package suppliers

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee"
	"marquee/storefront"
	"marquee/storefront/address"
)

// The catalogue the tests order from: a hoodie in three sizes and a
// one-size cap.
var (
	hoodieID = uuid.MustParse("10000000-0000-0000-0000-000000000001")
	hoodieS  = uuid.MustParse("10000000-0000-0000-0000-0000000000a1")
	hoodieM  = uuid.MustParse("10000000-0000-0000-0000-0000000000a2")
	hoodieL  = uuid.MustParse("10000000-0000-0000-0000-0000000000a3")
	capID    = uuid.MustParse("20000000-0000-0000-0000-000000000002")
	capOne   = uuid.MustParse("20000000-0000-0000-0000-0000000000b1")
)

// hoodie returns an ordered hoodie in size.
func hoodie(variant uuid.UUID, size string, qty int) storefront.Item {
	return storefront.Item{
		ProductID:    hoodieID,
		VariantID:    variant,
		ProductName:  storefront.Text{"en": "Hoodie", "de": "Kapuzenpulli"},
		VariantLabel: storefront.Text{"en": size},
		Quantity:     qty,
	}
}

// capItem returns an ordered cap.
func capItem(qty int) storefront.Item {
	return storefront.Item{
		ProductID:    capID,
		VariantID:    capOne,
		ProductName:  storefront.Text{"en": "Cap", "de": "Mütze"},
		VariantLabel: storefront.Text{"en": "One size", "de": "Einheitsgröße"},
		Quantity:     qty,
	}
}

// order returns a placed order by Anna, shipped to Berlin.
func order(number string, items ...storefront.Item) storefront.Order {
	for i := range items {
		items[i].Position = i + 1
	}
	return storefront.Order{
		ID:        uuid.New(),
		Number:    number,
		Email:     "anna@example.com",
		Name:      "Anna Beispiel",
		Locale:    "de",
		Status:    storefront.StatusPlaced,
		Answers:   map[string]any{"phone": "+49 30 1234567", "company": "ACME"},
		Address:   &address.Address{Name: "Anna Beispiel", Line1: "Hauptstraße 1", PostalCode: "10115", Locality: "Berlin", CountryCode: "DE"},
		CreatedAt: time.Date(2026, 3, 1, 10, 30, 0, 0, time.FixedZone("CET", 3600)),
		Items:     items,
	}
}

// validSupplier returns a supplier that breaks no rule.
func validSupplier() Supplier {
	return Supplier{
		ID:         uuid.New(),
		Name:       "Druckerei Müller",
		Emails:     []string{"orders@druckerei.example"},
		Mode:       ModeBatch,
		ProductIDs: []uuid.UUID{hoodieID},
	}
}

func TestValidate(t *testing.T) {
	tenEmails := make([]string, 10)
	for i := range tenEmails {
		tenEmails[i] = "shop" + string(rune('a'+i)) + "@print.example"
	}
	sendAt := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		change    func(*Supplier)
		field, id string // "" for valid
	}{
		{"a complete supplier is valid", func(*Supplier) {}, "", ""},
		{"a per-order supplier is valid", func(s *Supplier) { s.Mode = ModePerOrder }, "", ""},
		{"a batch supplier with a send time is valid", func(s *Supplier) { s.SendAt = &sendAt }, "", ""},
		{"variants alone are enough", func(s *Supplier) { s.ProductIDs, s.VariantIDs = nil, []uuid.UUID{hoodieM} }, "", ""},
		{"a name of 200 characters is valid", func(s *Supplier) { s.Name = strings.Repeat("ü", 200) }, "", ""},
		{"ten emails are valid", func(s *Supplier) { s.Emails = tenEmails }, "", ""},
		{"an international domain is valid", func(s *Supplier) { s.Emails = []string{"info@bäckerei.example"} }, "", ""},
		{"surrounding spaces are tolerated", func(s *Supplier) { s.Emails = []string{" orders@print.example "} }, "", ""},

		{"the name is required", func(s *Supplier) { s.Name = "" }, FieldName, MsgNameRequired},
		{"a blank name is missing", func(s *Supplier) { s.Name = " \t " }, FieldName, MsgNameRequired},
		{"a name over 200 characters is too long", func(s *Supplier) { s.Name = strings.Repeat("ü", 201) }, FieldName, MsgNameTooLong},
		{"an email is required", func(s *Supplier) { s.Emails = nil }, FieldEmails, MsgEmailRequired},
		{"eleven emails are too many", func(s *Supplier) { s.Emails = append(tenEmails, "k@print.example") }, FieldEmails, MsgTooManyEmails},
		{"an empty email is invalid", func(s *Supplier) { s.Emails = []string{""} }, FieldEmails, MsgEmailInvalid},
		{"a word is not an email", func(s *Supplier) { s.Emails = []string{"orders"} }, FieldEmails, MsgEmailInvalid},
		{"one bad email among good ones is invalid", func(s *Supplier) { s.Emails = []string{"a@print.example", "b@"} }, FieldEmails, MsgEmailInvalid},
		{"a display name is refused", func(s *Supplier) { s.Emails = []string{"Print Shop <orders@print.example>"} }, FieldEmails, MsgEmailInvalid},
		{"angle brackets are refused", func(s *Supplier) { s.Emails = []string{"<orders@print.example>"} }, FieldEmails, MsgEmailInvalid},
		{"two addresses in one are refused", func(s *Supplier) { s.Emails = []string{"a@print.example, b@print.example"} }, FieldEmails, MsgEmailInvalid},
		{"a header injection is refused", func(s *Supplier) { s.Emails = []string{"a@print.example\r\nBcc: x@evil.example"} }, FieldEmails, MsgEmailInvalid},
		{"the mode is required", func(s *Supplier) { s.Mode = "" }, FieldMode, MsgModeInvalid},
		{"an unknown mode is invalid", func(s *Supplier) { s.Mode = "weekly" }, FieldMode, MsgModeInvalid},
		{"a product or a variant is required", func(s *Supplier) { s.ProductIDs, s.VariantIDs = nil, nil }, FieldItems, MsgItemsRequired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := validSupplier()
			tc.change(&s)
			err := s.Validate()
			if tc.id == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if marquee.ErrorCode(err) != marquee.EINVALID || marquee.ErrorMessage(err) != tc.id || marquee.ErrorField(err) != tc.field {
				t.Fatalf("Validate() = %v, want invalid %s on %s", err, tc.id, tc.field)
			}
		})
	}
}

func TestMessageIDs(t *testing.T) {
	ids := MessageIDs()
	for _, id := range []string{
		"supplier.name_required", "supplier.name_too_long", "supplier.email_required", "supplier.email_invalid",
		"supplier.too_many_emails", "supplier.mode_invalid", "supplier.items_required",
	} {
		if !slices.Contains(ids, id) {
			t.Errorf("MessageIDs() lacks %q", id)
		}
	}
}

func TestFulfils(t *testing.T) {
	tests := []struct {
		name     string
		products []uuid.UUID
		variants []uuid.UUID
		item     storefront.Item
		want     bool
	}{
		{"a product covers each of its variants", []uuid.UUID{hoodieID}, nil, hoodie(hoodieL, "L", 1), true},
		{"a variant covers itself", nil, []uuid.UUID{hoodieM}, hoodie(hoodieM, "M", 1), true},
		{"a variant does not cover its siblings", nil, []uuid.UUID{hoodieM}, hoodie(hoodieS, "S", 1), false},
		{"another product is not covered", []uuid.UUID{hoodieID}, nil, capItem(1), false},
		{"products and variants add up", []uuid.UUID{capID}, []uuid.UUID{hoodieM}, capItem(1), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Supplier{ProductIDs: tc.products, VariantIDs: tc.variants}
			if got := s.Fulfils(tc.item); got != tc.want {
				t.Errorf("Fulfils = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLinesFor(t *testing.T) {
	o := order("M-1001", hoodie(hoodieS, "S", 1), capItem(2), hoodie(hoodieM, "M", 3), hoodie(hoodieM, "M", 1))
	o.Items[2].Answers = map[string]any{"print_name": "ANNA"}

	t.Run("a product supplier gets every variant of it", func(t *testing.T) {
		s := Supplier{ProductIDs: []uuid.UUID{hoodieID}}
		got := variantsOf(LinesFor(s, o, "en", "en"))
		if want := []string{"S", "M", "M"}; !slices.Equal(got, want) {
			t.Errorf("variants = %q, want %q", got, want)
		}
	})
	t.Run("a supplier of only Hoodie M gets only those lines", func(t *testing.T) {
		s := Supplier{VariantIDs: []uuid.UUID{hoodieM}}
		lines := LinesFor(s, o, "en", "en")
		if len(lines) != 2 {
			t.Fatalf("got %d lines, want 2", len(lines))
		}
		for _, l := range lines {
			if l.VariantID != hoodieM || l.Variant != "M" {
				t.Errorf("line %+v is not Hoodie M", l)
			}
		}
		if lines[0].Quantity != 3 || lines[1].Quantity != 1 {
			t.Errorf("quantities = %d, %d, want 3, 1", lines[0].Quantity, lines[1].Quantity)
		}
	})
	t.Run("a supplier of caps and one hoodie size gets both", func(t *testing.T) {
		s := Supplier{ProductIDs: []uuid.UUID{capID}, VariantIDs: []uuid.UUID{hoodieS}}
		got := variantsOf(LinesFor(s, o, "en", "en"))
		if want := []string{"S", "One size"}; !slices.Equal(got, want) {
			t.Errorf("variants = %q, want %q", got, want)
		}
	})
	t.Run("a supplier of other things gets nothing", func(t *testing.T) {
		s := Supplier{VariantIDs: []uuid.UUID{hoodieL}}
		if lines := LinesFor(s, o, "en", "en"); len(lines) != 0 {
			t.Errorf("got %d lines, want none", len(lines))
		}
	})
	t.Run("names come in the language, else the fallback", func(t *testing.T) {
		s := Supplier{ProductIDs: []uuid.UUID{hoodieID, capID}}
		lines := LinesFor(s, o, "de", "en")
		if lines[0].Product != "Kapuzenpulli" || lines[0].Variant != "S" {
			t.Errorf("hoodie = %q %q, want Kapuzenpulli S (size only in en)", lines[0].Product, lines[0].Variant)
		}
		if lines[1].Product != "Mütze" || lines[1].Variant != "Einheitsgröße" {
			t.Errorf("cap = %q %q, want Mütze Einheitsgröße", lines[1].Product, lines[1].Variant)
		}
	})
	t.Run("a line carries the order and the item", func(t *testing.T) {
		s := Supplier{VariantIDs: []uuid.UUID{hoodieM}}
		l := LinesFor(s, o, "en", "en")[0]
		if l.OrderNumber != "M-1001" || !l.PlacedAt.Equal(o.CreatedAt) || l.Status != storefront.StatusPlaced ||
			l.ProductID != hoodieID || l.VariantID != hoodieM || l.ItemAnswers["print_name"] != "ANNA" {
			t.Errorf("line = %+v", l)
		}
		if l.Recipient != "Anna Beispiel" || l.ShipTo == nil || l.ShipTo.Locality != "Berlin" {
			t.Errorf("shipping = %q %+v", l.Recipient, l.ShipTo)
		}
	})
}

func TestLinesForShowsNoContactDetails(t *testing.T) {
	o := order("M-1002", hoodie(hoodieM, "M", 1))
	lines := LinesFor(Supplier{ProductIDs: []uuid.UUID{hoodieID}}, o, "en", "en")
	for _, secret := range []string{o.Email, "+49 30 1234567", "ACME"} {
		if strings.Contains(strings.ToLower(dump(lines[0])), strings.ToLower(secret)) {
			t.Errorf("a supplier's line holds %q: %+v", secret, lines[0])
		}
	}
}

func TestLinesForRecipient(t *testing.T) {
	s := Supplier{ProductIDs: []uuid.UUID{capID}}
	t.Run("the address's recipient wins over the orderer", func(t *testing.T) {
		o := order("M-1", capItem(1))
		o.Address.Name = "Ben Empfänger"
		if got := LinesFor(s, o, "en", "en")[0].Recipient; got != "Ben Empfänger" {
			t.Errorf("Recipient = %q", got)
		}
	})
	t.Run("without shipping the attendee's name is the recipient", func(t *testing.T) {
		o := order("M-2", capItem(1))
		o.Address = nil
		l := LinesFor(s, o, "en", "en")[0]
		if l.Recipient != "Anna Beispiel" || l.ShipTo != nil {
			t.Errorf("Recipient = %q, ShipTo = %+v", l.Recipient, l.ShipTo)
		}
	})
	t.Run("lines do not alias the order", func(t *testing.T) {
		o := order("M-3", capItem(1))
		o.Items[0].Answers = map[string]any{"print_name": "ANNA"}
		l := LinesFor(s, o, "en", "en")[0]
		o.Address.Locality = "Hamburg"
		o.Items[0].Answers["print_name"] = "BEN"
		if l.ShipTo.Locality != "Berlin" || l.ItemAnswers["print_name"] != "ANNA" {
			t.Errorf("line changed with its order: %+v", l)
		}
	})
}

func TestWithoutCancelled(t *testing.T) {
	lines := []Line{
		{OrderNumber: "1", Status: storefront.StatusPlaced},
		{OrderNumber: "2", Status: storefront.StatusCancelled},
		{OrderNumber: "3", Status: storefront.StatusDispatched},
	}
	var got []string
	for _, l := range WithoutCancelled(lines) {
		got = append(got, l.OrderNumber)
	}
	if want := []string{"1", "3"}; !slices.Equal(got, want) {
		t.Errorf("kept %q, want %q", got, want)
	}
}

// variantsOf returns the variant names of lines, in order.
func variantsOf(lines []Line) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Variant)
	}
	return out
}

// dump renders every value reachable from v, maps and pointers included,
// so a test can look for data that must not be there.
func dump(v any) string {
	var b strings.Builder
	var walk func(reflect.Value)
	walk = func(r reflect.Value) {
		switch r.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !r.IsNil() {
				walk(r.Elem())
			}
		case reflect.Struct:
			for i := range r.NumField() {
				walk(r.Field(i))
			}
		case reflect.Map:
			for _, k := range r.MapKeys() {
				walk(k)
				walk(r.MapIndex(k))
			}
		case reflect.Slice, reflect.Array:
			for i := range r.Len() {
				walk(r.Index(i))
			}
		case reflect.String:
			b.WriteString(r.String() + "\n")
		}
	}
	walk(reflect.ValueOf(v))
	return b.String()
}
