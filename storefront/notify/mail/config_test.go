package mail_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"marquee/storefront/notify/mail"
)

func TestSendRejectsAnInvalidConfig(t *testing.T) {
	_, err := mail.New(mail.Config{Port: 587}).Send(context.Background(), message())
	if err == nil || !strings.Contains(err.Error(), "host is missing") {
		t.Errorf("error %v, want host is missing", err)
	}
	if mail.Permanent(err) {
		t.Errorf("a config error is permanent; it should be retried once the config is fixed")
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
