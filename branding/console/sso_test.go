package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"marquee/db/dbtest"
	"marquee/tenant"
	"marquee/tenant/staff"
	"marquee/tenant/staff/sso"
	"marquee/tenant/staff/sso/ssotest"
	"marquee/tenant/web/webtest"
)

// The console's callback as the provider knows it; the test takes the
// path and query of where the provider sends the browser and asks the
// test server for them.
const ssoCallbackURL = "http://" + consoleHost + "/login/oidc/callback"

var ssoUsers = []ssotest.User{
	{Username: "mia", Password: "pw-mia", Email: "marketing@example.com", EmailVerified: true, Name: "Mia From IdP"},
	{Username: "nora", Password: "pw-nora", Email: "nora@example.com", EmailVerified: true, Name: "Nora New"},
	{Username: "eve", Password: "pw-eve", Email: "eve@elsewhere.test", EmailVerified: true, Name: "Eve"},
}

// ssoServer is the console with devcon's marketing member, signing in
// with a real provider process that knows ssoUsers.
func ssoServer(t *testing.T, passwordOff bool) (*testServer, *ssotest.Provider) {
	t.Helper()
	p := ssotest.Start(t, ssoCallbackURL, ssoUsers...)
	s := startWith(t, "", 0, func(s *testServer) {
		s.sso = sso.New(sso.Config{Issuer: p.Issuer, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret,
			Domains: []string{"example.com"}, Name: "Example IdP", RedirectURL: ssoCallbackURL})
		s.passwordOff = passwordOff
	})
	withConsoleMember(t, s)
	return s, p
}

// ssoBegin presses the button: the console sends the browser to the
// provider, with the state in a cookie.
func ssoBegin(t *testing.T, b *shop) string {
	t.Helper()
	r := b.get("/login/oidc")
	to := r.header.Get("Location")
	if r.status != http.StatusSeeOther || b.web().Cookie("marquee_sso") == "" {
		t.Fatalf("/login/oidc: %d to %q, sso cookie %q", r.status, to, b.web().Cookie("marquee_sso"))
	}
	return to
}

