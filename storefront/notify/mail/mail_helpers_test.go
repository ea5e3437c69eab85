package mail_test

import (
	"context"
	"testing"
	"time"

	"marquee/storefront/notify"
	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/mail/smtptest"
)

const (
	testUser     = "marquee"
	testPassword = "s3cret:p@ss/w?rd"
	waitFor      = 5 * time.Second
)

// config points at srv with its credentials and trusts its certificate.
func config(t *testing.T, srv *smtptest.Server) mail.Config {
	t.Helper()
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", srv.URL(), err)
	}
	cfg.RootCAs = srv.CertPool()
	cfg.Timeout = 5 * time.Second
	return cfg
}

// message is a valid message; change what a test is about.
func message() notify.Message {
	return notify.Message{
		FromName:    "DevCon 2027",
		FromAddress: "noreply@marquee.test",
		To:          []string{"ada@example.com"},
		Subject:     "Your order",
		HTML:        "<p>Thank you.</p>",
		Text:        "Thank you.",
	}
}

func send(t *testing.T, cfg mail.Config, m notify.Message) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return mail.New(cfg).Send(ctx, m)
}

func mustSend(t *testing.T, cfg mail.Config, m notify.Message) string {
	t.Helper()
	id, err := send(t, cfg, m)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	return id
}

// assertFailed checks that Send failed and how Permanent classifies it.
func assertFailed(t *testing.T, err error, wantPermanent bool) {
	t.Helper()
	if err == nil {
		t.Fatal("Send succeeded, want an error")
	}
	if got := mail.Permanent(err); got != wantPermanent {
		t.Errorf("Permanent(%v) = %v, want %v", err, got, wantPermanent)
	}
}

// assertNothingReceived checks that the server accepted no message.
func assertNothingReceived(t *testing.T, srv *smtptest.Server) {
	t.Helper()
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server accepted %d messages, want none", n)
	}
}
