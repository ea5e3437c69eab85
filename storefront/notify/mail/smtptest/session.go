package smtptest

import (
	"io"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// backend opens a session per connection.
type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.s.mu.Lock()
	b.s.conns[c] = true // STARTTLS starts a new session on the same connection
	b.s.mu.Unlock()
	sess := &session{s: b.s, conn: c}
	if b.s.opts.Username == "" {
		return sess, nil
	}
	return &authSession{session: sess}, nil
}

// session is one client connection without AUTH.
type session struct {
	s      *Server
	conn   *smtp.Conn
	user   string
	from   string
	to     []string
	hangUp bool // a message was just accepted with HangUpAfterAccept on
}

// Reset runs on RSET and after each message, once its reply is written.
func (ss *session) Reset() {
	if ss.hangUp {
		// The raw connection: smtp.Conn.Close takes a lock that is held
		// while Reset runs.
		_ = ss.conn.Conn().Close()
	}
	ss.from, ss.to, ss.hangUp = "", nil, false
}

func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	if err := ss.s.rejection(StageMail, ""); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.s.rejection(StageRcpt, to); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	if ss.s.dropsInData() {
		// Half the message read, then the line goes: the client sees its
		// DATA fail without a reply, and nothing is delivered.
		_, _ = io.CopyN(io.Discard, r, 16)
		_ = ss.conn.Conn().Close()
		return io.ErrUnexpectedEOF
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.s.rejection(StageData, ""); err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.s.record(Message{
		From: ss.from, To: append([]string(nil), ss.to...), Data: data,
		HELO: ss.conn.Hostname(), TLS: isTLS, User: ss.user,
	})
	// Decided now: a test may turn the fault off as soon as the client
	// has its 250, before Reset runs.
	ss.hangUp = ss.s.hangsUp()
	time.Sleep(ss.s.acceptDelay())
	return nil
}

// authSession is a session that offers AUTH PLAIN.
type authSession struct{ *session }

func (as *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (as *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != as.s.opts.Username || password != as.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		as.user = username
		return nil
	}), nil
}