// ssoReturn signs in at the provider and returns the console's callback
// path and query the provider sent the browser back to.
func ssoReturn(t *testing.T, p *ssotest.Provider, authURL, username, password string) string {
	t.Helper()
	back, err := p.SignIn(authURL, username, password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(back)
	if err != nil || u.Host != consoleHost || u.Path != "/login/oidc/callback" {
		t.Fatalf("the provider sent the browser to %s", back)
	}
	return u.RequestURI()
}

// ssoSignIn is a whole sign-in through the provider; it returns the
// callback's answer and the callback's address.
func ssoSignIn(t *testing.T, b *shop, p *ssotest.Provider, username, password string) (*response, string) {
	t.Helper()
	callback := ssoReturn(t, p, ssoBegin(t, b), username, password)
	return b.get(callback), callback
}

func wantLoginProblem(t *testing.T, r *response, status int, messageID string) {
	t.Helper()
	if r.status != status || r.text("#login-problem") != message(t, "en", messageID) {
		t.Fatalf("got %d %q, want %d %q", r.status, r.text("#login-problem"), status, message(t, "en", messageID))
	}
}

func TestSignInWithTheOpenIDProvider(t *testing.T) {
	s, p := ssoServer(t, false)
	ctx := context.Background()

	t.Run("the sign-in page offers the provider beside the password", func(t *testing.T) {
		r := s.browser().get("/login")
		if r.text("#sso-signin") != "Sign in with Example IdP" || r.doc.Find("#password").Length() != 1 {
			t.Fatalf("button %q, password fields %d", r.text("#sso-signin"), r.doc.Find("#password").Length())
		}
	})
	t.Run("an existing account is matched by its verified email", func(t *testing.T) {
		b := s.browser()
		r, _ := ssoSignIn(t, b, p, "mia", "pw-mia")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" || b.web().Cookie("marquee_sso") != "" {
			t.Fatalf("callback: %d to %q, sso cookie left %q", r.status, r.header.Get("Location"), b.web().Cookie("marquee_sso"))
		}
		home := b.get("/")
		if home.status != http.StatusOK || home.doc.Find(`tr[data-slug="devcon"]`).Length() != 1 {
			t.Fatalf("home: %d, devcon rows %d", home.status, home.doc.Find(`tr[data-slug="devcon"]`).Length())
		}
		if got := home.text(".who"); got != message(t, "en", "console.signed_in_as", "Email", "marketing@example.com") {
			t.Fatalf("signed in as %q", got)
		}
	})
	t.Run("a new email of an allowed domain gets an account with no event", func(t *testing.T) {
		b := s.browser()
		if r, _ := ssoSignIn(t, b, p, "nora", "pw-nora"); r.status != http.StatusSeeOther {
			t.Fatalf("callback: %d %s", r.status, r.text("#login-problem"))
		}
		home := b.get("/")
		if home.status != http.StatusOK || home.doc.Find("#no-events").Length() != 1 {
			t.Fatalf("home: %d, no-events %d", home.status, home.doc.Find("#no-events").Length())
		}
		nora, err := s.staff.StaffByEmail(ctx, "nora@example.com")
		if err != nil || nora.Name != "Nora New" || nora.PasswordSet {
			t.Fatalf("account %+v, %v", nora, err)
		}
		if m, _ := s.staff.Memberships(ctx, nora.ID); len(m) != 0 {
			t.Fatalf("memberships %v", m)
		}
	})
	t.Run("a disallowed domain is refused and gets no account", func(t *testing.T) {
		b := s.browser()
		r, _ := ssoSignIn(t, b, p, "eve", "pw-eve")
		wantLoginProblem(t, r, http.StatusForbidden, "staff.sso_domain")
		if _, err := s.staff.StaffByEmail(ctx, "eve@elsewhere.test"); err == nil {
			t.Fatal("eve has an account")
		}
		if r := b.get("/"); r.status != http.StatusSeeOther {
			t.Fatalf("home after a refusal: %d", r.status)
		}
	})
	t.Run("a replayed state is refused, in the same browser or with its cookie copied", func(t *testing.T) {
		b := s.browser()
		r, callback := ssoSignIn(t, b, p, "mia", "pw-mia")
		if r.status != http.StatusSeeOther {
			t.Fatalf("first callback: %d", r.status)
		}
		wantLoginProblem(t, b.get(callback), http.StatusForbidden, "staff.sso_expired")

		u, _ := url.Parse(callback)
		thief := s.browser()
		thief.client.Jar.SetCookies(webtest.JarURL(consoleHost), []*http.Cookie{{Name: "marquee_sso", Value: u.Query().Get("state"), Path: "/"}})
		r = thief.get(callback)
		wantLoginProblem(t, r, http.StatusForbidden, "staff.sso_expired")
		if thief.web().Cookie("marquee_session") != "" {
			t.Fatal("the replay got a session")
		}
	})
	t.Run("a callback without this browser's state is refused and spends nothing", func(t *testing.T) {
		b := s.browser()
		callback := ssoReturn(t, p, ssoBegin(t, b), "mia", "pw-mia")
		wantLoginProblem(t, s.browser().get(callback), http.StatusForbidden, "staff.sso_expired")
		if r := b.get(callback); r.status != http.StatusSeeOther {
			t.Fatalf("the browser that began it: %d %s", r.status, r.text("#login-problem"))
		}
	})
	t.Run("the provider's refusal is shown and spends the state", func(t *testing.T) {
		b := s.browser()
		to, _ := url.Parse(ssoBegin(t, b))
		state := to.Query().Get("state")
		r := b.get("/login/oidc/callback?error=access_denied&state=" + url.QueryEscape(state))
		wantLoginProblem(t, r, http.StatusForbidden, "staff.sso_failed")
		b.client.Jar.SetCookies(webtest.JarURL(consoleHost), []*http.Cookie{{Name: "marquee_sso", Value: state, Path: "/"}})
		r = b.get("/login/oidc/callback?code=x&state=" + url.QueryEscape(state))
		wantLoginProblem(t, r, http.StatusForbidden, "staff.sso_expired")
	})
	t.Run("the login is audited as oidc", func(t *testing.T) {
		nora, _ := s.staff.StaffByEmail(ctx, "nora@example.com")
		entries, err := s.staff.AuditLog(ctx, nil, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Action == staff.ActionLogin && e.Subject == staff.Subject(nora.ID) && e.Detail["method"] == "oidc" {
				return
			}
		}
		t.Fatalf("no oidc login of nora in %+v", entries)
	})
}

