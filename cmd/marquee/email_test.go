package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"marquee/storefront"
	"marquee/storefront/form"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/mail/smtptest"
	"marquee/storefront/suppliers"
	"marquee/tenant"
)

// mailServer starts the platform with its email jobs worked (two workers,
// fast retries) and sent to a real SMTP server on 127.0.0.1.
func mailServer(t *testing.T) (*testServer, *smtptest.Server) {
	t.Helper()
	smtp := smtptest.Start(t, smtptest.Options{Username: "shop", Password: "s3cret-Passw0rd", TLS: smtptest.StartTLS})
	cfg := defaultConfig()
	cfg.SMTPURL = smtp.URL()
	parsed, err := mail.ParseURL(cfg.SMTPURL)
	if err != nil {
		t.Fatal(err)
	}
	parsed.RootCAs, parsed.Timeout = smtp.CertPool(), 5*time.Second
	cfg.SMTP, cfg.MailFrom = parsed, "shop@"+testBase
	cfg.Workers = 2
	cfg.Jobs = jobs.Options{RetryBase: 200 * time.Millisecond, MaxRetryDelay: time.Second, PollInterval: 100 * time.Millisecond}
	return startServer(t, cfg), smtp
}

// stockEvent gives an event a Hoodie (S, M) and a Cap, and an item field.
func stockEvent(t *testing.T, s *testServer, ev *tenant.Tenant) storefront.Catalogue {
	t.Helper()
	ctx := context.Background()
	ten := 10
	for _, p := range []storefront.Product{
		{Name: storefront.Text{"en": "Hoodie", "de": "Kapuzenpulli"}, Visible: true, PriceMinor: 3500,
			Variants: []storefront.Variant{{Label: storefront.Text{"en": "S"}, Stock: &ten}, {Label: storefront.Text{"en": "M"}, Stock: &ten, Position: 1}}},
		{Name: storefront.Text{"en": "Cap", "de": "Mütze"}, Visible: true, PriceMinor: 1200, Position: 1,
			Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size"}}}},
	} {
		if _, err := s.db.AddProduct(ctx, ev.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.db.AddFormField(ctx, ev.ID, form.Field{Key: "print", Scope: form.ScopeItem, Type: form.TypeText,
		Label: map[string]string{"en": "Name to print", "de": "Aufdruck"}}); err != nil {
		t.Fatal(err)
	}
	cat, err := s.db.Catalogue(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func line(cat storefront.Catalogue, product, variant string, qty int, print string) storefront.Line {
	for _, p := range cat.Products {
		for _, v := range p.Variants {
			if p.Name["en"] == product && v.Label["en"] == variant {
				return storefront.Line{ProductID: p.ID, VariantID: v.ID, Quantity: qty, Answers: map[string]any{"print": print}}
			}
		}
	}
	panic("no " + product + " " + variant)
}

func order(email, name, locale string, lines ...storefront.Line) storefront.OrderRequest {
	return storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: email, Name: name, Locale: locale, Lines: lines}
}

// messagesTo are the received messages addressed to rcpt.
func messagesTo(t *testing.T, srv *smtptest.Server, rcpt string) []smtptest.Parsed {
	t.Helper()
	return srv.To(t, rcpt)
}

func waitForMail(t *testing.T, srv *smtptest.Server, rcpt string, n int) []smtptest.Parsed {
	t.Helper()
	var got []smtptest.Parsed
	waitFor(t, 20*time.Second, func() bool {
		got = messagesTo(t, srv, rcpt)
		return len(got) >= n
	})
	return got
}

var statusLink = regexp.MustCompile(`https://devcon\.shop\.test(/orders/[A-Z0-9-]+\?sig=[A-Za-z0-9_-]+)`)

// TestEmailsThroughSMTP checks what attendees and suppliers receive from a
// real SMTP server: the confirmation in the attendee's language and the
// event's branding with a working status link, a status change, a
// per-order supplier email with only that supplier's lines, and a batch
// whose CSV and XLSX are checked cell by cell.
func TestEmailsThroughSMTP(t *testing.T) {
	s, srv := mailServer(t)
	ctx := context.Background()
	ev := s.event("devcon", tenant.StatusActive, blue)
	cat := stockEvent(t, s, ev)
	hoodieM := line(cat, "Hoodie", "M", 2, "=SUM(A1)")
	hoodieS := line(cat, "Hoodie", "S", 1, "Jürgen 東京")
	hoodieID := hoodieM.ProductID
	var hoodieMID uuid.UUID = hoodieM.VariantID

	perOrder, err := s.db.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "Acme Print", Emails: []string{"orders@acme.example"},
		Mode: suppliers.ModePerOrder, VariantIDs: []uuid.UUID{hoodieMID}})
	if err != nil {
		t.Fatal(err)
	}
	_ = perOrder
	batch, err := s.db.SaveSupplier(ctx, ev.ID, suppliers.Supplier{Name: "Stitch & Co", Emails: []string{"batch@stitch.example", "boss@stitch.example"},
		Mode: suppliers.ModeBatch, ProductIDs: []uuid.UUID{hoodieID}})
	if err != nil {
		t.Fatal(err)
	}

	settings, _ := s.db.Settings(ctx, ev.ID)
	settings.ReplyTo = "team@devcon.example"
	if err := s.db.SaveSettings(ctx, ev.ID, settings); err != nil {
		t.Fatal(err)
	}
	o, err := s.db.PlaceOrder(ctx, ev.ID, order("jana@example.com", "Jana Jürgens", "de", hoodieM, line(cat, "Cap", "One size", 1, "")))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the confirmation is in the attendee's language, branded, with a working status link", func(t *testing.T) {
		m := waitForMail(t, srv, "jana@example.com", 1)[0]
		if !strings.Contains(m.Subject, o.Number) || !strings.Contains(m.Subject, "Bestellung") {
			t.Errorf("subject %q", m.Subject)
		}
		if m.From.Name != ev.Name || m.From.Address != "shop@"+testBase {
			t.Errorf("from %v", m.From)
		}
		if len(m.ReplyTo) != 1 || m.ReplyTo[0].Address != "team@devcon.example" {
			t.Errorf("reply-to %v, want the event's address", m.ReplyTo)
		}
		for _, want := range []string{o.Number, "Kapuzenpulli", "Mütze", "82,00", "Aufdruck"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the text part lacks %q:\n%s", want, m.Text)
			}
		}
		if !strings.Contains(strings.ToLower(m.HTML), blue.Primary) {
			t.Errorf("the HTML part does not carry the event's colour %s", blue.Primary)
		}
		link := statusLink.FindStringSubmatch(m.Text)
		if link == nil {
			t.Fatalf("no status link in:\n%s", m.Text)
		}
		page := s.get("devcon.shop.test", link[1])
		if page.status != 200 || !strings.Contains(page.body, o.Number) {
			t.Fatalf("the status link answers %d", page.status)
		}
	})
	t.Run("a status change sends one email with its note", func(t *testing.T) {
		if _, err := s.db.ChangeOrderStatus(ctx, ev.ID, o.Number, storefront.StatusDispatched, "DHL 00340434", uuid.Nil); err != nil {
			t.Fatal(err)
		}
		got := waitForMail(t, srv, "jana@example.com", 2)
		m := got[1]
		if !strings.Contains(m.Text, "DHL 00340434") || m.Header.Get("X-Marquee-Kind") != "status_dispatched" {
			t.Fatalf("dispatch email %q:\n%s", m.Subject, m.Text)
		}
		time.Sleep(500 * time.Millisecond)
		if n := len(messagesTo(t, srv, "jana@example.com")); n != 2 {
			t.Fatalf("%d emails to the attendee, want exactly 2", n)
		}
	})
	t.Run("the per-order supplier gets only its lines and no contact details", func(t *testing.T) {
		m := waitForMail(t, srv, "orders@acme.example", 1)[0]
		if !strings.Contains(m.Text, o.Number) || !strings.Contains(m.Text, "=SUM(A1)") {
			t.Errorf("supplier email:\n%s", m.Text)
		}
		for _, leak := range []string{"jana@example.com", "Cap", "Mütze", "One size"} {
			if strings.Contains(m.Text, leak) || strings.Contains(m.HTML, leak) {
				t.Errorf("the supplier email shows %q", leak)
			}
		}
		if n := len(messagesTo(t, srv, "batch@stitch.example")); n != 0 {
			t.Errorf("the batch supplier got %d emails per order", n)
		}
	})
	t.Run("a batch carries a CSV and an XLSX of all the supplier's lines", func(t *testing.T) {
		if _, err := s.db.PlaceOrder(ctx, ev.ID, order("ken@example.com", "Ken 東京", "en", hoodieS, line(cat, "Hoodie", "M", 1, "+1"))); err != nil {
			t.Fatal(err)
		}
		if err := s.db.SendBatchNow(ctx, ev.ID, batch); err != nil {
			t.Fatal(err)
		}
		got := waitForMail(t, srv, "batch@stitch.example", 1)
		m := got[0]
		if len(m.To) != 2 || len(m.Attachments) != 2 {
			t.Fatalf("batch to %v with %d attachments", m.To, len(m.Attachments))
		}
		var csv, xlsx []byte
		for _, a := range m.Attachments {
			switch {
			case strings.HasSuffix(a.Name, ".csv"):
				csv = a.Data
			case strings.HasSuffix(a.Name, ".xlsx"):
				xlsx = a.Data
			}
		}
		if !bytes.HasPrefix(csv, []byte("\ufeff")) || !strings.Contains(string(csv), "'=SUM(A1)") || !strings.Contains(string(csv), "Jürgen 東京") ||
			!strings.Contains(string(csv), "'+1") {
			t.Errorf("CSV:\n%s", csv)
		}
		f, err := excelize.OpenReader(bytes.NewReader(xlsx))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(suppliers.SheetLines)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 { // header, Hoodie M ×2 (Jana), Hoodie S and M (Ken)
			t.Fatalf("%d rows on the lines sheet: %v", len(rows), rows)
		}
		cells := strings.Join(flatten(rows), "|")
		for _, want := range []string{"'=SUM(A1)", "Jürgen 東京", "'+1", o.Number} {
			if !strings.Contains(cells, want) {
				t.Errorf("the XLSX lacks %q: %s", want, cells)
			}
		}
		for _, row := range rows {
			for _, c := range row {
				if strings.HasPrefix(c, "=") {
					t.Errorf("a cell starts with '=': %q", c)
				}
			}
		}
		matrix, err := f.GetRows(suppliers.SheetMatrix)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(flatten(matrix), "|"); !strings.Contains(got, "Hoodie|1|3|4") && !strings.Contains(got, "Hoodie|3|1|4") {
			t.Errorf("size matrix %v", matrix)
		}
		// The batch is recorded right after the server accepted it.
		waitFor(t, 5*time.Second, func() bool {
			batches, _ := s.db.SupplierBatches(ctx, ev.ID)
			return len(batches) == 1 && batches[0].Lines == 3
		})
	})
	t.Run("a batch supplier without a send time gets the list when the event ends", func(t *testing.T) {
		if _, err := s.platform.provision.Archive(ctx, "devcon"); err != nil {
			t.Fatal(err)
		}
		waitForMail(t, srv, "batch@stitch.example", 2)
		if n := len(messagesTo(t, srv, "orders@acme.example")); n != 2 {
			t.Errorf("the per-order supplier got %d emails, want its 2 orders only", n)
		}
	})
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// TestOrdersOutliveAMailServerOutage: with the SMTP server down orders are
// accepted as usual and nothing is lost; once it is back every attendee
// gets exactly one confirmation.
func TestOrdersOutliveAMailServerOutage(t *testing.T) {
	s, srv := mailServer(t)
	ctx := context.Background()
	ev := s.event("devcon", tenant.StatusActive, blue)
	cat := stockEvent(t, s, ev)
	srv.Stop()
	const n = 20
	numbers := map[string]bool{}
	for i := range n {
		o, err := s.db.PlaceOrder(ctx, ev.ID, order(string(rune('a'+i))+"@example.com", "A", "en", line(cat, "Cap", "One size", 1, "")))
		if err != nil {
			t.Fatalf("order %d with the mail server down: %v", i, err)
		}
		numbers[o.Number] = true
	}
	time.Sleep(time.Second) // workers try, and fail, meanwhile
	if got := len(srv.Messages()); got != 0 {
		t.Fatalf("%d messages while the server was down", got)
	}
	srv.Restart(t)
	seen := map[string]int{}
	waitFor(t, 30*time.Second, func() bool {
		clear(seen)
		for _, m := range srv.Messages() {
			p := m.Parse(t)
			if p.Header.Get("X-Marquee-Kind") == "order_confirmation" {
				for num := range numbers {
					if strings.Contains(p.Subject, num) {
						seen[num]++
					}
				}
			}
		}
		return len(seen) == n
	})
	time.Sleep(500 * time.Millisecond)
	for num := range numbers {
		if seen[num] != 1 {
			t.Errorf("order %s: %d confirmations, want 1", num, seen[num])
		}
	}
}
