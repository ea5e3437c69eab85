package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/tenant/web"
	"marquee/tenant/web/webtest"
)

// textServer is an app behind CheckText on loopback whose error handler
// answers "STATUS FIELD" and whose one handler answers "reached".
func textServer(t *testing.T) string {
	t.Helper()
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(marquee.HTTPStatus(err)).SendString(marquee.ErrorField(err))
	}})
	app.Use(web.CheckText)
	app.All("/*", func(c *fiber.Ctx) error { return c.SendString("reached") })
	return webtest.Serve(t, app, false)
}

func TestCheckText(t *testing.T) {
	base := textServer(t)
	multipartBody := func(name, value string) (string, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("title", "fine")
		_ = w.WriteField(name, value)
		fw, _ := w.CreateFormFile("image", "a.png")
		_, _ = fw.Write([]byte("\x00\xff binary file contents are not text"))
		_ = w.Close()
		return w.FormDataContentType(), buf.String()
	}
	mpType, mpBad := multipartBody("note", "a\x00b")
	mpOKType, mpOK := multipartBody("note", "Grüße")
	cases := []struct {
		rule, method, path, contentType, body string
		header                                [2]string
		status                                int
		field                                 string
	}{
		{rule: "a NUL in a query value is refused naming the parameter", method: "GET", path: "/events?after=%00", status: 400, field: "after"},
		{rule: "a lone 0xff byte in a query value is refused", method: "GET", path: "/events?after=%ff", status: 400, field: "after"},
		{rule: "a truncated UTF-8 sequence in a query value is refused", method: "GET", path: "/events?q=%c3%28", status: 400, field: "q"},
		{rule: "a bad query key is refused, named as far as it can be shown", method: "GET", path: "/events?a%00b=1", status: 400, field: "a\uFFFDb"},
		{rule: "a NUL in the path is refused", method: "GET", path: "/events/%00", status: 400, field: "path"},
		{rule: "invalid UTF-8 in the path is refused", method: "GET", path: "/products/%ff", status: 400, field: "path"},
		{rule: "a NUL in an urlencoded form value is refused naming the field", method: "POST", path: "/order", contentType: "application/x-www-form-urlencoded",
			body: "csrf=x&name=a%00b", status: 400, field: "name"},
		{rule: "a NUL in a multipart form value is refused naming the field", method: "POST", path: "/upload", contentType: mpType, body: mpBad, status: 400, field: "note"},
		{rule: "a file's binary contents are not text and pass", method: "POST", path: "/upload", contentType: mpOKType, body: mpOK, status: 200},
		{rule: "an escaped NUL in a JSON string is refused naming the key", method: "PATCH", path: "/api/v1/events/x", contentType: "application/json",
			body: `{"name":"a\u0000b"}`, status: 400, field: "name"},
		{rule: "raw invalid UTF-8 in a nested JSON string is refused with its path", method: "POST", path: "/api/v1/events", contentType: "application/json",
			body: "{\"slug\":\"ok\",\"locales\":[\"en\",\"d\xffe\"]}", status: 400, field: "locales.1"},
		{rule: "a NUL in a JSON key is refused", method: "POST", path: "/api/v1/events", contentType: "application/json",
			body: `{"ok":{"a\u0000":1}}`, status: 400, field: "ok.a\uFFFD"},
		{rule: "a bad header value is refused naming the header", method: "GET", path: "/", header: [2]string{"User-Agent", "agent \xff"}, status: 400, field: "User-Agent"},
		{rule: "text in other languages passes", method: "POST", path: "/api/v1/events", contentType: "application/json",
			body: `{"name":"Grüße aus Köln 東京 \ud83d\ude00","n":[1,{"x":"ü"}]}`, status: 200},
		{rule: "a body that is not JSON is left to its handler", method: "POST", path: "/api/v1/events", contentType: "application/json", body: `{"name":`, status: 200},
		{rule: "an ordinary query passes", method: "GET", path: "/events?q=M%C3%BCller&limit=-1", status: 200},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, base+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			if tc.header[0] != "" {
				req.Header.Set(tc.header[0], tc.header[1])
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var got bytes.Buffer
			_, _ = got.ReadFrom(res.Body)
			want := tc.field
			if tc.status == 200 {
				want = "reached"
			}
			if res.StatusCode != tc.status || got.String() != want {
				t.Fatalf("%d %q, want %d %q", res.StatusCode, got.String(), tc.status, want)
			}
		})
	}
}
