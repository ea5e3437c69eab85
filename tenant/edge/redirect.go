package edge

import (
	"net/http"
	"net/url"

	"github.com/caddyserver/certmagic"

	"marquee/tenant"
)

// HTTPHandler is the whole of port 80. For a host the platform serves it
// answers ACME HTTP-01 challenges, those started by any replica (their
// tokens are in Storage), and redirects everything else to the same URL
// over https with 308, which keeps the method and body. A Host that is not
// a DNS name gets 400; a name the platform does not serve goes to fallback
// (nil: a plain 404), so that port 80 never redirects to, nor answers
// challenges for, a name someone else chose.
func (e *Edge) HTTPHandler(fallback http.Handler) http.Handler {
	if fallback == nil {
		fallback = http.NotFoundHandler()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, err := tenant.NormalizeHost(r.Host)
		if err != nil || tenant.IsIPHost(host) {
			http.Error(w, "Bad Request: the Host header is not a DNS name", http.StatusBadRequest)
			return
		}
		allowed := e.allowed(r.Context(), host)
		// a name given to Manage may use HTTP-01 whatever Allow says; the
		// names under a wildcard use DNS-01 and have no challenge here
		if certmagic.LooksLikeHTTPChallenge(r) && (allowed || e.coveredUpFront(host) == host) {
			if !e.issuer.HandleHTTPChallenge(w, r) {
				http.NotFound(w, r) // no such challenge: redirecting would not help the CA
			}
			return
		}
		if !allowed {
			fallback.ServeHTTP(w, r)
			return
		}
		target := url.URL{Scheme: "https", Host: host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
		http.Redirect(w, r, target.String(), http.StatusPermanentRedirect)
	})
}
