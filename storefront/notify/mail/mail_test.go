package mail_test

import (
	"testing"

	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/mail/smtptest"
)

func TestSendTransports(t *testing.T) {
	tests := []struct {
		name    string
		tls     smtptest.TLSMode
		wantTLS bool
	}{
		{"plain text with AUTH PLAIN to a local relay", smtptest.Plain, false},
		{"STARTTLS required, trusting the server's certificate", smtptest.StartTLS, true},
		{"implicit TLS on smtps", smtptest.ImplicitTLS, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.Options{Username: testUser, Password: testPassword, TLS: tt.tls})
			cfg := config(t, srv)
			cfg.HELO = "sender.marquee.test"

			mustSend(t, cfg, message())

			got := srv.Wait(t, 1, waitFor)[0]
			if got.TLS != tt.wantTLS {
				t.Errorf("received over TLS = %v, want %v", got.TLS, tt.wantTLS)
			}
			if got.User != testUser {
				t.Errorf("authenticated user = %q, want %q", got.User, testUser)
			}
			if got.From != "noreply@marquee.test" || len(got.To) != 1 || got.To[0] != "ada@example.com" {
				t.Errorf("envelope = %q -> %q, want noreply@marquee.test -> [ada@example.com]", got.From, got.To)
			}
			if got.HELO != "sender.marquee.test" {
				t.Errorf("HELO = %q, want the configured name", got.HELO)
			}
		})
	}
}

func TestSendOptionalStartTLS(t *testing.T) {
	tests := []struct {
		name    string
		tls     smtptest.TLSMode
		wantTLS bool
	}{
		{"upgrades when the server offers STARTTLS", smtptest.StartTLS, true},
		{"goes on in plain text when it does not", smtptest.Plain, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.Options{TLS: tt.tls})
			cfg := config(t, srv)
			cfg.TLS = mail.StartTLSOptional
			mustSend(t, cfg, message())
			if got := srv.Wait(t, 1, waitFor)[0]; got.TLS != tt.wantTLS {
				t.Errorf("received over TLS = %v, want %v", got.TLS, tt.wantTLS)
			}
		})
	}
}

func TestSendWithoutAuth(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
	mustSend(t, config(t, srv), message())
	if got := srv.Wait(t, 1, waitFor)[0]; got.User != "" || !got.TLS {
		t.Errorf("user %q, TLS %v; want no AUTH over STARTTLS", got.User, got.TLS)
	}
}
