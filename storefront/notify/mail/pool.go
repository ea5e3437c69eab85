package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

const (
	// maxConns is how many connections a Sender has open at once; more
	// sends wait for one of them. Relays limit connections per client
	// (Postfix: 50), and on a kept connection a message takes a few
	// milliseconds, so a few connections carry hundreds a second.
	maxConns = 16
	// maxIdle is how many connections a Sender keeps open between sends.
	maxIdle = maxConns
	// idleTimeout is how long a kept connection may wait for its next
	// message. Servers end idle sessions after a minute or more (Postfix:
	// 300 s); a connection they ended sooner fails the next message's
	// MAIL FROM, and that message goes on a new one.
	idleTimeout = 30 * time.Second
)

// errStale: a kept connection failed the message's MAIL FROM without a
// reply, or with 421 (the server ended it while it was idle). Nothing of
// the message was sent, so it goes on a new connection.
var errStale = errors.New("mail: kept connection is gone")

// conn is one SMTP session: go-mail's client with its options, the
// session, and the TCP connection under it (closed to stop a send whose
// context ended).
type conn struct {
	client    *gomail.Client
	session   *smtp.Client
	raw       net.Conn
	idleSince time.Time
}

// quit ends the session politely (bounded by the connection's deadline)
// and closes it.
func (c *conn) quit() {
	_ = c.session.Quit()
	_ = c.raw.Close()
}

// idlePool holds the connections waiting for their next message, newest
// last. Its zero value is ready.
type idlePool struct {
	mu     sync.Mutex
	conns  []*conn
	closed bool
}

// take returns the newest connection idle for less than idleTimeout, or
// nil; older ones are closed.
func (p *idlePool) take(now time.Time) *conn {
	p.mu.Lock()
	var expired []*conn
	var c *conn
	for len(p.conns) > 0 && c == nil {
		last := p.conns[len(p.conns)-1]
		p.conns = p.conns[:len(p.conns)-1]
		if now.Sub(last.idleSince) < idleTimeout {
			c = last
		} else {
			expired = append(expired, last)
		}
	}
	p.mu.Unlock()
	for _, e := range expired {
		_ = e.raw.Close()
	}
	return c
}

// put keeps c for the next message, or reports false when the pool is
// full or closed (the caller closes c).
func (p *idlePool) put(c *conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.conns) >= maxIdle {
		return false
	}
	c.idleSince = time.Now()
	p.conns = append(p.conns, c)
	return true
}

// Close ends the connections kept for later sends; a Send after Close
// opens and closes its own.
func (s *Sender) Close() error {
	s.idle.mu.Lock()
	conns := s.idle.conns
	s.idle.conns, s.idle.closed = nil, true
	s.idle.mu.Unlock()
	for _, c := range conns {
		_ = c.raw.SetDeadline(time.Now().Add(s.timeout()))
		c.quit()
	}
	return nil
}

// deliver sends msg on a kept connection, or on a new one when none is
// kept or the kept one turns out to be gone. A connection goes back to
// the pool only after a send that went through; after any error it is
// closed, whatever state the server left the session in.
func (s *Sender) deliver(ctx context.Context, msg *gomail.Msg) error {
	if s.slots != nil {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		case <-ctx.Done():
			return s.failure(ctx, ctx.Err())
		}
	}
	if c := s.idle.take(time.Now()); c != nil {
		delivered, err := s.sendOn(ctx, c, msg, true)
		if !errors.Is(err, errStale) {
			return s.finish(ctx, c, delivered, err)
		}
		_ = c.raw.Close()
	}
	c, err := s.dial(ctx)
	if err != nil {
		return s.failure(ctx, err)
	}
	delivered, err := s.sendOn(ctx, c, msg, false)
	return s.finish(ctx, c, delivered, err)
}

// CancelGrace is how long a message transaction already under way may
// still take once the sender's context has ended.
const CancelGrace = 5 * time.Second

// sendOn sends msg in c's session, unless ctx has already ended, and
// reports whether the server took it. Once the transaction has begun,
// ctx's end only shortens the deadline to CancelGrace: the server's reply
// to the data then still arrives, and a message it took is known as sent.
func (s *Sender) sendOn(ctx context.Context, c *conn, msg *gomail.Msg, kept bool) (delivered bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	// One deadline for the whole message; go-mail's own per-command
	// timeout does not cover every step, and a job must never hang. It is
	// set before the AfterFunc, which may shorten it at once.
	_ = c.raw.SetDeadline(time.Now().Add(s.timeout()))
	stop := context.AfterFunc(ctx, func() {
		_ = c.raw.SetDeadline(time.Now().Add(min(CancelGrace, s.timeout())))
	})
	defer stop()
	return transact(c.session, msg, kept)
}