func TestPasswordSignInOff(t *testing.T) {
	s, p := ssoServer(t, true)

	r := s.browser().get("/login")
	if r.doc.Find("#password").Length() != 0 || r.doc.Find(`a[href="/reset"]`).Length() != 0 || r.text("#sso-signin") == "" {
		t.Fatalf("sign-in page: password fields %d, reset links %d, button %q",
			r.doc.Find("#password").Length(), r.doc.Find(`a[href="/reset"]`).Length(), r.text("#sso-signin"))
	}
	b := s.browser()
	wantLoginProblem(t, signIn(b, "marketing@example.com", dbtest.Password), http.StatusForbidden, "staff.password_signin_off")
	if b.web().Cookie("marquee_session") != "" {
		t.Fatal("a password signed in")
	}
	wantLoginProblem(t, b.post("/reset", url.Values{"email": {"marketing@example.com"}}), http.StatusForbidden, "staff.password_signin_off")
	if r, _ := ssoSignIn(t, b, p, "mia", "pw-mia"); r.status != http.StatusSeeOther {
		t.Fatalf("the provider's sign-in: %d", r.status)
	}
}

// TestAnInvitationWithPasswordSignInOff: with passwords off, the
// invitation asks only for a name (a password posted anyway is not kept)
// and sends the new member to the provider's button; signing in there
// shows the event they were invited to.
func TestAnInvitationWithPasswordSignInOff(t *testing.T) {
	s, p := ssoServer(t, true)
	ev := s.event("sso-invite", tenant.StatusActive, blue)
	path := "/invite/" + inviteToken(t, s, "nora@example.com", ev, staff.RoleMarketing)

	b := s.browser()
	page := b.get(path)
	if page.status != http.StatusOK || page.doc.Find("#name").Length() != 1 || page.doc.Find("#password, #password_confirm").Length() != 0 ||
		page.text(".console-card > p") != message(t, "en", "console.invite.intro_sso") {
		t.Fatalf("invitation page: %d, name fields %d, password fields %d, intro %q", page.status,
			page.doc.Find("#name").Length(), page.doc.Find("#password, #password_confirm").Length(), page.text(".console-card > p"))
	}
	if r := fillInForm(t, b, path, url.Values{"name": {""}}); r.status != http.StatusUnprocessableEntity || r.text("#name-error") == "" {
		t.Fatalf("no name: %d, error %q", r.status, r.text("#name-error"))
	}
	r := fillInForm(t, b, path, passwordTwice("Nora", "a long enough password", "a long enough password"))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login?notice=invite_accepted_sso" {
		t.Fatalf("accept: %d to %q", r.status, r.header.Get("Location"))
	}
	if n := b.get("/login?notice=invite_accepted_sso"); n.text("#login-notice") != message(t, "en", "console.login.invite_accepted_sso") || n.text("#sso-signin") == "" {
		t.Fatalf("sign-in page: notice %q, button %q", n.text("#login-notice"), n.text("#sso-signin"))
	}
	st, err := s.staff.StaffByEmail(context.Background(), "nora@example.com")
	if err != nil || st.Name != "Nora" || st.PasswordSet {
		t.Fatalf("account %+v %v: want Nora without a password", st, err)
	}
	if r, _ := ssoSignIn(t, b, p, "nora", "pw-nora"); r.status != http.StatusSeeOther {
		t.Fatalf("the provider's sign-in: %d", r.status)
	}
	if rows := signedInEvents(t, b); len(rows) != 1 || !strings.Contains(rows[0], "(sso-invite) | marketing |") {
		t.Fatalf("home lists %q, want the event invited to", rows)
	}
}

func TestWithoutAProviderThereIsNoButton(t *testing.T) {
	s, _, _ := consoleServer(t)
	if r := s.browser().get("/login"); r.doc.Find("#sso-signin").Length() != 0 {
		t.Fatal("a button to no provider")
	}
	for _, path := range []string{"/login/oidc", "/login/oidc/callback?state=x&code=y"} {
		if r := s.browser().get(path); r.status != http.StatusNotFound {
			t.Fatalf("%s: %d", path, r.status)
		}
	}
}

func TestAProviderAwayIsSaid(t *testing.T) {
	s := startWith(t, "", 0, func(s *testServer) {
		s.sso = sso.New(sso.Config{Issuer: "http://127.0.0.1:1/", ClientID: "marquee", ClientSecret: "x", Domains: []string{"example.com"},
			Name: "Away IdP", RedirectURL: ssoCallbackURL})
	})
	b := s.browser()
	wantLoginProblem(t, b.get("/login/oidc"), http.StatusServiceUnavailable, "staff.sso_unavailable")
	if b.web().Cookie("marquee_sso") != "" {
		t.Fatal("a sign-in began without the provider")
	}
}
