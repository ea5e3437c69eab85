package main

import (
	"context"
	"testing"

	"marquee/storefront/form"
)

// TestBrowserConditionalField checks conditional.js in Chromium: a field
// that depends on a checkbox is hidden until the box is ticked, and hidden
// again when it is unticked.
func TestBrowserConditionalField(t *testing.T) {
	exe := chromiumPath(t)
	s := startServer(t, defaultConfig())
	sh := newShop(t, s, "devcon")
	ctx := context.Background()
	for _, f := range []form.Field{
		{Key: "is_company", Scope: form.ScopeCustomer, Type: form.TypeCheckbox, Label: map[string]string{"en": "For a company", "de": "Für eine Firma"}, Position: 5},
		{Key: "vat_id", Scope: form.ScopeCustomer, Type: form.TypeText, Required: true, Label: map[string]string{"en": "VAT ID", "de": "USt-IdNr."}, Position: 6,
			ShowIf: &form.Condition{Key: "is_company", Equals: "true"}},
	} {
		if err := s.db.AddFormField(ctx, sh.ev.ID, f); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, exe, s, "devcon.shop.test")
	b.open("/order")
	hidden := func() bool { return eval[bool](b, `document.querySelector('[data-show-if="is_company"]').hidden`) }
	if !hidden() {
		t.Fatal("the conditional field shows before its condition holds")
	}
	b.click(`input[name="is_company"]`)
	if hidden() {
		t.Fatal("the conditional field stays hidden after ticking the box")
	}
	b.click(`input[name="is_company"]`)
	if !hidden() {
		t.Fatal("the conditional field shows after unticking the box")
	}
}
