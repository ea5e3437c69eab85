package storefront

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"marquee/storefront/form"
)

// Event kinds (Settings.Kind): a shop sells or gives out merchandise; a
// sign-up event has no products, its landing page is a sign-up form.
const (
	KindShop   = "shop"
	KindSignup = "signup"
)

// IsSignup reports whether the event is a sign-up form instead of a shop.
func (s Settings) IsSignup() bool { return s.Kind == KindSignup }

// Sources of a sign-up: the event's own page, or a kiosk device
// (KioskSource).
const SourceWeb = "web"

// KioskSource is the Source of a sign-up sent by the kiosk device id.
func KioskSource(deviceID uuid.UUID) string { return "kiosk:" + deviceID.String() }

// ValidSource reports whether s is a source a sign-up may have.
func ValidSource(s string) bool {
	if s == SourceWeb {
		return true
	}
	id, ok := strings.CutPrefix(s, "kiosk:")
	return ok && uuid.Validate(id) == nil
}

// Signup is one person who signed up on a sign-up event's form or kiosk.
type Signup struct {
	ID uuid.UUID
	// ClientID is chosen by the form (a hidden input) or the kiosk's
	// queue: the same ClientID twice is one sign-up (idempotency).
	ClientID    uuid.UUID
	Name, Email string
	// Answers are the form builder's fields (scope customer) as
	// form.ValidateAnswers returns them, by field key.
	Answers map[string]any
	// Consent is always true for a stored sign-up (the checkbox is
	// required); ConsentText is the text shown beside it, in Locale.
	Consent     bool
	ConsentText string
	Locale      string
	Source      string // SourceWeb or KioskSource(device)
	CreatedAt   time.Time
}

// SignupStore stores sign-ups; db.DB implements it.
type SignupStore interface {
	// SignupCreate stores s for the event, idempotent on s.ClientID:
	// created is false (and the stored sign-up returned) when it was
	// there already.
	SignupCreate(ctx context.Context, tenantID uuid.UUID, s Signup) (Signup, bool, error)
}

// The sign-up form's own inputs; the form builder's fields use their keys.
const (
	SignupInputClientID = "client_id"
	SignupInputName     = "name"
	SignupInputEmail    = "email"
	SignupInputConsent  = "consent"
)

// maxSignupName is the longest name a sign-up takes, in characters.
const maxSignupName = 200

// Message IDs of the sign-up form's own checks (the fields' are form's).
const (
	MsgSignupExpired = "signup.form_expired" // no or a malformed client id: the page is stale or forged
	MsgSignupClosed  = "signup.closed"       // the event takes no sign-ups (a shop)
	// MsgSignupTimeClosed: the event's closing time has passed.
	MsgSignupTimeClosed = "signup.time_closed"
)

// ValidateSignup checks a submitted sign-up against an event's sign-up
// form: the client id, a name, an email, the form builder's fields
// (scope customer) and the consent checkbox, which must be ticked.
// values are keyed by input name (the Signup* inputs and the fields'
// keys), as a posted form has them (ReadSignupJSON makes them from a
// kiosk's JSON). It returns the sign-up to store (Source and CreatedAt
// are the caller's) and the errors by input name; only a sign-up with no
// errors may be stored. The consent text recorded is the event's in
// lang, as the form showed it.
func ValidateSignup(site *Site, values map[string][]string, lang string) (Signup, form.Errors) {
	errs := form.Errors{}
	s := Signup{Locale: lang, Consent: true, ConsentText: site.Settings.SignupConsent.In(lang, site.Tenant.DefaultLocale)}
	if !site.Settings.IsSignup() {
		errs.Add("form", MsgSignupClosed)
	}
	id, err := uuid.Parse(first(values[SignupInputClientID]))
	if err != nil || id == uuid.Nil {
		errs.Add(SignupInputClientID, MsgSignupExpired)
	}
	s.ClientID = id
	s.Name = signupName(values[SignupInputName], errs)
	if email, _, errID := signupEmail.Parse(values[SignupInputEmail]); errID != "" {
		errs.Add(SignupInputEmail, errID)
	} else {
		s.Email = NormalizeEmail(email.(string))
	}
	s.Answers = form.ValidateAnswers(site.Fields, form.ScopeCustomer, values, "", errs)
	if _, _, errID := signupConsent.Parse(values[SignupInputConsent]); errID != "" {
		errs.Add(SignupInputConsent, errID)
	}
	return s, errs
}

var (
	signupEmail   = form.Field{Key: SignupInputEmail, Scope: form.ScopeCustomer, Type: form.TypeEmail, Required: true}
	signupConsent = form.Field{Key: SignupInputConsent, Scope: form.ScopeCustomer, Type: form.TypeCheckbox, Required: true}
)

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// signupName is the name as typed, its runs of white space made one.
func signupName(v []string, errs form.Errors) string {
	if len(v) > 1 {
		errs.Add(SignupInputName, form.MsgInvalid)
		return ""
	}
	s := first(v)
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		errs.Add(SignupInputName, form.MsgInvalidChars)
		return ""
	}
	name := strings.Join(strings.Fields(s), " ")
	switch {
	case name == "":
		errs.Add(SignupInputName, form.MsgRequired)
	case utf8.RuneCountInString(name) > maxSignupName:
		errs.Add(SignupInputName, form.MsgTooLong)
	}
	return name
}
