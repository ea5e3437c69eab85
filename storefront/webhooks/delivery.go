package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Outgoing is what one attempt of a delivery sends, as the database has
// it when the attempt begins.
type Outgoing struct {
	DeliveryID uuid.UUID
	TenantID   *uuid.UUID
	EndpointID uuid.UUID
	State      string // the delivery's: only a pending one is sent
	Attempts   int    // attempts made before this one
	MessageID  uuid.UUID
	Type       string
	Payload    json.RawMessage // the message's data
	At         time.Time       // when the message was emitted (the envelope's timestamp)
	URL        string
	Secrets    []string // the endpoint's secrets that sign now: the current one, and the previous during its overlap
	Enabled    bool
}

// Body is the delivery's body: the same bytes on every attempt.
func (o Outgoing) Body() ([]byte, error) {
	return json.Marshal(Envelope{Type: o.Type, Timestamp: o.At.UTC(), Data: o.Payload})
}

// Attempt is the outcome of one attempt.
type Attempt struct {
	Number     int
	StatusCode int    // 0: no answer
	Excerpt    string // the start of the answer's body
	Error      string // why it failed without an answer, or "HTTP 500"
	Duration   time.Duration
	At         time.Time
	Succeeded  bool       // a 2xx
	Final      bool       // a failure with no attempt after it
	NextAt     *time.Time // when the next attempt is due (a failure that is not final)
}

// excerptBytes is how much of an answer's body the log keeps.
const excerptBytes = 1024

// Sender posts deliveries: no redirects followed (a 3xx is a failure), no
// proxy from the environment, at most Timeout an attempt, through a dialer
// that refuses private addresses unless allowed.
type Sender struct {
	client *http.Client
	// UserAgent is sent with every delivery.
	UserAgent string
}

// Timeout bounds one attempt, answer included.
const Timeout = 10 * time.Second

// NewSender returns a Sender whose connections go through Dialer(allowPrivate,
// resolver) (resolver nil: the system's).
func NewSender(allowPrivate bool, resolver *net.Resolver) *Sender {
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           Dialer(allowPrivate, resolver).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: Timeout,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       60 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &Sender{
		client: &http.Client{Transport: tr, Timeout: Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		UserAgent: "Marquee-Webhooks/1",
	}
}

// Send makes one attempt of o at now: the Standard Webhooks headers
// (webhook-id, webhook-timestamp, webhook-signature with every secret
// that signs now) and the envelope as the body.
func (s *Sender) Send(ctx context.Context, o Outgoing, now time.Time) Attempt {
	a := Attempt{Number: o.Attempts + 1, At: now}
	body, err := o.Body()
	if err != nil {
		a.Error = err.Error()
		return a
	}
	id := MessageID(o.MessageID)
	sig, err := Signatures(o.Secrets, id, now, body)
	if err != nil {
		a.Error = err.Error()
		return a
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.URL, bytes.NewReader(body))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.UserAgent)
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		a.Duration, a.Error = time.Since(start), trimError(err)
		return a
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, excerptBytes))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	a.Duration, a.StatusCode, a.Excerpt = time.Since(start), resp.StatusCode, validText(excerpt)
	a.Succeeded = resp.StatusCode >= 200 && resp.StatusCode < 300
	if !a.Succeeded {
		a.Error = "HTTP " + strconv.Itoa(resp.StatusCode)
	}
	return a
}

// trimError is err for the log, at most 500 bytes.
func trimError(err error) string {
	s := err.Error()
	if len(s) > 500 {
		s = s[:500]
	}
	return validText([]byte(s))
}

// validText is b as text the database takes: valid UTF-8, no NUL.
func validText(b []byte) string {
	return strings.ReplaceAll(strings.ToValidUTF8(string(b), "\uFFFD"), "\x00", "")
}

// Retry is when the attempt after a's failure is due, by schedule (the
// wait after the first failure first); ok false: a was the last.
func Retry(schedule []time.Duration, a Attempt) (time.Time, bool) {
	if a.Number > len(schedule) || a.Number < 1 {
		return time.Time{}, false
	}
	return a.At.Add(schedule[a.Number-1]), true
}
