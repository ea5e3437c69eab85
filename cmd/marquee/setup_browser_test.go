package main

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
)

// TestBrowserSetUpAnEvent is issue 5's walk through the console in
// Chromium: a marketing user stocks an empty event and builds its form
// with a conditional field; an attendee orders through exactly that form;
// an admin dispatches the order, sees the history and exports the CSV.
func TestBrowserSetUpAnEvent(t *testing.T) {
	exe := chromiumPath(t)
	s, _, _ := consoleServer(t)
	link, err := ensureDemoAdmin(context.Background(), s.platform.staff)
	if err != nil {
		t.Fatal(err)
	}
	console, event := newEnglishBrowser(t, exe, s, "devcon.shop.test", consoleBrowserTimeout)

	console.open("/login")
	console.typeInto(`input[name="email"]`, "marketing@example.com")
	console.typeInto(`input[name="password"]`, "correct horse battery")
	console.follow(`form.console-login button[type="submit"]`)

	console.open("/events/devcon/catalogue")
	for _, p := range []struct{ name, price, variants string }{{"Hoodie", "30", "S = 2\nM = 3"}, {"Cap", "0", "One size = 10"}} {
		console.typeInto(`form.new-product input[name="name.en"]`, p.name)
		console.typeInto(`form.new-product input[name="price"]`, p.price)
		console.typeInto(`form.new-product textarea[name="variants"]`, p.variants)
		console.follow(`form.new-product button[type="submit"]`)
		if !strings.Contains(console.text("main"), p.name) {
			t.Fatalf("%s is not in the catalogue: %q", p.name, console.text("main"))
		}
	}

	// The form in plain words: a type by its name, no key typed (the key
	// comes from the label), the condition picked from the checkbox's
	// answers. The key of "Is a company" is is_a_company.
	console.open("/events/devcon/form")
	console.setValue(`form.new-field select[name="type"]`, "checkbox")
	if got := eval[string](console, `document.querySelector('form.new-field select[name="type"] option[value="checkbox"]').textContent`); got != "Checkbox (yes or no)" {
		t.Errorf("the checkbox type is offered as %q", got)
	}
	console.typeInto(`form.new-field input[name="label.en"]`, "Is a company")
	console.follow(`form.new-field button[type="submit"]`)
	console.typeInto(`form.new-field input[name="label.en"]`, "VAT ID")
	console.click(`form.new-field input[name="required"]`)
	if got := eval[string](console, `document.querySelector('form.new-field select[name="show_when"] option[value="is_a_company=true"]').textContent`); got != "Only when “Is a company” is ticked" {
		t.Errorf("the condition is offered as %q", got)
	}
	console.setValue(`form.new-field select[name="show_when"]`, "is_a_company=true")
	console.follow(`form.new-field button[type="submit"]`)
	if n := console.count(`[data-scope="customer"] li`); n != 2 {
		t.Fatalf("%d customer fields in the builder, want 2", n)
	}
	// The preview beside the builder is the attendee's form: the VAT field
	// appears only once its box is ticked there too.
	if !eval[bool](console, `document.querySelector('aside.form-preview [data-show-if="is_a_company"]').hidden`) {
		t.Fatal("the preview shows the VAT field before the box is ticked")
	}
	console.click(`aside.form-preview input[name="is_a_company"]`)
	if eval[bool](console, `document.querySelector('aside.form-preview [data-show-if="is_a_company"]').hidden`) {
		t.Fatal("the preview hides the VAT field after the box is ticked")
	}

	event.open("/order")
	if n := event.count("fieldset.line"); n != 2 {
		t.Fatalf("%d products on the order form, want 2", n)
	}
	if !eval[bool](event, `document.querySelector('[data-show-if="is_a_company"]').hidden`) {
		t.Fatal("the VAT field shows before the box is ticked")
	}
	event.click(`[id="line.0.variant-1"]`) // the size button M
	event.retype(`input[name="line.0.quantity"]`, "1")
	event.typeInto(`input[name="name"]`, "Ada Lovelace")
	event.typeInto(`input[name="email"]`, "ada@example.com")
	event.click(`input[name="is_a_company"]`)
	if eval[bool](event, `document.querySelector('[data-show-if="is_a_company"]').hidden`) {
		t.Fatal("the VAT field stays hidden after ticking the box")
	}
	event.follow(`form.order-form button.primary`)
	if got := event.text(`[data-show-if="is_a_company"] .error`); got != "Please fill in this field." {
		t.Fatalf("the condition was not enforced: %q", got)
	}
	event.typeInto(`input[name="vat_id"]`, "DE123")
	event.follow(`form.order-form button.primary`)
	if got := event.text("#current-status"); got != "Placed" {
		t.Fatalf("status page says %q", got)
	}
	number := strings.TrimPrefix(event.text("#order-number"), "Order ")

	console.open("/login/link/" + link) // the demo admin may work on every event's orders
	console.open("/events/devcon/orders/" + number)
	console.setValue(`select[name="status"]`, "dispatched")
	console.typeInto(`input[name="note"]`, "DHL 42")
	console.follow(`form.status-change button[type="submit"]`)
	if got := console.text("#current-status"); got != "Dispatched" || !strings.Contains(console.text("ol.history"), "DHL 42") {
		t.Fatalf("after dispatch: %q, history %q", got, console.text("ol.history"))
	}
	body := eval[string](console, `(function(){var x=new XMLHttpRequest();x.open('GET','/events/devcon/orders/export.csv',false);x.send();return x.responseText;})()`)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != number || rows[1][2] != "dispatched" || rows[1][5] != "Hoodie" || rows[1][6] != "M" {
		t.Fatalf("export %v, %v", rows, err)
	}
}
