package render

import (
	htmltemplate "html/template"

	"marquee/storefront"
	"marquee/storefront/notify"
)

// AttendeeMessage renders a message staff wrote to an event's attendees
// for one of them, in lang: the subject as written, the Markdown body as
// safe HTML (branding.Markdown) in the event's frame, and the body as
// written in the plain-text part. Replies go to the event's reply-to
// address (message sets it from ev).
func (r *Renderer) AttendeeMessage(ev Event, lang string, text storefront.MessageText, to string) (notify.Message, error) {
	v := &attendeeMessageMail{frame: r.newFrame(ev, lang), Title: oneLine(text.Subject), Body: r.md.HTML(text.Body), Source: text.Body}
	return r.message(notify.KindAttendeeMessage, ev, []string{to}, v, nil)
}

type attendeeMessageMail struct {
	frame
	Title  string
	Body   htmltemplate.HTML // sanitised
	Source string            // the Markdown as staff wrote it, for the text part
}
