// Package edge gives the platform its certificates: with TLS=acme, every
// name the platform serves (SLUG.BASE_DOMAIN and verified custom domains)
// gets a valid certificate from an ACME CA the first time a browser asks for
// it, through certmagic, and no other name ever gets one.
//
// # Wiring
//
// The application builds one Edge per process and shares its certificates
// with the other replicas through Storage (tenant/certstore on Postgres):
//
//	e, err := edge.New(edge.Config{
//		CA:          os.Getenv("ACME_CA"), // empty: Let's Encrypt production
//		Email:       os.Getenv("ACME_EMAIL"),
//		Storage:     certstore.New(database),
//		Allow:       cache.MayServe, // from memory: see Config.Allow
//		BaseDomain:  os.Getenv("BASE_DOMAIN"),
//		DNSProvider: provider, // optional: one wildcard for BASE_DOMAIN
//		Logger:      logger,
//	})
//	defer e.Stop() // after the listeners are closed
//	if err := e.Manage(ctx); err != nil { … } // the wildcard, when DNSProvider is set
//	https := tls.NewListener(ln443, e.TLSConfig()) // the app's HTTPS server
//	go http.Serve(ln80, e.HTTPHandler(nil))        // port 80: challenges + redirect
//
// Each piece has one place:
//
//   - TLSConfig goes on the port 443 listener, as it is: its GetCertificate
//     picks or obtains the certificate, and its NextProtos offer
//     "http/1.1" and "acme-tls/1" (the TLS-ALPN-01 challenge is answered
//     there). Prepend "h2" only when the server behind it speaks HTTP/2;
//     Fiber (fasthttp) does not.
//   - HTTPHandler serves port 80 with net/http: it answers HTTP-01
//     challenges, whichever replica started them, and sends everything else
//     to https:// with a 308. The HTTPS app adds the HSTS header.
//   - Manage runs at startup, before the HTTPS listener accepts: names it
//     covers are served only from the certificates it loads.
//   - Forget follows the tenant cache: when a name stops being served, the
//     replicas drop its certificate from memory.
//   - CertificateState is for ops (CLI, console): storage reads per call.
//
// # What is asked of the CA, and when
//
// A handshake for a name with no certificate in memory asks Allow first:
// a refusal ends the handshake with a TLS alert ("internal error") before
// storage or the CA is touched, so floods of made-up names cost memory
// lookups only. An allowed name is loaded from storage, or else obtained
// (one ACME order, ECDSA P-256 key) while the handshake waits, about a
// second. Across replicas a lock in Storage makes sure one order is placed
// per name; the others wait and load it. An on-demand certificate is
// renewed by the handshakes that use it once it is in its renewal window,
// asking Allow again; a name no longer allowed is dropped then, or at once
// by Forget.
//
// A failed first issuance is remembered for FailureBackoff: handshakes for
// that name are refused meanwhile instead of sending the CA a new order
// each, which Let's Encrypt would count against its failed-validation limit
// (5 per hostname per hour).
package edge

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caddyserver/certmagic"
	"go.uber.org/zap"

	"marquee/tenant"
)

// HSTS is the Strict-Transport-Security value the HTTPS app sends with
// every response once TLS=acme: two years, the preload list's minimum, and
// every subdomain, since every event lives under BASE_DOMAIN and is served
// over HTTPS from its first request. Custom domains get it for their own
// name; includeSubDomains there covers only names below the custom domain,
// which the platform serves the same way or not at all.
const HSTS = "max-age=63072000; includeSubDomains"

// DefaultFailureBackoff is how long a name whose first issuance failed is
// refused before the next attempt (Config.FailureBackoff).
const DefaultFailureBackoff = 10 * time.Minute

