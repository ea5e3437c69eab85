// Package mail sends notify messages over SMTP with go-mail: connections
// kept open between messages, TLS by default, and errors that say whether a
// retry can help (Permanent).
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"golang.org/x/net/idna"

	"marquee/storefront/notify"
)

// DefaultTimeout bounds each network step of a send (dial, each SMTP
// command) when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// TLSMode is how the connection to the SMTP server is protected.
type TLSMode int

// The TLS modes. The zero value is the safe default for smtp://.
const (
	StartTLSRequired TLSMode = iota // upgrade with STARTTLS or fail
	StartTLSOptional                // upgrade with STARTTLS if the server offers it
	NoTLS                           // plain text, for a relay on the same host or network
	ImplicitTLS                     // TLS from the first byte (smtps://, port 465)
)

// String names the mode as ParseURL reads it.
func (m TLSMode) String() string {
	switch m {
	case StartTLSRequired:
		return "starttls=required"
	case StartTLSOptional:
		return "starttls=optional"
	case NoTLS:
		return "starttls=none"
	case ImplicitTLS:
		return "implicit TLS"
	}
	return "TLSMode(" + strconv.Itoa(int(m)) + ")"
}

// Config is where and how to deliver: the transport only. The sender
// address comes with each message.
type Config struct {
	Host     string
	Port     int
	TLS      TLSMode
	Username string // empty: no SMTP AUTH
	Password string
	RootCAs  *x509.CertPool // certificates to trust; nil: the system's
	Timeout  time.Duration  // per network step; zero: DefaultTimeout
	HELO     string         // name sent with EHLO; empty: the machine's host name
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	switch {
	case c.Host == "":
		return errors.New("mail: SMTP host is missing")
	case c.Port < 1 || c.Port > 65535:
		return fmt.Errorf("mail: SMTP port %d is out of range 1-65535", c.Port)
	case c.TLS < StartTLSRequired || c.TLS > ImplicitTLS:
		return fmt.Errorf("mail: unknown %v", c.TLS)
	case c.Password != "" && c.Username == "":
		return errors.New("mail: SMTP password given without a user name")
	case c.Timeout < 0:
		return fmt.Errorf("mail: SMTP timeout %v is negative", c.Timeout)
	}
	return nil
}

// String describes the config for logs, without the password: a Config
// printed with %v or %+v by mistake does not leak it.
func (c Config) String() string {
	user := ""
	if c.Username != "" {
		user = c.Username + "@"
	}
	return fmt.Sprintf("%s%s (%v)", user, net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.TLS)
}

// Sender delivers notify messages to one SMTP server. It keeps the
// connections of finished sends open for the next (see pool.go): a shop
// opening sends thousands of confirmations in a minute, and a new
// connection costs a dial, EHLO, STARTTLS and AUTH per message. Send is
// safe for concurrent use; Close ends the kept connections.
type Sender struct {
	cfg   Config
	idle  idlePool
	slots chan struct{} // one per open connection, up to maxConns
}

var _ notify.Sender = (*Sender)(nil)

// New returns a Sender for cfg, with Timeout defaulted. An invalid cfg
// fails every Send with the reason; Validate it at startup to fail early.
func New(cfg Config) *Sender {
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Sender{cfg: cfg, slots: make(chan struct{}, maxConns)}
}

// ErrInvalidMessage marks a message that no server would accept as
// written; Send returns it before connecting.
var ErrInvalidMessage = errors.New("mail: invalid message")

// Send delivers m and returns the Message-ID it was sent with, angle
// brackets included. ctx bounds the wait for a connection and its setup:
// when it ends there, the connection is closed and Send returns ctx's
// error. A message whose transaction has begun is not cut off by ctx:
// it gets CancelGrace to finish, because a connection closed while the
// server's 250 is on its way leaves a delivered message looking failed,
// and the job would send it a second time.
func (s *Sender) Send(ctx context.Context, m notify.Message) (string, error) {
	if err := s.cfg.Validate(); err != nil {
		return "", err
	}
	if err := validateMessage(m); err != nil {
		return "", err
	}
	msg, err := compose(m, time.Now())
	if err != nil {
		return "", err
	}
	if err := s.deliver(ctx, msg); err != nil {
		return "", err
	}
	return msg.GetMessageID(), nil
}

// clientOptions turns the Config into go-mail options.
func (s *Sender) clientOptions(dial gomail.DialContextFunc) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(s.tlsConfig()),
		gomail.WithDialContextFunc(dial),
	}
	switch s.cfg.TLS {
	case StartTLSRequired:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case StartTLSOptional:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case ImplicitTLS:
		// The dialer does the handshake; WithSSL keeps go-mail from
		// attempting STARTTLS on top.
		opts = append(opts, gomail.WithSSL())
	}
	if s.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(s.cfg.HELO))
	}
	if s.cfg.Username != "" {
		// PLAIN and LOGIN are what every submission server offers. go-mail
		// refuses both on a connection without TLS unless the server is
		// localhost, so a password never crosses a network in clear text,
		// whatever the TLS mode says. Other mechanisms are discovered if
		// neither is offered.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	return opts
}

// tlsConfig verifies the server as Host against RootCAs.
func (s *Sender) tlsConfig() *tls.Config {
	return &tls.Config{
		ServerName: s.cfg.Host,
		RootCAs:    s.cfg.RootCAs,
		MinVersion: tls.VersionTLS12,
	}
}