// transact is one message's SMTP transaction: MAIL, RCPT for each
// recipient, DATA. It sends no NOOP before (go-mail's SendWithSMTPClient
// sends two, one before the message and one before the RSET it sends
// after): a kept connection that the server ended while it was idle fails
// at MAIL, without a reply or with 421, and that is errStale, since
// nothing of the message was sent. Nor any RSET after: the server's reply
// to the data ends the transaction (RFC 5321, 4.1.1.4), and after an
// error the connection is closed, never reused. Against a relay 30 ms
// away, that is 120 ms less per message than go-mail's seven round trips.
func transact(session *smtp.Client, msg *gomail.Msg, kept bool) (delivered bool, err error) {
	from, err := msg.GetSender(false)
	if err != nil {
		return false, err
	}
	rcpts, err := msg.GetRecipients()
	if err != nil {
		return false, err
	}
	if err := session.Mail(from); err != nil {
		if code := replyCode(err); kept && (code == 0 || code == 421) {
			return false, errors.Join(errStale, err)
		}
		return false, fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, rcpt := range rcpts {
		if err := session.Rcpt(rcpt); err != nil {
			return false, fmt.Errorf("RCPT TO <%s>: %w", rcpt, err)
		}
	}
	w, err := session.Data()
	if err != nil {
		return false, fmt.Errorf("DATA: %w", err)
	}
	if _, err := msg.WriteTo(w); err != nil {
		return false, fmt.Errorf("writing the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return false, fmt.Errorf("end of data: %w", err)
	}
	return true, nil
}

// finish keeps c after a send that went through, closes it otherwise, and
// returns what Send should.
func (s *Sender) finish(ctx context.Context, c *conn, delivered bool, err error) error {
	if err == nil && ctx.Err() == nil {
		if !s.idle.put(c) {
			c.quit()
		}
		return nil
	}
	if ctx.Err() != nil {
		_ = c.raw.Close() // the sender is stopping: no QUIT to wait for
	} else {
		c.quit()
	}
	if delivered {
		// The server took the message (250 after the data); the context
		// ended right after. An error here would make the job send the
		// message a second time.
		return nil
	}
	return s.failure(ctx, err)
}

// failure wraps a send's error; when ctx ended, the error is whatever the
// closed connection caused and the reason is the context.
func (s *Sender) failure(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = errors.Join(ctxErr, err)
	}
	return fmt.Errorf("mail: %v: %w", s.cfg, err)
}

// dial opens a session: connection, greeting, EHLO, STARTTLS and AUTH as
// configured. ctx's end closes the connection while it is being set up.
//
// For implicit TLS the dial function also does the handshake: go-mail
// skips its own TLS dial when given a dial function. It returns the
// *tls.Conn itself, not a wrapper, because go-mail decides from that type
// whether the connection is encrypted before it sends a password.
func (s *Sender) dial(ctx context.Context) (*conn, error) {
	c := &conn{}
	stopClosing := func() bool { return true }
	dial := func(dialCtx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		raw, err := d.DialContext(dialCtx, network, addr)
		if err != nil {
			return nil, err
		}
		c.raw = raw
		stopClosing = context.AfterFunc(ctx, func() { _ = raw.Close() })
		// A STARTTLS handshake the server abandons was seen to hang a send
		// for minutes: the deadline bounds the whole set-up.
		_ = raw.SetDeadline(time.Now().Add(s.timeout()))
		if s.cfg.TLS != ImplicitTLS {
			return raw, nil
		}
		tlsConn := tls.Client(raw, s.tlsConfig())
		if err := tlsConn.HandshakeContext(dialCtx); err != nil {
			_ = raw.Close()
			return nil, err
		}
		return tlsConn, nil
	}
	client, err := gomail.NewClient(s.cfg.Host, s.clientOptions(dial)...)
	if err != nil {
		return nil, err
	}
	c.client = client
	// go-mail dials on this goroutine, so stopClosing is set once it
	// returns.
	c.session, err = client.DialToSMTPClientWithContext(ctx)
	if !stopClosing() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		if c.raw != nil {
			_ = c.raw.Close()
		}
		return nil, err
	}
	return c, nil
}

// timeout is Config.Timeout, or DefaultTimeout for a Sender not made by
// New.
func (s *Sender) timeout() time.Duration {
	if s.cfg.Timeout > 0 {
		return s.cfg.Timeout
	}
	return DefaultTimeout
}
