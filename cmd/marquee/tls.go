package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/caddyserver/certmagic"

	"marquee/db"
	"marquee/tenant"
	"marquee/tenant/certstore"
	"marquee/tenant/edge"
	"marquee/tenant/edge/route53"
	"marquee/tenant/provision"
	"marquee/tenant/web/serving"
)

// newEdge builds the certificate side of TLS=acme: certificates in
// Postgres (every replica serves the same ones, a name is obtained once),
// and the on-demand decision answered from the in-memory directory of
// events and verified domains.
func newEdge(cfg Config, database *db.DB, dir *tenant.Directory, log *slog.Logger, provider certmagic.DNSProvider, counted func(obtained bool)) (*edge.Edge, error) {
	ec := edge.Config{CA: cfg.TLS.CA, Email: cfg.TLS.Email, CARoots: cfg.TLS.Roots, Logger: log, Certificates: counted,
		Storage: certstore.New(database, certstore.WithLogger(log)), BaseDomain: cfg.BaseDomain, DNSProvider: provider}
	if dir != nil {
		ec.Allow = dir.Allow
	} else {
		// Ops tools read certificate states only: they never obtain one.
		ec.Allow = func(context.Context, string) error { return errors.New("read-only edge") }
	}
	if cfg.DNSResolver != "" {
		ec.DNSResolvers = []string{cfg.DNSResolver}
	}
	ec.ListenHost, ec.HTTPPort, ec.TLSALPNPort = challengeListeners(cfg.TLS)
	return edge.New(ec)
}

// challengeListeners tells certmagic where this process's own port 80
// and 443 listeners are (HTTP_ADDR, HTTPS_ADDR): it finds them taken and
// leaves the challenges to them rather than opening listeners of its own,
// also when a load balancer forwards 80 and 443 to other ports. Port 0 or
// a named port leaves edge's defaults (80 and 443).
func challengeListeners(t TLSConfig) (host string, httpPort, httpsPort int) {
	httpHost, httpPortText, _ := net.SplitHostPort(t.HTTPAddr)
	httpsHost, httpsPortText, _ := net.SplitHostPort(t.HTTPSAddr)
	httpPort, _ = strconv.Atoi(httpPortText)
	httpsPort, _ = strconv.Atoi(httpsPortText)
	if httpHost == httpsHost {
		host = httpHost
	}
	return host, httpPort, httpsPort
}

// useACME gives the platform what TLS=acme needs besides its listeners:
// the in-memory directory of names that may have certificates, and the
// edge that obtains them on demand, deciding from that directory.
func (p *platform) useACME(provider certmagic.DNSProvider) error {
	p.directory = tenant.NewDirectory(p.cfg.BaseDomain, p.db)
	var err error
	p.edge, err = newEdge(p.cfg, p.db, p.directory, p.log, provider, p.metrics.Certificate)
	return err
}

// serveACME serves the platform over HTTPS on httpsLn with certificates
// from the edge, and port 80's duties on httpLn (ACME HTTP-01 challenges,
// health probes, the redirect to HTTPS), until ctx is done.
func (p *platform) serveACME(ctx context.Context, httpLn, httpsLn net.Listener, ready func()) error {
	if err := p.directory.Load(ctx); err != nil {
		return fmt.Errorf("load the events for TLS: %w", err)
	}
	if err := p.edge.Manage(ctx); err != nil {
		// The wildcard keeps being retried in the background; events get
		// certificates on demand meanwhile only if no provider is set, so
		// say it loudly.
		p.log.Error("certificates managed up front are not ready", "err", err)
	}
	app := p.newApp()
	// The caches stay in step while the replica drains.
	listenCtx, stopListening := context.WithCancel(context.WithoutCancel(ctx))
	defer stopListening()
	go p.listenForChanges(listenCtx)
	go p.provision.KeepDomainsChecked(listenCtx, p.log, provision.DomainRecheckTick)

	plain := &http.Server{Handler: p.port80(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	errc := make(chan error, 2)
	go func() {
		if err := plain.Serve(httpLn); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	go func() {
		errc <- app.Listener(serving.LingeringListener{Listener: tls.NewListener(httpsLn, p.edge.TLSConfig())})
	}()
	if ready != nil {
		ready()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	plain.SetKeepAlivesEnabled(false) // port 80's answers close their connections too
	p.drain()
	p.log.Info("shutting down", "timeout", p.cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.cfg.ShutdownTimeout)
	defer cancel()
	_ = plain.Shutdown(shutdownCtx)
	err := app.ShutdownWithTimeout(p.cfg.ShutdownTimeout)
	p.edge.Stop()
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// port80 answers health probes itself (load balancers probe plain HTTP)
// and leaves everything else to the edge: challenges and the redirect.
func (p *platform) port80() http.Handler {
	edgeHandler := p.edge.HTTPHandler(nil)
	ready := p.readiness()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			_, _ = w.Write([]byte("ok\n"))
		case "/readyz":
			ready.ServeHTTP(w, r)
		default:
			edgeHandler.ServeHTTP(w, r)
		}
	})
}

// dnsProvider is the DNS-01 provider DNS_PROVIDER names, or nil.
func dnsProvider(ctx context.Context, cfg Config) (certmagic.DNSProvider, error) {
	if cfg.TLS.DNSProvider != "route53" {
		return nil, nil
	}
	p, err := route53.New(ctx, route53.Config{Region: cfg.TLS.AWSRegion, HostedZoneID: cfg.TLS.Route53Zone})
	if err != nil {
		return nil, fmt.Errorf("DNS_PROVIDER=route53: %w", err)
	}
	return p, nil
}
