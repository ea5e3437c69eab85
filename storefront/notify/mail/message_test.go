package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"marquee/storefront/notify"
	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/mail/smtptest"
)

func TestSendComposesTheMessage(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
	xlsx := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0, 0xff, 0x80, '\r', '\n', '='}, 200)...)
	csv := []byte("Bestellung;Größe;Menge\r\n1042;M;2\r\n1043;XL;1\r\n")
	text := "Hallo Jürgen,\n\nIhre Bestellung #1042 ist bestätigt: 2 × T-Shirt, Größe M = 49,00 €.\n" +
		strings.Repeat("Eine sehr lange Zeile, die umbrochen werden muss. ", 5) + "\n-- \nDevCon 2027\n"
	html := `<!doctype html><html><body><p style="color:#333">Hallo Jürgen,</p>` +
		`<p>Ihre Bestellung <b>#1042</b> ist bestätigt – Größe M.</p></body></html>`
	m := notify.Message{
		FromName:    "Straßenfest Köln „2027“",
		FromAddress: "noreply@marquee.test",
		ReplyTo:     "kontakt@strassenfest.example",
		To:          []string{"juergen@example.com"},
		Subject:     "Bestellung bestätigt – Größe M",
		HTML:        html,
		Text:        text,
		Attachments: []notify.Attachment{
			{Name: "strassenfest-acme.csv", ContentType: "text/csv", Data: csv},
			{Name: "strassenfest-acme.xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: xlsx},
		},
		Headers: map[string]string{"X-Marquee-Kind": string(notify.KindSupplierBatch)},
	}

	id := mustSend(t, config(t, srv), m)

	got := srv.Wait(t, 1, waitFor)[0].Parse(t)
	check := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	check("Subject", got.Subject, m.Subject)
	check("From name", got.From.Name, m.FromName)
	check("From address", got.From.Address, m.FromAddress)
	if len(got.To) != 1 || got.To[0].Address != "juergen@example.com" {
		t.Errorf("To = %v, want juergen@example.com", got.To)
	}
	if len(got.ReplyTo) != 1 || got.ReplyTo[0].Address != m.ReplyTo {
		t.Errorf("Reply-To = %v, want %s", got.ReplyTo, m.ReplyTo)
	}
	check("text part", got.Text, text)
	check("HTML part", got.HTML, html)
	check("X-Marquee-Kind", got.Header.Get("X-Marquee-Kind"), "supplier_batch")
	check("Message-ID", got.MessageID, id)
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@marquee.test>") {
		t.Errorf("Message-ID %q, want <random@marquee.test>", id)
	}
	if date, err := got.Header.Date(); err != nil || time.Since(date) > time.Minute {
		t.Errorf("Date = %v (%v), want about now", date, err)
	}
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/mixed") {
		t.Errorf("Content-Type = %q, want multipart/mixed around the alternative parts", ct)
	}
	if len(got.Attachments) != len(m.Attachments) {
		t.Fatalf("got %d attachments, want %d", len(got.Attachments), len(m.Attachments))
	}
	for i, want := range m.Attachments {
		a := got.Attachments[i]
		check("attachment name", a.Name, want.Name)
		check("attachment content type", a.ContentType, want.ContentType)
		if !bytes.Equal(a.Data, want.Data) {
			t.Errorf("attachment %s: %d bytes differ from the %d sent", want.Name, len(a.Data), len(want.Data))
		}
	}
	if raw := string(srv.Messages()[0].Data); strings.Contains(raw, "go-mail") {
		t.Errorf("message names the mail library:\n%s", raw)
	}
}

func TestSendMessageIDsAreUnique(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
	cfg := config(t, srv)
	first, second := mustSend(t, cfg, message()), mustSend(t, cfg, message())
	if first == second {
		t.Errorf("two sends share Message-ID %s", first)
	}
}

func TestSendTextOnly(t *testing.T) {
	for _, text := range []string{"Thank you.", "Thank you.\n\nDevCon 2027"} {
		t.Run(fmt.Sprintf("%q", text), func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
			m := message()
			m.HTML, m.Text = "", text
			mustSend(t, config(t, srv), m)
			got := srv.Wait(t, 1, waitFor)[0].Parse(t)
			if got.Text != text || got.HTML != "" {
				t.Errorf("text %q, HTML %q; want only the text part %q", got.Text, got.HTML, text)
			}
		})
	}
}

func TestSendValidatesBeforeConnecting(t *testing.T) {
	tests := []struct {
		name   string
		change func(*notify.Message)
		want   string
	}{
		{"no recipient", func(m *notify.Message) { m.To = nil }, "no recipient"},
		{"no from address", func(m *notify.Message) { m.FromAddress = "" }, "no from address"},
		{"no subject", func(m *notify.Message) { m.Subject = " " }, "no subject"},
		{"no text part", func(m *notify.Message) { m.Text = "" }, "no text part"},
		{"malformed recipient", func(m *notify.Message) { m.To = []string{"ada@"} }, `recipient "ada@"`},
		{"malformed from address", func(m *notify.Message) { m.FromAddress = "noreply" }, `from address "noreply"`},
		{"from address with a name", func(m *notify.Message) { m.FromAddress = "X <noreply@marquee.test>" }, "bare address"},
		{"malformed reply-to", func(m *notify.Message) { m.ReplyTo = "contact at example" }, "reply-to"},
		{"attachment without a name", func(m *notify.Message) { m.Attachments = []notify.Attachment{{Data: []byte("x")}} }, "attachment 1 has no name"},
		{"inline part with a bracketed content ID", func(m *notify.Message) {
			m.Attachments = []notify.Attachment{{Name: "qr.png", Data: []byte("x"), ContentID: "<qr>"}}
		}, "content ID"},
		{"extra header replacing Subject", func(m *notify.Message) { m.Headers = map[string]string{"subject": "x"} }, `header "subject" is set by the sender`},
		{"extra header replacing Message-ID", func(m *notify.Message) { m.Headers = map[string]string{"Message-ID": "<x@y>"} }, `header "Message-ID"`},
		{"extra header with a malformed name", func(m *notify.Message) { m.Headers = map[string]string{"X-Bad: y\r\nBcc": "z"} }, "is not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			silent := smtptest.StartSilent(t)
			cfg := mail.Config{Host: silent.Host(), Port: silent.Port()}
			m := message()
			tt.change(&m)
			_, err := mail.New(cfg).Send(context.Background(), m)
			if !errors.Is(err, mail.ErrInvalidMessage) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want ErrInvalidMessage with %q", err, tt.want)
			}
			if !mail.Permanent(err) {
				t.Errorf("Permanent(%v) = false, want true: the same message fails again", err)
			}
			time.Sleep(20 * time.Millisecond) // let a connection, had there been one, be accepted
			if n := silent.Accepted(); n != 0 {
				t.Errorf("connected %d times, want none", n)
			}
		})
	}
}