// Config is what an Edge needs. Storage and Allow are required.
type Config struct {
	// CA is the ACME directory URL (default: Let's Encrypt production).
	CA string
	// Email is the ACME account's contact; the CA writes to it about
	// expiring certificates and policy changes. Building an Edge agrees to
	// the CA's subscriber agreement.
	Email string
	// CARoots are the roots trusted when talking to the CA, for a private
	// CA such as Pebble; nil trusts the system's roots.
	CARoots *x509.CertPool

	// Storage holds certificates, keys, ACME accounts, challenge tokens
	// and the recorded failures; all replicas must share it.
	Storage certmagic.Storage
	// Allow decides whether name may have a certificate: nil means yes.
	// It is asked during TLS handshakes for names not yet in memory, also
	// for names nobody serves, as often as clients care to ask, and again
	// at each renewal, so it must answer from memory (the tenant cache),
	// never from the database. Names reach it normalised: lowercase ASCII,
	// IDNs as A-labels, no IP addresses.
	Allow func(ctx context.Context, name string) error
	// Certificates is told of each certificate obtained (true) or failed
	// (false), e.g. by the metrics; nil: nobody.
	Certificates func(obtained bool)

	// BaseDomain is the platform's domain; events live at SLUG.BaseDomain.
	BaseDomain string
	// DNSProvider, when set, lets Manage cover BaseDomain with one wildcard
	// certificate (*.BaseDomain, and one for BaseDomain itself) through the
	// DNS-01 challenge, the only one a CA accepts for a wildcard. One
	// certificate for every event instead of one each matters because
	// Let's Encrypt issues at most 50 new certificates per registered
	// domain per week: an ops team provisioning a busy season of events on
	// one BASE_DOMAIN would hit that, and every renewal counts too. Custom
	// domains are each their own registered domain and stay on demand.
	// Without a provider each subdomain gets its own certificate on demand.
	DNSProvider certmagic.DNSProvider
	// DNSResolvers are the DNS servers ("host:port") asked for the zone
	// of BaseDomain and to check that challenge records have propagated;
	// empty means the system's.
	DNSResolvers []string

	// ListenHost is where certmagic opens challenge listeners of its own
	// when nothing listens on the challenge ports: empty is every
	// interface, as production wants; tests use 127.0.0.1.
	ListenHost string
	// HTTPPort is the port of HTTPHandler's listener in this process
	// (0: 80). The CA always comes to port 80; certmagic checks that
	// something listens on HTTPPort before it sends the CA there (and
	// listens itself when nothing does). Set it when port 80 is forwarded
	// to another port, and in tests.
	HTTPPort int
	// TLSALPNPort is the same for TLSConfig's listener, where TLS-ALPN-01
	// challenges arrive (0: 443).
	TLSALPNPort int
	// DisableTLSALPN leaves only HTTP-01 (and DNS-01) challenges: set it
	// when port 443 does not reach TLSConfig directly.
	DisableTLSALPN bool

	// FailureBackoff is how long handshakes for a name whose first
	// issuance failed are refused before another order is tried
	// (default DefaultFailureBackoff).
	FailureBackoff time.Duration
	// Logger gets one line per certificate obtained or failed, and
	// certmagic's own warnings and errors (its info lines at debug).
	// Default: slog.Default().
	Logger *slog.Logger
}

// withDefaults fills in what was left empty.
func (c Config) withDefaults() Config {
	if c.CA == "" {
		c.CA = certmagic.LetsEncryptProductionCA
	}
	if c.FailureBackoff <= 0 {
		c.FailureBackoff = DefaultFailureBackoff
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.BaseDomain = strings.ToLower(strings.TrimSuffix(c.BaseDomain, "."))
	return c
}

// Validate reports the first setting an Edge cannot work with.
func (c Config) Validate() error {
	switch {
	case c.Storage == nil:
		return errors.New("edge: Storage is required (certificates must be shared by all replicas)")
	case c.Allow == nil:
		return errors.New("edge: Allow is required (which names may get a certificate)")
	case c.DNSProvider != nil && c.BaseDomain == "":
		return errors.New("edge: DNSProvider needs BaseDomain (the wildcard's domain)")
	case c.HTTPPort < 0 || c.HTTPPort > 65535 || c.TLSALPNPort < 0 || c.TLSALPNPort > 65535:
		return errors.New("edge: HTTPPort and TLSALPNPort must be ports")
	}
	if c.BaseDomain != "" && !isName(c.BaseDomain) {
		return fmt.Errorf("edge: BaseDomain %q is not a DNS name", c.BaseDomain)
	}
	if c.CA != "" {
		if u, err := url.Parse(c.CA); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return fmt.Errorf("edge: CA %q is not an ACME directory URL", c.CA)
		}
	}
	return nil
}

