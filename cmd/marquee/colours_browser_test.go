package main

import (
	"testing"
)

// TestBrowserColourFields: in the branding editor, the colour picker and
// the hex field follow each other, and the contrast verdict beside the
// colour follows both while it is picked, before anything is saved.
func TestBrowserColourFields(t *testing.T) {
	exe := chromiumPath(t)
	s, _, _ := consoleServer(t)
	b, _ := newEnglishBrowser(t, exe, s, "devcon.shop.test", consoleBrowserTimeout)
	b.open("/login")
	b.typeInto(`form.console-login input[name="email"]`, "marketing@example.com")
	b.typeInto(`form.console-login input[name="password"]`, "correct horse battery")
	b.at(b.follow(`form.console-login button[type="submit"]`), "/")
	b.at(b.open("/events/devcon/branding"), "/events/devcon/branding")
	const picker, hex, verdict = "#color_primary", "#color_primary_hex", "#color_primary-verdict strong"
	if got := b.text(verdict); got != "AA ✓ 6.7:1" {
		t.Errorf("the primary colour's verdict %q", got)
	}

	// Picking a colour writes its hex value and redraws the verdict.
	eval[bool](b, `(function(){var p=document.querySelector('#color_primary');p.value='#ffdd00';p.dispatchEvent(new Event('input',{bubbles:true}));return true})()`)
	if got := b.value(hex); got != "#ffdd00" {
		t.Errorf("after picking, the hex field says %q", got)
	}
	if got := b.text(verdict); got != "Too low: 1.3:1 - hard to read" {
		t.Errorf("after picking a light yellow, the verdict says %q", got)
	}

	// Typing a hex value (short, in capitals) moves the picker.
	// (Selected first and typed over, as a person does: chromedp's Clear
	// resets the attribute, which a value the script wrote outlives.)
	overtype := func(text string) {
		eval[bool](b, `(function(){document.querySelector('#color_primary_hex').select();return true})()`)
		b.typeInto(hex, text)
	}
	overtype("#7C2")
	if got := b.value(picker); got != "#77cc22" {
		t.Errorf("after typing #7C2, the picker is at %q", got)
	}
	if got := b.text(verdict); got != "Too low: 2.0:1 - hard to read" {
		t.Errorf("after typing, the verdict says %q", got)
	}
	overtype("#1d4ed8")
	if got := b.text(verdict); got != "AA ✓ 6.7:1" {
		t.Errorf("back to the first colour, the verdict says %q", got)
	}
	// The live preview beside the editor follows the colour at once.
	if got := eval[string](b, `document.querySelector('iframe.preview-frame').contentDocument.documentElement.style.getPropertyValue('--primary')`); got != "#1d4ed8" {
		t.Errorf("the preview's --primary is %q", got)
	}
}
