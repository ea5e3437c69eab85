package storefront

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee"
)

func TestMessageValidate(t *testing.T) {
	good := func() Message {
		return Message{Audience: Audience{Kind: AudienceAll}, Texts: map[string]MessageText{
			"en": {Subject: "Desk moves", Body: "To **Hall B**."}, "de": {Subject: "Ausgabe zieht um", Body: "In **Halle B**."}}}
	}
	for _, tc := range []struct {
		name, field string
		change      func(*Message)
	}{
		{"a message in every language to everyone is valid", "", func(*Message) {}},
		{"a language without a subject is refused", "subject_de", func(m *Message) { m.Texts["de"] = MessageText{Body: "x"} }},
		{"a missing language is refused", "subject_de", func(m *Message) { delete(m.Texts, "de") }},
		{"a subject of two lines is refused", "subject_en", func(m *Message) { m.Texts["en"] = MessageText{Subject: "a\nBcc: x", Body: "x"} }},
		{"a subject over 200 characters is refused", "subject_en", func(m *Message) { m.Texts["en"] = MessageText{Subject: strings.Repeat("a", 201), Body: "x"} }},
		{"an empty body is refused", "body_en", func(m *Message) { m.Texts["en"] = MessageText{Subject: "x", Body: "  "} }},
		{"a NUL in the body is refused", "body_en", func(m *Message) { m.Texts["en"] = MessageText{Subject: "x", Body: "a\x00"} }},
		{"invalid UTF-8 is refused", "body_de", func(m *Message) { m.Texts["de"] = MessageText{Subject: "x", Body: "\xff"} }},
		{"a product audience without a product is refused", "audience", func(m *Message) { m.Audience = Audience{Kind: AudienceProduct} }},
		{"an unknown status is refused", "audience", func(m *Message) { m.Audience = Audience{Kind: AudienceStatus, Status: "lost"} }},
		{"an unknown audience is refused", "audience", func(m *Message) { m.Audience = Audience{Kind: "vip"} }},
		{"an option audience is valid", "", func(m *Message) { m.Audience = Audience{Kind: AudienceVariant, VariantID: uuid.New()} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := good()
			tc.change(&m)
			err := m.Validate([]string{"en", "de"})
			if tc.field == "" && err != nil || tc.field != "" && marquee.ErrorField(err) != tc.field {
				t.Fatalf("Validate = %v (field %q), want field %q", err, marquee.ErrorField(err), tc.field)
			}
		})
	}
	m := good()
	m.Texts["fr"] = MessageText{Subject: "x", Body: "y"}
	if err := m.Validate([]string{"en", "de"}); err != nil || len(m.Texts) != 2 {
		t.Errorf("a language the event does not offer is kept: %v %v", err, m.Texts)
	}
}
