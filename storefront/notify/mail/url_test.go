package mail_test

import (
	"strings"
	"testing"

	"marquee/storefront/notify/mail"
)

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
