package ssotest

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
)

// SignIn is a person at the provider's sign-in form: it opens authURL
// (where Marquee sent the browser), signs in as username with password and
// returns the address the provider sends the browser back to (Marquee's
// callback with code and state), without following it.
func (p *Provider) SignIn(authURL, username, password string) (string, error) {
	issuer, err := url.Parse(p.Issuer)
	if err != nil {
		return "", err
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host != issuer.Host {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	res, err := client.Get(authURL)
	if err != nil {
		return "", err
	}
	_ = res.Body.Close()
	id := res.Request.URL.Query().Get("authRequestID")
	if res.StatusCode != http.StatusOK || id == "" {
		return "", fmt.Errorf("the provider answered %s at %s, not its sign-in form", res.Status, res.Request.URL)
	}
	form := url.Values{"username": {username}, "password": {password}, "id": {id}}
	res, err = client.PostForm(issuer.JoinPath("login/username").String(), form)
	if err != nil {
		return "", err
	}
	_ = res.Body.Close()
	back := res.Header.Get("Location")
	if res.StatusCode/100 != 3 || back == "" {
		return "", fmt.Errorf("the provider answered %s to the sign-in of %s, not a redirect back", res.Status, username)
	}
	return back, nil
}