// Edge obtains, stores, renews and serves the platform's certificates.
type Edge struct {
	cfg Config
	log *slog.Logger

	cache *certmagic.Cache
	// onDemand serves and obtains certificates during handshakes, asking
	// Allow; upFront holds the names given to Manage (the wildcard),
	// obtained at startup and renewed by the cache's timer.
	onDemand, upFront *certmagic.Config
	issuer            *certmagic.ACMEIssuer // onDemand's: answers HTTP-01

	// managed is the set of names given to Manage, read on every
	// handshake: replaced whole, never changed in place.
	managed atomic.Pointer[map[string]bool]

	mu       sync.Mutex
	pending  map[string]time.Time // names being obtained here, since
	failures map[string]failure   // last failure per name, this replica

	ctx      context.Context // ends at Stop: background retries of Manage
	cancel   context.CancelFunc
	stopOnce sync.Once
}

// New returns an Edge for cfg. It starts the cache's maintenance (renewals
// of what Manage covers); Stop ends it.
func New(cfg Config) (*Edge, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Edge{
		cfg:      cfg,
		log:      cfg.Logger,
		pending:  map[string]time.Time{},
		failures: map[string]failure{},
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.managed.Store(&map[string]bool{})
	zlog := zap.New(slogCore{h: cfg.Logger.Handler()}).Named("certmagic")
	e.cache = certmagic.NewCache(certmagic.CacheOptions{GetConfigForCert: e.configFor, Logger: zlog})
	e.onDemand, e.issuer = e.newMagic(zlog, &certmagic.OnDemandConfig{DecisionFunc: e.decide}, nil)
	var dns *certmagic.DNS01Solver
	if cfg.DNSProvider != nil {
		dns = &certmagic.DNS01Solver{DNSManager: certmagic.DNSManager{
			DNSProvider: cfg.DNSProvider,
			Resolvers:   cfg.DNSResolvers,
			Logger:      zlog.Named("dns01"),
		}}
	}
	e.upFront, _ = e.newMagic(zlog, nil, dns)
	return e, nil
}

// newMagic is one certmagic configuration on the shared cache: on demand
// when onDemand is set, solving challenges with dns when that is set.
func (e *Edge) newMagic(zlog *zap.Logger, onDemand *certmagic.OnDemandConfig, dns *certmagic.DNS01Solver) (*certmagic.Config, *certmagic.ACMEIssuer) {
	magic := certmagic.New(e.cache, certmagic.Config{
		Storage:   e.cfg.Storage,
		OnDemand:  onDemand,
		KeySource: certmagic.StandardKeyGenerator{KeyType: certmagic.P256},
		OnEvent:   e.onEvent,
		// the per-handshake event is the only hot one, and nothing here
		// listens to it: certmagic then skips building its data
		ShouldEmitFunc: func(event string) bool { return event != "tls_get_certificate" },
		Logger:         zlog,
	})
	template := certmagic.ACMEIssuer{
		CA:                      e.cfg.CA,
		Email:                   e.cfg.Email,
		Agreed:                  true,
		TrustedRoots:            e.cfg.CARoots,
		ListenHost:              e.cfg.ListenHost,
		AltHTTPPort:             e.cfg.HTTPPort,
		AltTLSALPNPort:          e.cfg.TLSALPNPort,
		DisableTLSALPNChallenge: e.cfg.DisableTLSALPN,
		Logger:                  zlog.Named("acme"),
	}
	if dns != nil {
		template.DNS01Solver = dns
	}
	issuer := certmagic.NewACMEIssuer(magic, template)
	magic.Issuers = []certmagic.Issuer{issuer}
	return magic, issuer
}

// configFor tells the cache's maintenance which configuration renews cert:
// upFront's for what Manage covers, so that the wildcard is renewed with
// DNS-01; onDemand's otherwise (certmagic then leaves renewal to handshakes).
func (e *Edge) configFor(cert certmagic.Certificate) (*certmagic.Config, error) {
	managed := *e.managed.Load()
	for _, name := range cert.Names {
		if managed[name] {
			return e.upFront, nil
		}
	}
	return e.onDemand, nil
}

// TLSConfig is the configuration of the HTTPS listener (port 443). Each
// call returns a new value the caller may change, keeping GetCertificate
// and the "acme-tls/1" protocol.
func (e *Edge) TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		CipherSuites:   aeadSuites,
		GetCertificate: e.getCertificate,
		NextProtos:     []string{"http/1.1", acmeTLS1},
	}
}

