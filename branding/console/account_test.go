package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"marquee/tenant"
	"marquee/tenant/staff"
)

const linkInvalid = "This link has expired or has already been used. Ask for a new one."

// inviteToken makes an invitation the way the CLI does and returns its token.
func inviteToken(t *testing.T, s *testServer, email string, ev *tenant.Tenant, role staff.Role) string {
	t.Helper()
	token, err := s.staff.Invite(context.Background(), uuid.NullUUID{}, email, ev.ID, role, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// fillInForm fetches the form at path and posts it with the page's CSRF token
// and fields.
func fillInForm(t *testing.T, b *shop, path string, fields url.Values) *response {
	t.Helper()
	page := b.do(http.MethodGet, path, "", "")
	if page.status != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, page.status)
	}
	csrf, _ := page.doc.Find(`input[name="csrf"]`).Attr("value")
	v := url.Values{"csrf": {csrf}}
	for k, vs := range fields {
		v[k] = vs
	}
	return b.post(path, v)
}

func passwordTwice(name, pw, again string) url.Values {
	v := url.Values{"password": {pw}, "password_confirm": {again}}
	if name != "" {
		v.Set("name", name)
	}
	return v
}

// signedInEvents is what the home page lists for b, one "event | role |
// status" a row, or nil when b is not signed in.
func signedInEvents(t *testing.T, b *shop) []string {
	t.Helper()
	home := b.do(http.MethodGet, "/", "", "")
	if home.status != http.StatusOK {
		return nil
	}
	var rows []string
	for _, tr := range home.doc.Find("table.events tbody tr").EachIter() {
		var cells []string
		for _, td := range tr.Find("td").EachIter() {
			cells = append(cells, strings.Join(strings.Fields(td.Text()), " "))
		}
		rows = append(rows, strings.Join(cells, " | "))
	}
	return rows
}

