package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"marquee/tenant/web/webtest"
)

// jarURL is where the visitor's cookies live: the client keys them by the
// Host it asked for, not by the loopback address it dialled.
func jarURL(b *shop) *url.URL { return webtest.JarURL(b.host) }

func sessionValue(b *shop, _ *testServer) string { return b.web().Cookie("marquee_session") }

func TestConsoleSignIn(t *testing.T) {
	s, _, _ := consoleServer(t)

	t.Run("the console is not served on an event's host", func(t *testing.T) {
		b := s.browser()
		b.host = "devcon.shop.test"
		if r := b.do(http.MethodGet, "/login", "", ""); r.status != 404 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("signed out, the console sends you to the sign-in page", func(t *testing.T) {
		r := s.browser().do(http.MethodGet, "/", "", "")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
			t.Fatalf("status %d to %q", r.status, r.header.Get("Location"))
		}
	})
	t.Run("a wrong password is refused with the form again", func(t *testing.T) {
		r := signIn(s.browser(), "marketing@example.com", "wrong password!!")
		if r.status != 401 || r.text("#login-problem") != "The email address or password is wrong." {
			t.Fatalf("status %d, problem %q", r.status, r.text("#login-problem"))
		}
		if v, _ := r.doc.Find(`input[name="email"]`).Attr("value"); v != "marketing@example.com" {
			t.Errorf("email not kept: %q", v)
		}
	})
	t.Run("a login without the form's token is refused", func(t *testing.T) {
		r := s.browser().post("/login", url.Values{"email": {"marketing@example.com"}, "password": {"correct horse battery"}})
		if r.status != 403 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("signing in lists the member's events only, with a new session token", func(t *testing.T) {
		b := s.browser()
		planted := &http.Cookie{Name: "marquee_session", Value: "attacker-chosen-session-token-value-0123456789", Path: "/"}
		b.client.Jar.SetCookies(jarURL(b), []*http.Cookie{planted})
		r := signIn(b, "marketing@example.com", "correct horse battery")
		if r.status != http.StatusSeeOther {
			t.Fatalf("sign-in status %d: %s", r.status, r.text("#login-problem"))
		}
		if got := sessionValue(b, s); got == "" || got == planted.Value {
			t.Fatalf("session after login %q: want a new token (no fixation)", got)
		}
		home := b.do(http.MethodGet, "/", "", "")
		rows := home.doc.Find("table.events tbody tr")
		if home.status != 200 || rows.Length() != 1 || !strings.Contains(rows.Text(), "devcon") || !strings.Contains(rows.Text(), "marketing") {
			t.Fatalf("home %d, rows %q", home.status, rows.Text())
		}
	})
	t.Run("signing out revokes the session on the server", func(t *testing.T) {
		b := s.browser()
		signIn(b, "marketing@example.com", "correct horse battery")
		token := sessionValue(b, s)
		home := b.do(http.MethodGet, "/", "", "")
		csrf, _ := home.doc.Find(`form[action="/logout"] input[name="csrf"]`).Attr("value")
		if r := b.post("/logout", url.Values{"csrf": {"forged"}}); r.status != 403 {
			t.Fatalf("logout with a forged token: %d", r.status)
		}
		if r := b.post("/logout", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.status)
		}
		if _, _, err := s.staff.Session(context.Background(), token, time.Now()); err == nil {
			t.Fatal("the old session token still works after logout")
		}
		// A browser that kept the old cookie is signed out too.
		again := s.browser()
		again.client.Jar.SetCookies(jarURL(again), []*http.Cookie{{Name: "marquee_session", Value: token, Path: "/"}})
		if r := again.do(http.MethodGet, "/", "", ""); r.status != http.StatusSeeOther {
			t.Fatalf("old cookie: status %d", r.status)
		}
	})
}

func TestConsoleLoginLink(t *testing.T) {
	s, _, _ := consoleServer(t)
	admin, err := s.staff.CreateStaff(context.Background(), "admin@marquee.localhost", "Demo admin", true)
	if err != nil {
		t.Fatal(err)
	}
	link, err := s.staff.LoginLink(context.Background(), admin.ID, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	if r := b.do(http.MethodGet, "/login/link/"+link, "", ""); r.status != http.StatusSeeOther {
		t.Fatalf("login link: %d", r.status)
	}
	home := b.do(http.MethodGet, "/", "", "")
	if home.doc.Find("table.events tbody tr").Length() != 2 || !strings.Contains(home.text(".who"), "platform administrator") {
		t.Fatalf("a platform admin sees every event: %q", home.text("main"))
	}
	if r := s.browser().do(http.MethodGet, "/login/link/"+link, "", ""); r.status != 404 {
		t.Fatalf("second use of a one-time link: %d", r.status)
	}
}

func TestConsoleRateLimit(t *testing.T) {
	s, _, _ := consoleServer(t)
	b := s.browser()
	for i := range 5 {
		if r := signIn(b, "marketing@example.com", "nope nope nope"); r.status != 401 {
			t.Fatalf("attempt %d: status %d", i+1, r.status)
		}
	}
	r := signIn(b, "marketing@example.com", "correct horse battery")
	if r.status != 429 || r.header.Get("Retry-After") == "" || !strings.HasPrefix(r.text("#login-problem"), "Too many failed sign-in attempts") {
		t.Fatalf("6th attempt: status %d, problem %q", r.status, r.text("#login-problem"))
	}
}
