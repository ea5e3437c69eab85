package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
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

func TestSendFailures(t *testing.T) {
	t.Run("STARTTLS required but not offered fails without sending", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.Plain})
		cfg := config(t, srv)
		cfg.TLS = mail.StartTLSRequired
		_, err := send(t, cfg, message())
		assertFailed(t, err, false)
		assertNothingReceived(t, srv)
	})
	t.Run("an untrusted certificate fails", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
		cfg := config(t, srv)
		cfg.RootCAs = nil
		_, err := send(t, cfg, message())
		assertFailed(t, err, false)
		assertNothingReceived(t, srv)
	})
	t.Run("wrong password is a permanent 535 and never shows the password", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{Username: testUser, Password: testPassword, TLS: smtptest.StartTLS})
		cfg := config(t, srv)
		cfg.Password = "wrong-Passw0rd"
		_, err := send(t, cfg, message())
		assertFailed(t, err, true)
		var protoErr *textproto.Error
		if !errors.As(err, &protoErr) || protoErr.Code != 535 {
			t.Errorf("error %v, want a 535 reply", err)
		}
		if strings.Contains(err.Error(), "wrong-Passw0rd") {
			t.Errorf("error shows the password: %v", err)
		}
		assertNothingReceived(t, srv)
	})
	t.Run("a server that is down is a temporary failure, and sending works once it is back", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
		cfg := config(t, srv)
		srv.Stop()
		_, err := send(t, cfg, message())
		assertFailed(t, err, false)

		srv.Restart(t)
		mustSend(t, cfg, message())
		srv.Wait(t, 1, waitFor)
	})
	t.Run("a connection lost after the server accepted the message is a success, so the job does not send it twice", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
		srv.HangUpAfterAccept(true)
		id := mustSend(t, config(t, srv), message())
		if got := srv.Wait(t, 1, waitFor)[0].Parse(t).MessageID; got != id {
			t.Errorf("received Message-ID %s, Send returned %s", got, id)
		}
	})
}

func TestSendRejections(t *testing.T) {
	tests := []struct {
		name          string
		stage         smtptest.Stage
		code          int
		wantPermanent bool
	}{
		{"sender refused with 550 is permanent", smtptest.StageMail, 550, true},
		{"sender deferred with 451 is temporary", smtptest.StageMail, 451, false},
		{"recipient refused with 550 is permanent", smtptest.StageRcpt, 550, true},
		{"recipient greylisted with 451 is temporary", smtptest.StageRcpt, 451, false},
		{"message refused after data with 554 is permanent", smtptest.StageData, 554, true},
		{"message deferred after data with 452 is temporary", smtptest.StageData, 452, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
			srv.Reject(tt.stage, tt.code)
			_, err := send(t, config(t, srv), message())
			assertFailed(t, err, tt.wantPermanent)
			if !strings.Contains(err.Error(), fmt.Sprint(tt.code)) {
				t.Errorf("error %q does not name the reply code %d", err, tt.code)
			}
			assertNothingReceived(t, srv)

			srv.AcceptAll()
			mustSend(t, config(t, srv), message())
		})
	}

	t.Run("one refused recipient fails the whole message permanently", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
		srv.RejectRecipient("gone@example.com", 550)
		m := message()
		m.To = []string{"ada@example.com", "gone@example.com"}
		_, err := send(t, config(t, srv), m)
		assertFailed(t, err, true)
		if !strings.Contains(err.Error(), "gone@example.com") {
			t.Errorf("error %q does not name the refused recipient", err)
		}
		assertNothingReceived(t, srv)
	})
}

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