func TestInviteLink(t *testing.T) {
	s, ev, mia := consoleServer(t)
	ctx := context.Background()
	other, err := s.db.TenantBySlug(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	token := inviteToken(t, s, "Ines@Example.com", ev, staff.RoleFulfilment)
	path := "/invite/" + token

	nothingWritten := func(t *testing.T) {
		t.Helper()
		st, err := s.staff.StaffByEmail(ctx, "ines@example.com")
		if err != nil {
			t.Fatal(err)
		}
		members, err := s.staff.Memberships(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.PasswordSet || len(members) != 0 {
			t.Fatalf("a refused form wrote: password set %v, memberships %v", st.PasswordSet, members)
		}
	}

	t.Run("a link that cannot be one of ours is a 404 at once", func(t *testing.T) {
		r := s.browser().do(http.MethodGet, "/invite/not-a-token", "", "")
		if r.status != 404 || r.text(".message") != linkInvalid {
			t.Fatalf("status %d, message %q", r.status, r.text(".message"))
		}
	})
	t.Run("the form asks for a name and the password twice", func(t *testing.T) {
		r := s.browser().do(http.MethodGet, path, "", "")
		form := r.doc.Find(`form[action="` + path + `"]`)
		if r.status != 200 || r.header.Get("Cache-Control") != "no-store" || form.Find(`input[name="name"], input[type="password"]`).Length() != 3 {
			t.Fatalf("status %d, cache %q, form %q", r.status, r.header.Get("Cache-Control"), form.Text())
		}
	})
	problems := []struct {
		name, field, message string
		form                 url.Values
	}{
		{"a short password", "password", "Choose a password of at least 12 characters.", passwordTwice("Ines", "too short", "too short")},
		{"a mistyped repetition", "password_confirm", "", passwordTwice("Ines", "a long enough password", "a long enough passwort")},
		{"a missing name", "name", "Enter your name.", passwordTwice(" ", "a long enough password", "a long enough password")},
	}
	for _, tc := range problems {
		t.Run(tc.name+" is shown next to its field with 422, writing nothing", func(t *testing.T) {
			r := fillInForm(t, s.browser(), path, tc.form)
			got := r.text("#" + tc.field + "-error")
			if r.status != http.StatusUnprocessableEntity || got == "" || (tc.message != "" && got != tc.message) {
				t.Fatalf("status %d, %s error %q", r.status, tc.field, got)
			}
			if v, _ := r.doc.Find(`input[name="name"]`).Attr("value"); v != tc.form.Get("name") {
				t.Errorf("name not kept: %q", v)
			}
			if r.doc.Find(`input[name="password"][value]`).Length() != 0 {
				t.Error("the password is sent back in the page")
			}
			nothingWritten(t)
		})
	}
	t.Run("without the form's token the invitation is refused", func(t *testing.T) {
		r := s.browser().post(path, passwordTwice("Ines", "a long enough password", "a long enough password"))
		if r.status != 403 {
			t.Fatalf("status %d", r.status)
		}
		nothingWritten(t)
	})
	t.Run("the link, after all that, signs the new member in with the invited role", func(t *testing.T) {
		b := s.browser()
		r := fillInForm(t, b, path, passwordTwice(" Ines ", "a long enough password", "a long enough password"))
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Fatalf("status %d to %q: %s", r.status, r.header.Get("Location"), r.text("main"))
		}
		if rows := signedInEvents(t, b); len(rows) != 1 || !strings.Contains(rows[0], "(devcon) | fulfilment |") {
			t.Fatalf("home lists %q", rows)
		}
		if st, err := s.staff.StaffByEmail(ctx, "ines@example.com"); err != nil || st.Name != "Ines" {
			t.Fatalf("account %+v, %v", st, err)
		}
		if r := signIn(s.browser(), "ines@example.com", "a long enough password"); r.status != http.StatusSeeOther {
			t.Fatalf("the chosen password does not sign in: %d", r.status)
		}
	})
	t.Run("the link works once", func(t *testing.T) {
		b := s.browser()
		page := b.do(http.MethodGet, "/login", "", "") // any page sets the pre-session cookie
		csrf, _ := page.doc.Find(`input[name="csrf"]`).Attr("value")
		form := passwordTwice("Mallory", "another long password", "another long password")
		form.Set("csrf", csrf)
		r := b.post(path, form)
		if r.status != 404 || r.text(".message") != linkInvalid {
			t.Fatalf("second use: status %d, message %q", r.status, r.text(".message"))
		}
	})
	t.Run("an existing member who types their password joins and is signed in", func(t *testing.T) {
		b := s.browser()
		r := fillInForm(t, b, "/invite/"+inviteToken(t, s, mia.Email, other, staff.RoleOwner), passwordTwice("Mia", "correct horse battery", "correct horse battery"))
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Fatalf("status %d to %q", r.status, r.header.Get("Location"))
		}
		if rows := signedInEvents(t, b); len(rows) != 2 || !strings.Contains(strings.Join(rows, "\n"), "(other) | owner |") {
			t.Fatalf("home lists %q", rows)
		}
	})
	t.Run("an existing member who types another password joins but keeps theirs", func(t *testing.T) {
		third := s.event("third", tenant.StatusActive, blue)
		b := s.browser()
		r := fillInForm(t, b, "/invite/"+inviteToken(t, s, mia.Email, third, staff.RoleMarketing), passwordTwice("Mia", "a brand new password", "a brand new password"))
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?notice=invite_accepted" {
			t.Fatalf("status %d to %q", r.status, r.header.Get("Location"))
		}
		if signedInEvents(t, b) != nil {
			t.Fatal("signed in without the account's password")
		}
		b = s.browser()
		if r := signIn(b, mia.Email, "correct horse battery"); r.status != http.StatusSeeOther {
			t.Fatalf("the old password no longer signs in: %d", r.status)
		}
		if rows := signedInEvents(t, b); len(rows) != 3 {
			t.Fatalf("home lists %q", rows)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	s, _, mia := consoleServer(t)
	ctx := context.Background()
	const newPassword = "a fresh new passphrase"

	t.Run("a known and an unknown address get the same answer", func(t *testing.T) {
		known := fillInForm(t, s.browser(), "/reset", url.Values{"email": {" Marketing@Example.com "}})
		unknown := fillInForm(t, s.browser(), "/reset", url.Values{"email": {"nobody@example.com"}})
		if known.status != 200 || known.doc.Find("#reset-sent").Length() != 1 {
			t.Fatalf("known: status %d: %s", known.status, known.text("main"))
		}
		if unknown.status != known.status || unknown.body != known.body {
			t.Fatalf("the pages differ:\n%s\n---\n%s", known.body, unknown.body)
		}
	})
	t.Run("an address that is none is shown next to the field", func(t *testing.T) {
		r := fillInForm(t, s.browser(), "/reset", url.Values{"email": {"not an address"}})
		if r.status != http.StatusUnprocessableEntity || r.text("#email-error") != "This is not a valid email address." {
			t.Fatalf("status %d, error %q", r.status, r.text("#email-error"))
		}
		if v, _ := r.doc.Find(`input[name="email"]`).Attr("value"); v != "not an address" {
			t.Errorf("email not kept: %q", v)
		}
	})
	t.Run("without the form's token the request is refused", func(t *testing.T) {
		if r := s.browser().post("/reset", url.Values{"email": {mia.Email}}); r.status != 403 {
			t.Fatalf("status %d", r.status)
		}
	})

	before := s.browser()
	if r := signIn(before, mia.Email, "correct horse battery"); r.status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", r.status)
	}
	// The link the log shows; email will carry it later.
	token, err := s.staff.RequestReset(ctx, mia.Email, time.Now())
	if err != nil || token == "" {
		t.Fatalf("reset link %q, %v", token, err)
	}
	path := "/reset/" + token

	t.Run("a malformed link is a 404", func(t *testing.T) {
		if r := s.browser().do(http.MethodGet, "/reset/"+strings.Repeat("x", 10), "", ""); r.status != 404 || r.text(".message") != linkInvalid {
			t.Fatalf("status %d, message %q", r.status, r.text(".message"))
		}
	})
	t.Run("a new password without the form's token is refused", func(t *testing.T) {
		if r := s.browser().post(path, passwordTwice("", newPassword, newPassword)); r.status != 403 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("a short or mistyped password is shown next to its field and spends nothing", func(t *testing.T) {
		short := fillInForm(t, s.browser(), path, passwordTwice("", "short", "short"))
		if short.status != http.StatusUnprocessableEntity || short.text("#password-error") != "Choose a password of at least 12 characters." {
			t.Fatalf("short: status %d, error %q", short.status, short.text("#password-error"))
		}
		differ := fillInForm(t, s.browser(), path, passwordTwice("", newPassword, newPassword+"!"))
		if differ.status != http.StatusUnprocessableEntity || differ.text("#password_confirm-error") == "" {
			t.Fatalf("mistyped: status %d, error %q", differ.status, differ.text("#password_confirm-error"))
		}
	})
	t.Run("the link sets the password and signs the account out everywhere", func(t *testing.T) {
		r := fillInForm(t, s.browser(), path, passwordTwice("", newPassword, newPassword))
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?notice=password_reset" {
			t.Fatalf("status %d to %q: %s", r.status, r.header.Get("Location"), r.text("main"))
		}
		if signedInEvents(t, before) != nil {
			t.Fatal("a session from before the reset still works")
		}
		if r := signIn(s.browser(), mia.Email, "correct horse battery"); r.status != http.StatusUnauthorized {
			t.Fatalf("the old password: %d", r.status)
		}
		b := s.browser()
		if r := signIn(b, mia.Email, newPassword); r.status != http.StatusSeeOther || len(signedInEvents(t, b)) != 1 {
			t.Fatalf("the new password: %d", r.status)
		}
	})
	t.Run("the link works once", func(t *testing.T) {
		b := s.browser()
		page := b.do(http.MethodGet, "/reset", "", "")
		csrf, _ := page.doc.Find(`input[name="csrf"]`).Attr("value")
		form := passwordTwice("", "yet another password", "yet another password")
		form.Set("csrf", csrf)
		if r := b.post(path, form); r.status != 404 || r.text(".message") != linkInvalid {
			t.Fatalf("second use: status %d, message %q", r.status, r.text(".message"))
		}
	})
}

func TestLoginPageNotices(t *testing.T) {
	s, _, _ := consoleServer(t)
	r := s.browser().do(http.MethodGet, "/login?notice=password_reset", "", "")
	if !strings.HasPrefix(r.text("#login-notice"), "Your password has been changed") {
		t.Fatalf("notice %q", r.text("#login-notice"))
	}
	if r := s.browser().do(http.MethodGet, "/login?notice=<script>", "", ""); r.doc.Find("#login-notice").Length() != 0 {
		t.Fatal("an unknown notice is shown")
	}
	if href, _ := r.doc.Find(`a[href="/reset"]`).Attr("href"); href != "/reset" {
		t.Fatal("no link to reset a forgotten password")
	}
}

// Until email exists, a developer finds the reset link in the log.
func TestResetLinkIsLogged(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	if _, err := s.staff.CreateStaff(ctx, "marketing@example.com", "Mia", false); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	logs := s.logs
	const msg = "password reset link (no email yet)"
	fillInForm(t, b, "/reset", url.Values{"email": {"nobody@example.com"}})
	if got := logs.entries(t, msg); len(got) != 0 {
		t.Fatalf("a link logged for an unknown address: %v", got)
	}
	fillInForm(t, b, "/reset", url.Values{"email": {"Marketing@Example.com"}})
	got := logs.entries(t, msg)
	if len(got) != 1 || got[0]["level"] != "INFO" || got[0]["email"] != "marketing@example.com" {
		t.Fatalf("log entries %v", got)
	}
	path, _ := got[0]["path"].(string)
	token, ok := strings.CutPrefix(path, "/reset/")
	if !ok {
		t.Fatalf("path %q", path)
	}
	if err := s.staff.ResetPassword(ctx, token, "a fresh new passphrase", time.Now()); err != nil {
		t.Fatalf("the logged link: %v", err)
	}
}
