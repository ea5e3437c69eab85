package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/branding"
	"marquee/storefront"
	"marquee/storefront/notify/mail/smtptest"
	"marquee/tenant"
)

// messageEvent provisions an event in English and German, with a Cap, a
// reply-to address and a sending rate of rate messages a second, and
// places attendees orders: every even one in English, every odd one in
// German; the first five order twice (they get the message once).
func (h *harness) messageEvent(t *testing.T, attendees, rate int) (*tenant.Tenant, []string) {
	t.Helper()
	ctx := context.Background()
	ev, err := h.db.CreateTenant(ctx, tenant.Tenant{Slug: "bilingual", Name: "Bilingual", Status: tenant.StatusActive, DefaultLocale: "en", Locales: []string{"en", "de"}},
		branding.Branding{Theme: "classic", Colours: branding.DefaultColours, Copy: map[string]branding.Copy{"en": {Title: "Bilingual"}, "de": {Title: "Zweisprachig"}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.db.AddProduct(ctx, ev.ID, storefront.Product{Name: storefront.Text{"en": "Cap", "de": "Mütze"}, Visible: true,
		Variants: []storefront.Variant{{Label: storefront.Text{"en": "One size", "de": "Einheitsgröße"}}}})
	if err != nil {
		t.Fatal(err)
	}
	settings, err := h.db.Settings(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	settings.ReplyTo = "crew@bilingual.example"
	if err := h.db.SaveSettings(ctx, ev.ID, settings); err != nil {
		t.Fatal(err)
	}
	h.admin(t, "UPDATE storefront_settings SET message_rate = $2 WHERE tenant_id = $1", ev.ID, rate)
	line := storefront.Line{ProductID: p.ID, VariantID: p.Variants[0].ID, Quantity: 1}
	emails := make([]string, attendees)
	for i := range attendees {
		emails[i] = fmt.Sprintf("attendee%03d@example.com", i)
		times := 1
		if i < 5 {
			times = 2
		}
		for range times {
			if _, err := h.db.PlaceOrder(ctx, ev.ID, storefront.OrderRequest{IdempotencyKey: uuid.New(), Email: emails[i],
				Name: "Attendee", Locale: []string{"en", "de"}[i%2], Lines: []storefront.Line{line}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ev, emails
}

// sendMessage writes a message to everyone and sends it.
func (h *harness) sendMessage(t *testing.T, ev *tenant.Tenant) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	m := storefront.Message{Audience: storefront.Audience{Kind: storefront.AudienceAll}, CreatedBy: "crew@bilingual.example",
		Texts: map[string]storefront.MessageText{
			"en": {Subject: "Pick-up moves to Hall B", Body: "The desk is now in **Hall B**, next to the stairs."},
			"de": {Subject: "Die Ausgabe zieht in Halle B", Body: "Die Ausgabe ist jetzt in **Halle B**, neben der Treppe."}}}
	if err := m.Validate(ev.Locales); err != nil {
		t.Fatal(err)
	}
	id, err := h.db.CreateMessage(ctx, ev.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.SendMessage(ctx, ev.ID, id, uuid.Nil, "crew@bilingual.example"); err != nil {
		t.Fatal(err)
	}
	return id
}

// messagesTo counts the message's emails received per address.
func (h *harness) attendeeMessages() map[string][]smtptest.Parsed {
	out := map[string][]smtptest.Parsed{}
	for _, m := range h.smtp.Messages() {
		p, err := smtptest.Parse(m.Data)
		if err != nil || p.Header.Get("X-Marquee-Kind") != "attendee_message" {
			continue
		}
		for _, to := range p.To {
			out[to.Address] = append(out[to.Address], p)
		}
	}
	return out
}

// waitForMessages waits until n addresses got the message, failing t
// after timeout.
func (h *harness) waitForMessages(t *testing.T, n int, timeout time.Duration) map[string][]smtptest.Parsed {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := h.attendeeMessages()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d attendees received the message within %v", len(got), n, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkEveryoneOnce: each attendee received exactly one copy, in the
// language of their order, replying to the event's address.
func checkEveryoneOnce(t *testing.T, got map[string][]smtptest.Parsed, emails []string) {
	t.Helper()
	for i, e := range emails {
		copies := got[e]
		if len(copies) != 1 {
			t.Errorf("%s received %d copies, want 1", e, len(copies))
			continue
		}
		p := copies[0]
		subject, bold := "Pick-up moves to Hall B", "<strong>Hall B</strong>"
		if i%2 == 1 {
			subject, bold = "Die Ausgabe zieht in Halle B", "<strong>Halle B</strong>"
		}
		if p.Subject != subject || !strings.Contains(p.HTML, bold) {
			t.Errorf("%s: subject %q, HTML has %q: %v; want the message in their language", e, p.Subject, bold, strings.Contains(p.HTML, bold))
		}
		if len(p.ReplyTo) != 1 || p.ReplyTo[0].Address != "crew@bilingual.example" {
			t.Errorf("%s: Reply-To %v, want the event's crew@bilingual.example", e, p.ReplyTo)
		}
	}
	if len(got) != len(emails) {
		t.Errorf("%d addresses received the message, want %d", len(got), len(emails))
	}
}

// checkProgress: the message counts everyone sent, none failed, none
// remaining, and is marked sent.
func (h *harness) checkProgress(t *testing.T, ev *tenant.Tenant, id uuid.UUID, total int) {
	t.Helper()
	var m *storefront.Message
	deadline := time.Now().Add(10 * time.Second)
	for {
		var err error
		if m, err = h.db.Message(context.Background(), ev.ID, id); err != nil {
			t.Fatal(err)
		}
		if m.State == storefront.MessageSent || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	p := m.Progress
	if m.State != storefront.MessageSent || p.Total != total || p.Sent != total || p.Failed != 0 || p.Remaining() != 0 || m.Finished == nil {
		t.Fatalf("message %s: total %d, sent %d, failed %d, remaining %d; want %s, %d sent", m.State, p.Total, p.Sent, p.Failed, p.Remaining(), storefront.MessageSent, total)
	}
}

func TestAMessageReachesEveryAttendeeOnceInTheirLanguage(t *testing.T) {
	h := newHarness(t)
	ev, emails := h.messageEvent(t, 200, 100)
	start := time.Now()
	id := h.sendMessage(t, ev)
	got := h.waitForMessages(t, len(emails), 60*time.Second)
	elapsed := time.Since(start)
	time.Sleep(300 * time.Millisecond) // a second copy would arrive now
	checkEveryoneOnce(t, h.attendeeMessages(), emails)
	h.checkProgress(t, ev, id, len(emails))
	// 200 at 100 a second take about 2 s (River makes scheduled jobs
	// available in steps, so a little more).
	if elapsed < 1500*time.Millisecond {
		t.Errorf("200 messages at 100 a second went out in %v: the rate was not kept", elapsed)
	}
	t.Logf("%d attendees received the message in %v", len(got), elapsed.Round(10*time.Millisecond))
}

func TestAStoppedWorkerResumesAMessageWithoutDuplicates(t *testing.T) {
	h := newHarness(t)
	ev, emails := h.messageEvent(t, 200, 40)
	id := h.sendMessage(t, ev)
	h.waitForMessages(t, 40, 60*time.Second)
	// Stop the workers mid-send, cancelling what they are sending.
	stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.workers.StopAndCancel(stopCtx); err != nil {
		t.Fatal(err)
	}
	before := h.attendeeMessages()
	m, err := h.db.Message(context.Background(), ev.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if m.State != storefront.MessageSending || m.Progress.Remaining() == 0 {
		t.Fatalf("the message was %s with %d remaining when the workers stopped; the test needs it half sent", m.State, m.Progress.Remaining())
	}
	t.Logf("stopped with %d received, %d recorded sent, %d remaining", len(before), m.Progress.Sent, m.Progress.Remaining())
	h.startWorkers(context.Background(), h.ownerURL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h.waitForMessages(t, len(emails), 60*time.Second)
	time.Sleep(300 * time.Millisecond)
	checkEveryoneOnce(t, h.attendeeMessages(), emails)
	h.checkProgress(t, ev, id, len(emails))
}
