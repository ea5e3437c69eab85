package sso_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"marquee"
	"marquee/tenant/staff/sso"
	"marquee/tenant/staff/sso/ssotest"
)

func TestMain(m *testing.M) {
	ssotest.RunIfProvider()
	os.Exit(m.Run())
}

// The callback is never served here: the tests take its code from the
// address the provider sends the browser to.
const callback = "http://127.0.0.1:18500/login/oidc/callback"

var users = []ssotest.User{
	{Username: "ada", Password: "pw-ada", Email: "Ada@Allowed.test", EmailVerified: true, Name: "Ada Lovelace"},
	{Username: "eve", Password: "pw-eve", Email: "eve@other.test", EmailVerified: true, Name: "Eve"},
	{Username: "una", Password: "pw-una", Email: "una@allowed.test", EmailVerified: false, Name: "Una"},
	{Username: "sub", Password: "pw-sub", Email: "sub@dept.allowed.test", EmailVerified: true, Name: "Sub"},
}

func config(p *ssotest.Provider) sso.Config {
	return sso.Config{Issuer: p.Issuer, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret,
		Domains: sso.ParseDomains(" allowed.test, @example.org "), Name: "Test IdP", RedirectURL: callback}
}

// signIn starts a sign-in, signs in at the provider and returns the code
// it sent back, after checking the state came back unchanged.
func signIn(t *testing.T, c *sso.Client, p *ssotest.Provider, a sso.Attempt, username, password string) string {
	t.Helper()
	auth, err := c.AuthURL(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	q := mustURL(t, auth).Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") != a.Nonce {
		t.Fatalf("the authorization request lacks PKCE S256 or the nonce: %s", auth)
	}
	back, err := p.SignIn(auth, username, password)
	if err != nil {
		t.Fatal(err)
	}
	u := mustURL(t, back)
	if got := u.Scheme + "://" + u.Host + u.Path; got != callback {
		t.Fatalf("the provider sent the browser to %s, want the callback", back)
	}
	if u.Query().Get("state") != a.State {
		t.Fatalf("state came back as %q, want %q", u.Query().Get("state"), a.State)
	}
	return u.Query().Get("code")
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func wantRefusal(t *testing.T, err error, messageID string) {
	t.Helper()
	if marquee.ErrorCode(err) != marquee.EFORBIDDEN || marquee.ErrorMessage(err) != messageID {
		t.Fatalf("got %v, want %s (forbidden)", err, messageID)
	}
}

func TestSignInWithTheProvider(t *testing.T) {
	p := ssotest.Start(t, callback, users...)
	c := sso.New(config(p))

	t.Run("a verified email of an allowed domain is who signed in", func(t *testing.T) {
		a := sso.NewAttempt()
		id, err := c.Finish(context.Background(), signIn(t, c, p, a, "ada", "pw-ada"), a)
		if err != nil {
			t.Fatal(err)
		}
		if id.Email != "ada@allowed.test" || id.Name != "Ada Lovelace" || id.Subject != "user1" {
			t.Fatalf("identity %+v", id)
		}
	})
	t.Run("another domain is refused", func(t *testing.T) {
		a := sso.NewAttempt()
		_, err := c.Finish(context.Background(), signIn(t, c, p, a, "eve", "pw-eve"), a)
		wantRefusal(t, err, "staff.sso_domain")
	})
	t.Run("a subdomain of an allowed domain is another domain", func(t *testing.T) {
		a := sso.NewAttempt()
		_, err := c.Finish(context.Background(), signIn(t, c, p, a, "sub", "pw-sub"), a)
		wantRefusal(t, err, "staff.sso_domain")
	})
	t.Run("an email the provider has not verified is refused", func(t *testing.T) {
		a := sso.NewAttempt()
		_, err := c.Finish(context.Background(), signIn(t, c, p, a, "una", "pw-una"), a)
		wantRefusal(t, err, "staff.sso_unverified")
	})
	t.Run("a code used once is refused the second time", func(t *testing.T) {
		a := sso.NewAttempt()
		code := signIn(t, c, p, a, "ada", "pw-ada")
		if _, err := c.Finish(context.Background(), code, a); err != nil {
			t.Fatal(err)
		}
		_, err := c.Finish(context.Background(), code, a)
		wantRefusal(t, err, "staff.sso_failed")
	})
	t.Run("another PKCE verifier is refused by the provider", func(t *testing.T) {
		a := sso.NewAttempt()
		code := signIn(t, c, p, a, "ada", "pw-ada")
		other := a
		other.Verifier = sso.NewAttempt().Verifier
		_, err := c.Finish(context.Background(), code, other)
		wantRefusal(t, err, "staff.sso_failed")
	})
	t.Run("an ID token of another sign-in's nonce is refused", func(t *testing.T) {
		a := sso.NewAttempt()
		code := signIn(t, c, p, a, "ada", "pw-ada")
		other := a
		other.Nonce = sso.NewAttempt().Nonce
		_, err := c.Finish(context.Background(), code, other)
		wantRefusal(t, err, "staff.sso_failed")
	})
}

func TestTamperedIDTokenIsRefused(t *testing.T) {
	p := ssotest.Start(t, callback, users...)
	cfg := config(p)
	tamper := &Tamperer{}
	cfg.HTTPClient = &http.Client{Transport: tamper}
	c := sso.New(cfg)

	a := sso.NewAttempt()
	code := signIn(t, c, p, a, "eve", "pw-eve")
	_, err := c.Finish(context.Background(), code, a)
	wantRefusal(t, err, "staff.sso_failed")
	if tamper.altered != 1 {
		t.Fatalf("the token response was altered %d times, want 1", tamper.altered)
	}
}

// Tamperer is a man in the middle between the console and the provider:
// in every token response it adds a verified email of an allowed domain to
// the ID token (eve's is of another), keeping the provider's signature. A
// client that believed the token unchecked would sign eve in.
type Tamperer struct{ altered int }

func (m *Tamperer) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, "/token") {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil {
		return nil, err
	}
	var tok map[string]any
	if json.Unmarshal(body, &tok) == nil {
		if raw, ok := tok["id_token"].(string); ok {
			parts := strings.Split(raw, ".")
			payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
			var claims map[string]any
			_ = json.Unmarshal(payload, &claims)
			claims["email"], claims["email_verified"] = "eve@allowed.test", true
			payload, _ = json.Marshal(claims)
			parts[1] = base64.RawURLEncoding.EncodeToString(payload)
			tok["id_token"] = strings.Join(parts, ".")
			body, _ = json.Marshal(tok)
			m.altered++
		}
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	res.ContentLength = int64(len(body))
	res.Header.Del("Content-Length")
	return res, nil
}
