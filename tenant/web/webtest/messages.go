package webtest

import (
	"testing"

	"marquee/themes"
)

// Themes loads the platform's themes, failing the test when they do not
// load.
func Themes(t testing.TB) *themes.Set {
	t.Helper()
	set, err := themes.Load()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// Message is message id of themes/locales in lang with kv, as a page
// shows it: what a test looks for in a page. It fails the test when lang
// has no such message.
func Message(t testing.TB, lang, id string, kv ...any) string {
	t.Helper()
	msg := Themes(t).Translations().T(lang, id, kv...)
	if msg == id || msg == "" {
		t.Fatalf("%s has no %s translation", id, lang)
	}
	return msg
}

// OwnMessage is Message, failing too when a language other than English
// shows the English text: a test of a language must tell it apart.
func OwnMessage(t testing.TB, lang, id string, kv ...any) string {
	t.Helper()
	tr := Themes(t).Translations()
	msg := tr.T(lang, id, kv...)
	if msg == id || msg == "" || (lang != "en" && msg == tr.T("en", id, kv...)) {
		t.Fatalf("%s has no %s translation of its own: %q", id, lang, msg)
	}
	return msg
}
