package mail_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"marquee/storefront/notify"
	"marquee/storefront/notify/mail/smtptest"
)

func TestSendEmbedsInlineImages(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS})
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 3, 3))); err != nil {
		t.Fatal(err)
	}
	m := message()
	m.HTML = `<p>Show this:</p><img src="cid:pickup-code" alt="QR code">`
	m.Attachments = []notify.Attachment{
		{Name: "pickup-K7M3-Q9XZ.png", ContentType: "image/png", Data: img.Bytes(), ContentID: "pickup-code"},
		{Name: "order.csv", ContentType: "text/csv", Data: []byte("a;b\r\n")},
	}
	mustSend(t, config(t, srv), m)
	raw := srv.Wait(t, 1, waitFor)[0]
	got := raw.Parse(t)

	if !strings.Contains(got.HTML, `src="cid:pickup-code"`) {
		t.Errorf("the HTML part does not show the image: %q", got.HTML)
	}
	var inline, attached *notify.Attachment
	for i, a := range got.Attachments {
		switch a.Name {
		case "pickup-K7M3-Q9XZ.png":
			inline = &got.Attachments[i]
		case "order.csv":
			attached = &got.Attachments[i]
		}
	}
	if inline == nil || attached == nil {
		t.Fatalf("received parts %+v, want the image and the CSV", got.Attachments)
	}
	if inline.ContentID != "pickup-code" || inline.ContentType != "image/png" || !bytes.Equal(inline.Data, img.Bytes()) {
		t.Errorf("inline part: Content-ID %q, type %s, %d bytes; want pickup-code, image/png, the %d sent",
			inline.ContentID, inline.ContentType, len(inline.Data), img.Len())
	}
	if attached.ContentID != "" {
		t.Errorf("the attachment has a Content-ID %q", attached.ContentID)
	}
	// The image sits inline beside the text and HTML alternatives in
	// multipart/related (RFC 2387), which is what cid: links into; the CSV
	// stays an attachment.
	parts := structure(t, raw.Data)
	for _, want := range []string{"multipart/related > multipart/alternative > text/html", "multipart/related > image/png inline", "> text/csv attachment"} {
		if !strings.Contains(strings.Join(parts, "\n"), want) {
			t.Errorf("no part %q in the message's structure:\n%s", want, strings.Join(parts, "\n"))
		}
	}
}

// structure lists a message's leaf parts as their path of types, with
// their disposition: "multipart/mixed > image/png inline".
func structure(t *testing.T, raw []byte) []string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(parent, contentType, disposition string, body io.Reader)
	walk = func(parent, contentType, disposition string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(contentType)
		if err != nil {
			t.Fatalf("part type %q: %v", contentType, err)
		}
		if !strings.HasPrefix(mt, "multipart/") {
			d, _, _ := mime.ParseMediaType(disposition)
			out = append(out, strings.TrimSpace(strings.TrimPrefix(parent+" > "+mt, " > ")+" "+d))
			return
		}
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			walk(strings.TrimPrefix(parent+" > "+mt, " > "), p.Header.Get("Content-Type"), p.Header.Get("Content-Disposition"), p)
		}
	}
	walk("", msg.Header.Get("Content-Type"), "", msg.Body)
	return out
}
