package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"

	"marquee/storefront/notify"
)

// Parsed is a received message read back into what a sender set.
type Parsed struct {
	Header      mail.Header
	Subject     string // decoded
	From        *mail.Address
	To          []*mail.Address
	ReplyTo     []*mail.Address     // nil without a Reply-To header
	MessageID   string              // with angle brackets
	Text        string              // the text/plain part, decoded
	HTML        string              // the text/html part, decoded
	Attachments []notify.Attachment // ContentType without parameters, e.g. "text/csv"
}

// Parse reads the message and fails the test if it is malformed.
func (m Message) Parse(t testing.TB) Parsed {
	t.Helper()
	p, err := Parse(m.Data)
	if err != nil {
		t.Fatalf("smtptest: parse message: %v\n%s", err, m.Data)
	}
	return p
}

// Parse reads a raw message: headers through net/mail, the body through
// mime/multipart, undoing base64 and quoted-printable. Parts are taken as
// UTF-8. A part with a file name, or with Content-Disposition attachment,
// is an attachment (an inline image with its Content-ID); the first other text/plain and text/html parts are
// the bodies. Their line ends come back as "\n": text travels with CRLF
// (RFC 2046's canonical form) whatever the sender wrote, and a body that
// is the whole message also ends with a line break the transport adds,
// which is dropped.
func Parse(raw []byte) (Parsed, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Parsed{}, err
	}
	p := Parsed{Header: msg.Header, MessageID: msg.Header.Get("Message-Id")}
	var dec mime.WordDecoder
	if p.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Parsed{}, fmt.Errorf("subject: %w", err)
	}
	if p.From, err = mail.ParseAddress(msg.Header.Get("From")); err != nil {
		return Parsed{}, fmt.Errorf("from: %w", err)
	}
	if p.To, err = msg.Header.AddressList("To"); err != nil {
		return Parsed{}, fmt.Errorf("to: %w", err)
	}
	if p.ReplyTo, err = msg.Header.AddressList("Reply-To"); err != nil && !errors.Is(err, mail.ErrHeaderNotPresent) {
		return Parsed{}, fmt.Errorf("reply-to: %w", err)
	}
	part := entity{
		contentType: msg.Header.Get("Content-Type"),
		encoding:    msg.Header.Get("Content-Transfer-Encoding"),
		body:        msg.Body,
		whole:       true,
	}
	if err := p.walk(part); err != nil {
		return Parsed{}, err
	}
	return p, nil
}

// entity is a message or a part of one: its content headers and body.
type entity struct {
	contentType, encoding, disposition string
	contentID                          string // without its angle brackets
	body                               io.Reader
	whole                              bool // the message itself, not a part of it
}

// walk collects the bodies and attachments of e and its parts.
func (p *Parsed) walk(e entity) error {
	mediaType, params, err := mime.ParseMediaType(e.contentType)
	if err != nil {
		mediaType, params = "text/plain", nil // RFC 2045's default
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		r := multipart.NewReader(e.body, params["boundary"])
		for {
			part, err := r.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", mediaType, err)
			}
			err = p.walk(entity{
				contentType: part.Header.Get("Content-Type"),
				encoding:    part.Header.Get("Content-Transfer-Encoding"),
				disposition: part.Header.Get("Content-Disposition"),
				contentID:   strings.Trim(part.Header.Get("Content-Id"), "<> "),
				body:        part,
			})
			if err != nil {
				return err
			}
		}
	}
	data, err := io.ReadAll(decoder(e.encoding, e.body))
	if err != nil {
		return fmt.Errorf("%s body: %w", mediaType, err)
	}
	name := fileName(e.disposition, params)
	switch {
	case name != "" || strings.HasPrefix(strings.ToLower(e.disposition), "attachment"):
		p.Attachments = append(p.Attachments, notify.Attachment{Name: name, ContentType: mediaType, Data: data, ContentID: e.contentID})
	case mediaType == "text/plain" && p.Text == "":
		p.Text = e.text(data)
	case mediaType == "text/html" && p.HTML == "":
		p.HTML = e.text(data)
	}
	return nil
}

// text turns a decoded body into the text a sender wrote.
func (e entity) text(data []byte) string {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	if e.whole {
		s = strings.TrimSuffix(s, "\n")
	}
	return s
}

// decoder undoes a Content-Transfer-Encoding.
func decoder(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, r) // skips line breaks itself
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// fileName is the part's file name from Content-Disposition or the
// Content-Type name parameter, RFC 2231 or RFC 2047 encoded.
func fileName(disposition string, typeParams map[string]string) string {
	name := typeParams["name"]
	if _, params, err := mime.ParseMediaType(disposition); err == nil && params["filename"] != "" {
		name = params["filename"]
	}
	var dec mime.WordDecoder
	if decoded, err := dec.DecodeHeader(name); err == nil {
		return decoded
	}
	return name
}
