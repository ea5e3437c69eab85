package mail_test

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/mail/smtptest"
)

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

// cancelledOnceTaken is a context cancelled as soon as srv has taken a
// message: while a SlowAccept server holds its 250 for it.
func cancelledOnceTaken(t *testing.T, srv *smtptest.Server) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	go func() {
		for len(srv.Messages()) == 0 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	return ctx
}

// A job stopped while the server is answering its message must not take
// the message for failed: it would be sent a second time on retry.
func TestAMessageUnderWayFinishesWhenTheContextEnds(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
	srv.SlowAccept(time.Second)
	ctx := cancelledOnceTaken(t, srv)

	start := time.Now()
	id, err := mail.New(config(t, srv)).Send(ctx, message())
	elapsed := time.Since(start)

	if err != nil {
		t.Fatalf("Send: %v; want the message the server took reported as sent", err)
	}
	if id == "" {
		t.Error("Send returned no Message-ID")
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server received %d messages, want 1", n)
	}
	if elapsed > mail.CancelGrace {
		t.Errorf("Send returned after %v, want within the %v grace", elapsed, mail.CancelGrace)
	}
}

// Past the grace, a server that never answers no longer holds the job.
func TestAMessageUnderWayIsCutOffAfterTheGrace(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
	srv.SlowAccept(mail.CancelGrace + 3*time.Second)
	cfg := config(t, srv)
	cfg.Timeout = time.Minute
	ctx := cancelledOnceTaken(t, srv)

	start := time.Now()
	_, err := mail.New(cfg).Send(ctx, message())
	elapsed := time.Since(start)

	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if elapsed < mail.CancelGrace || elapsed > mail.CancelGrace+2*time.Second {
		t.Errorf("Send returned after %v, want about the %v grace", elapsed, mail.CancelGrace)
	}
}