// aeadSuites are the TLS 1.2 cipher suites offered: forward-secret AEADs
// only. Go's defaults still include the CBC suites, which testssl reports
// as prone to LUCKY13; every client that speaks TLS 1.2 has one of these.
// (TLS 1.3's suites are all AEAD and not configurable.)
var aeadSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// acmeTLS1 is the ALPN protocol of the TLS-ALPN-01 challenge (RFC 8737).
const acmeTLS1 = "acme-tls/1"

// getCertificate hands names Manage covers to upFront, which serves only
// what it holds, and every other name to onDemand. Both share one cache,
// but a handshake through onDemand that matched the wildcard would renew
// it on demand, with the wrong challenge, once it nears expiry.
func (e *Edge) getCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	if e.coveredUpFront(normalizeSNI(hello.ServerName)) != "" {
		return e.upFront.GetCertificate(hello)
	}
	return e.onDemand.GetCertificate(hello)
}

// coveredUpFront returns the name given to Manage that covers name (name
// itself or the wildcard one label up), or "" when none does.
func (e *Edge) coveredUpFront(name string) string {
	managed := *e.managed.Load()
	if len(managed) == 0 || name == "" {
		return ""
	}
	if managed[name] {
		return name
	}
	if _, parent, ok := strings.Cut(name, "."); ok && managed["*."+parent] {
		return "*." + parent
	}
	return ""
}

// normalizeSNI is certmagic's normal form of a server name.
func normalizeSNI(name string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), "."))
}

// Forget drops the on-demand certificate of name from this replica's
// memory. Until its renewal window, a certificate in memory is served
// without asking Allow; after Forget the next handshake for name asks
// again. Call it when a name stops being served (a custom domain removed,
// an event archived). Storage keeps the certificate; names given to Manage
// are not affected.
func (e *Edge) Forget(name string) {
	name = normalizeSNI(name)
	if (*e.managed.Load())[name] {
		return
	}
	e.cache.RemoveManaged([]certmagic.SubjectIssuer{{Subject: name}})
}

// Stop ends the background work: renewals of what Manage covers and its
// retries. Close the listeners first: handshakes after Stop still work
// from memory, but nothing is renewed any more.
func (e *Edge) Stop() {
	e.stopOnce.Do(func() {
		e.cancel()
		e.cache.Stop()
	})
}

// isName reports whether s is a normalised DNS name with at least two
// labels, as the platform serves them: not an IP address.
func isName(s string) bool {
	n, err := tenant.NormalizeHost(s)
	return err == nil && n == s && strings.Contains(s, ".") && !tenant.IsIPHost(s)
}
