package mail_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/mail/smtptest"
)

// sendWith sends m with one Sender that the test keeps (and closes).
func sendWith(t *testing.T, s *mail.Sender, to string) error {
	t.Helper()
	m := message()
	m.To = []string{to}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := s.Send(ctx, m)
	return err
}

func newSender(t *testing.T, srv *smtptest.Server) *mail.Sender {
	t.Helper()
	s := mail.New(config(t, srv))
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func assertSessions(t *testing.T, srv *smtptest.Server, want int) {
	t.Helper()
	if got := srv.Sessions(); got != want {
		t.Errorf("%d SMTP sessions, want %d", got, want)
	}
}

func TestSendKeepsTheConnection(t *testing.T) {
	for _, tlsMode := range []smtptest.TLSMode{smtptest.StartTLS, smtptest.ImplicitTLS, smtptest.Plain} {
		srv := smtptest.Start(t, smtptest.Options{Username: testUser, Password: testPassword, TLS: tlsMode})
		s := newSender(t, srv)
		for i := range 5 {
			if err := sendWith(t, s, "ada@example.com"); err != nil {
				t.Fatalf("send %d: %v", i+1, err)
			}
		}
		if got := len(srv.Wait(t, 5, waitFor)); got != 5 {
			t.Errorf("%d messages received, want 5", got)
		}
		assertSessions(t, srv, 1)
		// A message on a kept connection is MAIL, RCPT and DATA: three
		// round trips and the data's, with no NOOP before it nor RSET
		// after (against a relay 30 ms away, 60 ms a message saved).
		cmds := srv.Commands()
		for verb, want := range map[string]int{"MAIL": 5, "RCPT": 5, "DATA": 5, "NOOP": 0, "RSET": 0} {
			if cmds[verb] != want {
				t.Errorf("TLS mode %d: the server saw %d %s commands for 5 messages, want %d (all: %v)", tlsMode, cmds[verb], verb, want, cmds)
			}
		}
	}
}

func TestSendConcurrentlyOpensOneConnectionPerSender(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS, Username: testUser, Password: testPassword})
	s := newSender(t, srv)
	const workers, rounds = 4, 5
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range rounds {
				if err := sendWith(t, s, "ada@example.com"); err != nil {
					t.Errorf("send: %v", err)
				}
			}
		})
	}
	wg.Wait()
	srv.Wait(t, workers*rounds, waitFor)
	if got := srv.Sessions(); got > workers {
		t.Errorf("%d SMTP sessions for %d concurrent senders, want at most %d", got, workers, workers)
	}
}

func TestSendReconnects(t *testing.T) {
	t.Run("the server restarted while the connection was idle: the next message goes on a new one", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS, Username: testUser, Password: testPassword})
		s := newSender(t, srv)
		if err := sendWith(t, s, "ada@example.com"); err != nil {
			t.Fatal(err)
		}
		srv.Restart(t)
		if err := sendWith(t, s, "bob@example.com"); err != nil {
			t.Fatalf("send after the server dropped the kept connection: %v", err)
		}
		msgs := srv.Wait(t, 2, waitFor)
		if len(msgs) != 2 || msgs[1].To[0] != "bob@example.com" {
			t.Errorf("received %d messages, want ada's then bob's", len(msgs))
		}
		assertSessions(t, srv, 2)
	})
	t.Run("the line drops in the middle of a message: a temporary error, nothing delivered, the next send reconnects", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS, Username: testUser, Password: testPassword})
		s := newSender(t, srv)
		if err := sendWith(t, s, "ada@example.com"); err != nil {
			t.Fatal(err)
		}
		srv.DropInData(true)
		err := sendWith(t, s, "bob@example.com")
		assertFailed(t, err, false)
		if got := len(srv.Messages()); got != 1 {
			t.Errorf("%d messages received, want only the first", got)
		}
		srv.DropInData(false)
		if err := sendWith(t, s, "bob@example.com"); err != nil {
			t.Fatalf("send after the drop: %v", err)
		}
		srv.Wait(t, 2, waitFor)
		assertSessions(t, srv, 2)
	})
	t.Run("the server hangs up after taking a message: delivered once, the next send reconnects", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS, Username: testUser, Password: testPassword})
		s := newSender(t, srv)
		srv.HangUpAfterAccept(true)
		if err := sendWith(t, s, "ada@example.com"); err != nil {
			t.Fatalf("a delivered message whose connection then closed: %v", err)
		}
		srv.HangUpAfterAccept(false)
		if err := sendWith(t, s, "bob@example.com"); err != nil {
			t.Fatal(err)
		}
		if got := len(srv.Wait(t, 2, waitFor)); got != 2 {
			t.Errorf("%d messages received, want 2", got)
		}
		assertSessions(t, srv, 2)
	})
	t.Run("a refused recipient fails that message only; the next goes through", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS, Username: testUser, Password: testPassword})
		s := newSender(t, srv)
		if err := sendWith(t, s, "ada@example.com"); err != nil {
			t.Fatal(err)
		}
		srv.RejectRecipient("nobody@example.com", 550)
		assertFailed(t, sendWith(t, s, "nobody@example.com"), true)
		if err := sendWith(t, s, "bob@example.com"); err != nil {
			t.Fatalf("send after a refusal: %v", err)
		}
		msgs := srv.Wait(t, 2, waitFor)
		if len(msgs) != 2 || msgs[1].To[0] != "bob@example.com" {
			t.Errorf("received %d messages, want ada's then bob's", len(msgs))
		}
	})
	t.Run("the server is down: a temporary error, and a send once it is back works", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS, Username: testUser, Password: testPassword})
		s := newSender(t, srv)
		if err := sendWith(t, s, "ada@example.com"); err != nil {
			t.Fatal(err)
		}
		srv.Stop()
		assertFailed(t, sendWith(t, s, "bob@example.com"), false)
		srv.Restart(t)
		if err := sendWith(t, s, "bob@example.com"); err != nil {
			t.Fatalf("send after the server came back: %v", err)
		}
		srv.Wait(t, 2, waitFor)
	})
}
