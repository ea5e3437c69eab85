package render

import (
	"time"

	"marquee/storefront/notify"
)

// WebhookDisabled renders the email to a webhook endpoint's owner (to)
// that it was disabled because it kept failing since failingSince, in
// lang, with the console page where it can be enabled again.
func (r *Renderer) WebhookDisabled(ev Event, lang string, to []string, url string, failingSince time.Time, consoleURL string) (notify.Message, error) {
	v := &webhookDisabledMail{frame: r.newFrame(ev, lang), URL: oneLine(url),
		Since: r.tr.EventTime(lang, ev.Zone, failingSince), ConsoleURL: consoleURL}
	return r.message(notify.KindWebhookDisabled, ev, to, v, nil)
}

type webhookDisabledMail struct {
	frame
	URL, Since, ConsoleURL string
}