func TestSendStopsWhenTheContextEnds(t *testing.T) {
	silent := smtptest.StartSilent(t)
	cfg := mail.Config{Host: silent.Host(), Port: silent.Port(), TLS: mail.StartTLSRequired, Timeout: time.Minute}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()

	start := time.Now()
	_, err := mail.New(cfg).Send(ctx, message())
	elapsed := time.Since(start)

	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want context.DeadlineExceeded", err)
	}
	if mail.Permanent(err) {
		t.Errorf("Permanent(%v) = true, want false", err)
	}
	if elapsed > 2*time.Second {
		t.Errorf("Send returned after %v, want soon after the 300ms deadline", elapsed)
	}
	if silent.Accepted() != 1 {
		t.Errorf("server accepted %d connections, want 1", silent.Accepted())
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

func TestSendRejectsAnInvalidConfig(t *testing.T) {
	_, err := mail.New(mail.Config{Port: 587}).Send(context.Background(), message())
	if err == nil || !strings.Contains(err.Error(), "host is missing") {
		t.Errorf("error %v, want host is missing", err)
	}
	if mail.Permanent(err) {
		t.Errorf("a config error is permanent; it should be retried once the config is fixed")
	}
}

func TestPermanent(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"no error", nil, false},
		{"a 5xx reply", fmt.Errorf("wrapped: %w", &textproto.Error{Code: 550, Msg: "no such user"}), true},
		{"a 4xx reply", &textproto.Error{Code: 421, Msg: "closing"}, false},
		{"a network error", errors.New("dial tcp: connection refused"), false},
		{"a cancelled context", context.Canceled, false},
		{"an expired context after a reply", errors.Join(context.DeadlineExceeded, &textproto.Error{Code: 554}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mail.Permanent(tt.err); got != tt.want {
				t.Errorf("Permanent(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestConfigStringHidesThePassword(t *testing.T) {
	cfg := mail.Config{Host: "smtp.example.com", Port: 465, TLS: mail.ImplicitTLS, Username: "ada", Password: "hunter2"}
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg)} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("%q shows the password", s)
		}
	}
	if want := "ada@smtp.example.com:465 (implicit TLS)"; cfg.String() != want {
		t.Errorf("String() = %q, want %q", cfg.String(), want)
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want mail.Config
	}{
		{"smtp defaults to port 587 and requires STARTTLS", "smtp://smtp.example.com",
			mail.Config{Host: "smtp.example.com", Port: 587, TLS: mail.StartTLSRequired}},
		{"smtps defaults to port 465 with implicit TLS", "smtps://smtp.example.com",
			mail.Config{Host: "smtp.example.com", Port: 465, TLS: mail.ImplicitTLS}},
		{"user, password and port", "smtp://ada:hunter2@smtp.example.com:2525",
			mail.Config{Host: "smtp.example.com", Port: 2525, TLS: mail.StartTLSRequired, Username: "ada", Password: "hunter2"}},
		{"user and password are percent-decoded", "smtps://ada%40example.com:p%3Ass%2Fw%3F%23%25+@smtp.example.com:465",
			mail.Config{Host: "smtp.example.com", Port: 465, TLS: mail.ImplicitTLS, Username: "ada@example.com", Password: "p:ss/w?#%+"}},
		{"an unescaped @ and : in the password", "smtp://ada:p@ss:w@smtp.example.com",
			mail.Config{Host: "smtp.example.com", Port: 587, TLS: mail.StartTLSRequired, Username: "ada", Password: "p@ss:w"}},
		{"starttls=required", "smtp://smtp.example.com?starttls=required",
			mail.Config{Host: "smtp.example.com", Port: 587, TLS: mail.StartTLSRequired}},
		{"starttls=optional", "smtp://smtp.example.com:587?starttls=optional",
			mail.Config{Host: "smtp.example.com", Port: 587, TLS: mail.StartTLSOptional}},
		{"starttls=none for a local relay", "smtp://127.0.0.1:25/?starttls=none",
			mail.Config{Host: "127.0.0.1", Port: 25, TLS: mail.NoTLS}},
		{"scheme in capitals", "SMTPS://smtp.example.com",
			mail.Config{Host: "smtp.example.com", Port: 465, TLS: mail.ImplicitTLS}},
		{"an IPv6 host with a port", "smtp://[::1]:2525",
			mail.Config{Host: "::1", Port: 2525, TLS: mail.StartTLSRequired}},
		{"an IPv6 host without a port", "smtp://[::1]",
			mail.Config{Host: "::1", Port: 587, TLS: mail.StartTLSRequired}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mail.ParseURL(tt.raw)
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("ParseURL(%q) = %#v, want %#v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string
	}{
		{"empty", "", "SMTP_URL is empty"},
		{"no scheme", "smtp.example.com:587", `SMTP_URL: missing "smtp://" or "smtps://" at the start`},
		{"another scheme", "https://smtp.example.com", `SMTP_URL: scheme "https" is not smtp or smtps`},
		{"port not a number", "smtp://smtp.example.com:x", `SMTP_URL: port "x" is not a number`},
		{"signed port", "smtp://smtp.example.com:+25", `SMTP_URL: port "+25" is not a number`},
		{"port zero", "smtp://smtp.example.com:0", "SMTP_URL: port 0 is out of range 1-65535"},
		{"port too large", "smtp://smtp.example.com:65536", "SMTP_URL: port 65536 is out of range 1-65535"},
		{"empty port", "smtp://smtp.example.com:", `SMTP_URL: port is empty after ":"`},
		{"no host", "smtp://ada:hunter2@:587", "SMTP_URL: host is missing"},
		{"nothing after the scheme", "smtp://", "SMTP_URL: host is missing"},
		{"host with a space", "smtp://smtp example.com", `SMTP_URL: host "smtp example.com" contains characters a host name cannot have`},
		{"IPv6 without brackets", "smtp://::1:25", `SMTP_URL: host "::1": put an IPv6 address in brackets`},
		{"IPv6 without closing bracket", "smtp://[::1:25", `SMTP_URL: host "[::1:25" is missing its closing "]"`},
		{"not IPv6 in brackets", "smtp://[example.com]:25", "SMTP_URL: host [example.com] is not an IPv6 address"},
		{"junk after brackets", "smtp://[::1]x", `SMTP_URL: unexpected "x" after host [::1]`},
		{"user without password", "smtp://ada@smtp.example.com", `SMTP_URL: user "ada" has no password`},
		{"user with empty password", "smtp://ada:@smtp.example.com", `SMTP_URL: user "ada" has no password`},
		{"password without user", "smtp://:hunter2@smtp.example.com", "SMTP_URL: password given without a user name"},
		{"@ without user", "smtp://@smtp.example.com", `SMTP_URL: "@" without a user name`},
		{"bad escape in password", "smtp://ada:hunter%zz@smtp.example.com", "SMTP_URL: password has an invalid %-escape"},
		{"bad escape in user", "smtp://ad%a:hunter2@smtp.example.com", "SMTP_URL: user name has an invalid %-escape"},
		{"unescaped / in password", "smtp://ada:hun/ter2@smtp.example.com", `SMTP_URL: "@" after the host: percent-encode "/", "?" and "#" in the user name or password (%2F, %3F, %23)`},
		{"unescaped ? in password", "smtp://ada:hunter?2@smtp.example.com:x", `SMTP_URL: "@" after the host`},
		{"unescaped # in password", "smtp://ada:hun#ter2@smtp.example.com", `SMTP_URL: "@" after the host`},
		{"a path", "smtp://smtp.example.com/mail", `SMTP_URL: path "/mail" is not allowed`},
		{"a fragment", "smtp://smtp.example.com#x", `SMTP_URL: fragment "#x" is not allowed`},
		{"from is not transport", "smtp://ada:hunter2@smtp.example.com?from=noreply@example.com", `SMTP_URL: parameter "from" is not supported: set the sender address separately (SMTP_FROM)`},
		{"from without @", "smtp://smtp.example.com?from=noreply", `SMTP_URL: parameter "from" is not supported`},
		{"unknown parameter", "smtp://smtp.example.com?tls=yes", `SMTP_URL: unknown parameter "tls" (only "starttls" is known)`},
		{"unknown starttls mode", "smtp://smtp.example.com?starttls=yes", `SMTP_URL: starttls "yes" is not "required", "optional" or "none"`},
		{"starttls twice", "smtp://smtp.example.com?starttls=none&starttls=required", `SMTP_URL: parameter "starttls" is given more than once`},
		{"starttls on smtps", "smtps://smtp.example.com?starttls=none", `SMTP_URL: "starttls" applies to smtp:// only; smtps:// always uses implicit TLS`},
		{"malformed query", "smtp://smtp.example.com?starttls=%zz", `SMTP_URL: query "starttls=%zz" is not valid`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mail.ParseURL(tt.raw)
			if err == nil {
				t.Fatalf("ParseURL(%q) succeeded, want error %q", tt.raw, tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("ParseURL(%q) error\n got %q\nwant %q", tt.raw, err, tt.want)
			}
			for _, secret := range []string{"hunter", "ter2"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows the password", err)
				}
			}
		})
	}
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
