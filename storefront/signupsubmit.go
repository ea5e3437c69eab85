package storefront

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"marquee"
	"marquee/storefront/form"
)

// SubmitSignup is what the sign-up form's route and the kiosk both do
// with a submitted sign-up: validate it against the event's form
// (ValidateSignup) and, when it has no errors, store it with its source
// (SourceWeb or KioskSource) through store, which is idempotent on the
// client id (created false: it was stored before, nothing new happened).
// errs not empty: nothing was stored, the form is shown again with them.
func SubmitSignup(ctx context.Context, store SignupStore, site *Site, values map[string][]string, lang, source string) (s Signup, created bool, errs form.Errors, err error) {
	s, errs = ValidateSignup(site, values, lang)
	if errs.Empty() && site.Settings.OrdersClosed(time.Now()) {
		errs.Add("form", MsgSignupTimeClosed)
	}
	if !errs.Empty() {
		return s, false, errs, nil
	}
	s.Source, s.CreatedAt = source, time.Now()
	s, created, err = store.SignupCreate(ctx, site.Tenant.ID, s)
	if field := marquee.ErrorField(err); field != "" && marquee.ErrorCode(err) == marquee.EINVALID {
		return s, false, form.Errors{field: marquee.ErrorMessage(err)}, nil
	}
	return s, created, nil, err
}

// SubmitSignupJSON is SubmitSignup for a sign-up sent as JSON (the
// kiosk's queue): body is a SignupJSON. lang is the page's language; the
// body's locale, when it is one of the event's, is used instead. A body
// that is not JSON, or an answer of a type no form sends, is an error on
// its input ("body" for the whole), as a form's mistakes are.
func SubmitSignupJSON(ctx context.Context, store SignupStore, site *Site, body []byte, lang, source string) (Signup, bool, form.Errors, error) {
	values, locale, errs := ReadSignupJSON(body)
	if !errs.Empty() {
		return Signup{}, false, errs, nil
	}
	if locale != "" && slices.Contains(site.Tenant.Locales, locale) {
		lang = locale
	}
	return SubmitSignup(ctx, store, site, values, lang, source)
}

// SignupJSON is a sign-up as the kiosk sends it: the form's inputs by
// name. An answer is a string, a list of strings (a multiple choice), a
// boolean (a checkbox) or a number; null is no answer.
type SignupJSON struct {
	ClientID string                     `json:"client_id"`
	Name     string                     `json:"name"`
	Email    string                     `json:"email"`
	Consent  bool                       `json:"consent"`
	Locale   string                     `json:"locale,omitempty"`
	Answers  map[string]json.RawMessage `json:"answers,omitempty"`
}

// ReadSignupJSON turns a SignupJSON body into the values a posted form
// would have (ValidateSignup's input) and the locale it names; errs names
// "body" when it is not a SignupJSON object, an answer's key when its
// type is none a form sends.
func ReadSignupJSON(body []byte) (values map[string][]string, locale string, errs form.Errors) {
	errs = form.Errors{}
	var in SignupJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || dec.More() {
		errs.Add("body", form.MsgInvalid)
		return nil, "", errs
	}
	values = map[string][]string{}
	for key, raw := range in.Answers {
		v, ok := answerValues(raw)
		if !ok {
			errs.Add(key, form.MsgInvalid)
			continue
		}
		values[key] = v
	}
	values[SignupInputClientID] = []string{in.ClientID}
	values[SignupInputName] = []string{in.Name}
	values[SignupInputEmail] = []string{in.Email}
	if in.Consent {
		values[SignupInputConsent] = []string{"on"}
	} else {
		delete(values, SignupInputConsent)
	}
	return values, in.Locale, errs
}

// answerValues is a JSON answer as a form's values.
func answerValues(raw json.RawMessage) ([]string, bool) {
	var s string
	var list []string
	var b bool
	var n json.Number
	switch {
	case bytes.Equal(bytes.TrimSpace(raw), []byte("null")):
		return nil, true
	case json.Unmarshal(raw, &s) == nil:
		return []string{s}, true
	case json.Unmarshal(raw, &list) == nil:
		return list, true
	case json.Unmarshal(raw, &b) == nil:
		if b {
			return []string{"on"}, true
		}
		return nil, true
	case json.Unmarshal(raw, &n) == nil:
		if f, err := n.Float64(); err == nil {
			return []string{strconv.FormatFloat(f, 'f', -1, 64)}, true
		}
	}
	return nil, false
}
