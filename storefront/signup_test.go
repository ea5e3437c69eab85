package storefront

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"marquee/storefront/form"
	"marquee/tenant"
)

// signupSite is a sign-up event asking a company (required) and a topic
// (one of two), in English and German.
func signupSite() *Site {
	fields := []form.Field{
		{Key: "company", Scope: form.ScopeCustomer, Type: form.TypeText, Required: true, Label: map[string]string{"en": "Company"}},
		{Key: "topics", Scope: form.ScopeCustomer, Type: form.TypeMultipleChoice, Label: map[string]string{"en": "Topics"},
			Options: []form.Option{{Value: "go"}, {Value: "sql"}}},
	}
	settings := Settings{Kind: KindSignup, SignupConsent: Text{"en": "I agree", "de": "Ich stimme zu"}}
	return NewSite(&tenant.Tenant{ID: uuid.New(), DefaultLocale: "en", Locales: []string{"en", "de"}},
		SiteContent{Settings: settings, Fields: fields})
}

func goodSignupValues() map[string][]string {
	return map[string][]string{"client_id": {uuid.NewString()}, "name": {"  Ada   Lovelace "}, "email": {"Ada@Example.COM"},
		"consent": {"on"}, "company": {"ACME"}, "topics": {"sql", "go"}}
}

func TestValidateSignup(t *testing.T) {
	site := signupSite()
	t.Run("a good sign-up is normalised, with the consent text shown", func(t *testing.T) {
		s, errs := ValidateSignup(site, goodSignupValues(), "de")
		if !errs.Empty() {
			t.Fatalf("errors %v", errs)
		}
		if s.Name != "Ada Lovelace" || s.Email != "ada@example.com" || !s.Consent || s.ConsentText != "Ich stimme zu" || s.Locale != "de" {
			t.Fatalf("sign-up %+v", s)
		}
		if s.Answers["company"] != "ACME" || !slices.Equal(s.Answers["topics"].([]string), []string{"go", "sql"}) {
			t.Fatalf("answers %v", s.Answers)
		}
	})
	for name, c := range map[string]struct {
		change func(map[string][]string)
		input  string
		msg    string
	}{
		"consent not ticked":          {func(v map[string][]string) { delete(v, "consent") }, "consent", form.MsgMustCheck},
		"no name":                     {func(v map[string][]string) { v["name"] = []string{"   "} }, "name", form.MsgRequired},
		"a name with a control":       {func(v map[string][]string) { v["name"] = []string{"Ada\x00"} }, "name", form.MsgInvalidChars},
		"a name too long":             {func(v map[string][]string) { v["name"] = []string{strings.Repeat("é", 201)} }, "name", form.MsgTooLong},
		"a bad email":                 {func(v map[string][]string) { v["email"] = []string{"ada@"} }, "email", form.MsgEmailInvalid},
		"a required field left empty": {func(v map[string][]string) { delete(v, "company") }, "company", form.MsgRequired},
		"an unknown option":           {func(v map[string][]string) { v["topics"] = []string{"rust"} }, "topics", form.MsgChoiceInvalid},
		"no client id":                {func(v map[string][]string) { delete(v, "client_id") }, "client_id", MsgSignupExpired},
		"a forged client id":          {func(v map[string][]string) { v["client_id"] = []string{"42"} }, "client_id", MsgSignupExpired},
	} {
		t.Run(name+" is an error on "+c.input, func(t *testing.T) {
			v := goodSignupValues()
			c.change(v)
			_, errs := ValidateSignup(site, v, "en")
			if errs[c.input] != c.msg {
				t.Fatalf("errors %v, want %s on %s", errs, c.msg, c.input)
			}
		})
	}
	t.Run("a shop takes no sign-ups", func(t *testing.T) {
		shop := NewSite(site.Tenant, SiteContent{Settings: Settings{Kind: KindShop}})
		if _, errs := ValidateSignup(shop, goodSignupValues(), "en"); errs["form"] != MsgSignupClosed {
			t.Fatalf("errors %v, want the form refused", errs)
		}
	})
}

func TestReadSignupJSON(t *testing.T) {
	id := uuid.NewString()
	values, locale, errs := ReadSignupJSON([]byte(`{"client_id":"` + id + `","name":"Ada","email":"ada@example.com","consent":true,
		"locale":"de","answers":{"company":"ACME","topics":["go"],"newsletter":true,"age":42,"fax":null}}`))
	if !errs.Empty() || locale != "de" {
		t.Fatalf("errors %v, locale %q", errs, locale)
	}
	want := map[string][]string{"client_id": {id}, "name": {"Ada"}, "email": {"ada@example.com"}, "consent": {"on"},
		"company": {"ACME"}, "topics": {"go"}, "newsletter": {"on"}, "age": {"42"}, "fax": nil}
	if !maps.EqualFunc(values, want, slices.Equal) {
		t.Fatalf("values %v, want %v", values, want)
	}
	for body, input := range map[string]string{
		`not json`:                           "body",
		`{"name":"Ada","extra":1}`:           "body",
		`{"name":"Ada"} {"name":"Bob"}`:      "body",
		`{"answers":{"company":{"a":1}}}`:    "company",
		`{"answers":{"topics":[1,2]}}`:       "topics",
		`{"consent":"yes"}`:                  "body",
		`["client_id"]`:                      "body",
		`{"answers":{"company":[["deep"]]}}`: "company",
	} {
		if _, _, errs := ReadSignupJSON([]byte(body)); errs[input] != form.MsgInvalid {
			t.Errorf("%s: errors %v, want %s on %s", body, errs, form.MsgInvalid, input)
		}
	}
}

// memSignups is a SignupStore in memory, idempotent as the database is.
type memSignups map[uuid.UUID]Signup

func (m memSignups) SignupCreate(_ context.Context, _ uuid.UUID, s Signup) (Signup, bool, error) {
	if old, ok := m[s.ClientID]; ok {
		return old, false, nil
	}
	s.ID = uuid.New()
	m[s.ClientID] = s
	return s, true, nil
}

func TestSubmitSignupJSON(t *testing.T) {
	site, store := signupSite(), memSignups{}
	device := KioskSource(uuid.New())
	body := []byte(`{"client_id":"` + uuid.NewString() + `","name":"Ada","email":"ada@example.com","consent":true,"locale":"de",
		"answers":{"company":"ACME"}}`)
	s, created, errs, err := SubmitSignupJSON(context.Background(), store, site, body, "en", device)
	if err != nil || !errs.Empty() || !created || s.Source != device || s.Locale != "de" || s.ConsentText != "Ich stimme zu" {
		t.Fatalf("%+v created %v errs %v err %v", s, created, errs, err)
	}
	again, created, errs, err := SubmitSignupJSON(context.Background(), store, site, body, "en", device)
	if err != nil || !errs.Empty() || created || again.ID != s.ID || len(store) != 1 {
		t.Fatalf("the replay: %+v created %v errs %v err %v, %d stored", again, created, errs, err, len(store))
	}
	noConsent := []byte(`{"client_id":"` + uuid.NewString() + `","name":"Bob","email":"bob@example.com","locale":"fr","answers":{"company":"B"}}`)
	_, created, errs, err = SubmitSignupJSON(context.Background(), store, site, noConsent, "en", device)
	if err != nil || created || errs["consent"] != form.MsgMustCheck || len(store) != 1 {
		t.Fatalf("without consent: created %v errs %v err %v, %d stored", created, errs, err, len(store))
	}
}