// validateMessage checks what Send needs before it connects. notify
// messages are checked when they are rendered; this catches a message
// that skipped that, before a server sees it.
func validateMessage(m notify.Message) error {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidMessage, fmt.Sprintf(format, args...))
	}
	switch {
	case len(m.To) == 0:
		return invalid("no recipient")
	case m.FromAddress == "":
		return invalid("no from address")
	case strings.TrimSpace(m.Subject) == "":
		return invalid("no subject")
	case strings.TrimSpace(m.Text) == "":
		return invalid("no text part")
	}
	if _, err := parseBareAddress(m.FromAddress); err != nil {
		return invalid("from address %q: %v", m.FromAddress, err)
	}
	for _, to := range m.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return invalid("recipient %q: %v", to, err)
		}
	}
	if m.ReplyTo != "" {
		if _, err := mail.ParseAddress(m.ReplyTo); err != nil {
			return invalid("reply-to %q: %v", m.ReplyTo, err)
		}
	}
	for i, a := range m.Attachments {
		if a.Name == "" {
			return invalid("attachment %d has no name", i+1)
		}
		if strings.ContainsAny(a.ContentID, "<>\r\n \t") {
			return invalid("attachment %d's content ID %q is not bare", i+1, a.ContentID)
		}
	}
	for name := range m.Headers {
		if err := checkExtraHeader(name); err != nil {
			return invalid("%v", err)
		}
	}
	return nil
}

// parseBareAddress parses "local@domain" without a display name: the name
// has its own field, and a second one hidden in the address would be
// ambiguous.
func parseBareAddress(s string) (*mail.Address, error) {
	addr, err := mail.ParseAddress(s)
	if err != nil {
		return nil, err
	}
	if addr.Name != "" || addr.Address != strings.Trim(strings.TrimSpace(s), "<>") {
		return nil, errors.New("want a bare address without a name")
	}
	return addr, nil
}

// composedHeaders are the headers compose writes itself; an extra header
// must not replace or duplicate them.
var composedHeaders = map[string]bool{
	"From": true, "Sender": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true,
	"Subject": true, "Date": true, "Message-Id": true, "Mime-Version": true,
	"Content-Type": true, "Content-Transfer-Encoding": true, "Content-Disposition": true,
}

// checkExtraHeader refuses header names that are malformed or belong to
// compose.
func checkExtraHeader(name string) error {
	if name == "" || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r > '~' || r == ':' }) {
		return fmt.Errorf("header name %q is not valid", name)
	}
	if composedHeaders[textproto.CanonicalMIMEHeaderKey(name)] {
		return fmt.Errorf("header %q is set by the sender, not by extra headers", name)
	}
	return nil
}

// compose builds the go-mail message: multipart/alternative text and HTML
// (UTF-8, quoted-printable, go-mail's defaults), the HTML's inline images,
// attachments, our
// Message-ID and the Date. Header values are RFC 2047 encoded by go-mail,
// which also turns any CR or LF in them into harmless encoded text.
func compose(m notify.Message, now time.Time) (*gomail.Msg, error) {
	// go-mail's default User-Agent names the library and its version in
	// every message; recipients have no use for it.
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	from, err := parseBareAddress(m.FromAddress)
	if err != nil {
		return nil, fmt.Errorf("%w: from address %q: %v", ErrInvalidMessage, m.FromAddress, err)
	}
	// A mail.Address, not FromFormat: net/mail quotes and encodes any name,
	// including one with quotes or non-ASCII letters.
	msg.FromMailAddress(&mail.Address{Name: m.FromName, Address: from.Address})
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidMessage, err)
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidMessage, err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(newMessageID(from.Address))
	msg.SetDateWithValue(now)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		var opts []gomail.FileOption
		if a.ContentType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		if a.ContentID != "" {
			// Embedded: go-mail puts it beside the HTML in multipart/related,
			// Content-Disposition inline.
			opts = append(opts, gomail.WithFileContentID("<"+a.ContentID+">"))
			if err := msg.EmbedReader(a.Name, bytes.NewReader(a.Data), opts...); err != nil {
				return nil, fmt.Errorf("mail: embedding %q: %w", a.Name, err)
			}
			continue
		}
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), opts...); err != nil {
			return nil, fmt.Errorf("mail: attaching %q: %w", a.Name, err)
		}
	}
	for name, value := range m.Headers {
		msg.SetGenHeader(gomail.Header(textproto.CanonicalMIMEHeaderKey(name)), value)
	}
	return msg, nil
}

// newMessageID returns "random@domain" for the sender's domain, as RFC
// 5322 suggests: the domain we send for keeps IDs globally unique, and
// 128 random bits keep them unique within it. The job knows the ID only
// once Send returns it.
func newMessageID(fromAddress string) string {
	domain := strings.ToLower(fromAddress[strings.LastIndex(fromAddress, "@")+1:])
	// A header must be ASCII: an internationalised domain goes in its
	// punycode form.
	if ascii, err := idna.Lookup.ToASCII(domain); err == nil && ascii != "" {
		domain = ascii
	}
	return strings.ToLower(rand.Text()) + "@" + domain
}

// Permanent reports whether retrying err cannot help: the server answered
// with a 5xx reply (a rejected recipient, failed authentication, a
// refused message), or the message itself is invalid. Network errors, 4xx
// replies (try again later) and an ended context are temporary.
//
// When a message has several recipients and any is refused, none receives
// it; a 5xx for one recipient fails the whole message permanently.
func Permanent(err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, ErrInvalidMessage):
		return true
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	return replyCode(err)/100 == 5
}

// replyCode digs the SMTP reply code out of a send's error: the server's
// replies come as textproto.Error, whether during the greeting, EHLO,
// STARTTLS and AUTH or during the transaction (transact). 0 when there
// was no reply.
func replyCode(err error) int {
	var protoErr *textproto.Error
	if errors.As(err, &protoErr) {
		return protoErr.Code
	}
	return 0
}
