package main

import (
	"cmp"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"marquee/branding/media/s3store"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/notify/mail"
	"marquee/storefront/payments"
	"marquee/tenant"
	"marquee/tenant/domains"
	"marquee/tenant/staff"
	"marquee/tenant/staff/sso"
	tenantweb "marquee/tenant/web"
)

// Config is everything the binary reads from the environment. It is read
// in main only (configFromEnv) and passed down as plain values.
type Config struct {
	DatabaseURL     string            // DATABASE_URL: owner or superuser of the database, directly or through PgBouncer
	DirectURL       string            // DATABASE_DIRECT_URL: the same, never through a transaction pooler ("": DATABASE_URL)
	DBMaxConns      int               // DB_MAX_CONNS: the request pool's connections (0: pgx's default)
	BaseDomain      string            // BASE_DOMAIN: events live at SLUG.BASE_DOMAIN
	ListenAddr      string            // LISTEN_ADDR: host:port of the HTTP server
	MetricsAddr     string            // METRICS_ADDR: host:port of the Prometheus metrics ("": none)
	SentryDSN       string            // SENTRY_DSN: where internal errors are reported ("": nowhere)
	OTLPEndpoint    string            // OTEL_EXPORTER_OTLP_ENDPOINT: where spans go over OTLP/HTTP ("": no tracing)
	TrustedProxies  tenantweb.Proxies // TRUSTED_PROXIES: comma-separated IPs or CIDRs whose X-Forwarded-Host, -For and -Proto are believed
	LogLevel        slog.Level        // LOG_LEVEL: debug, info, warn, error
	LogFormat       string            // LOG_FORMAT: json or text
	ShutdownTimeout time.Duration     // SHUTDOWN_TIMEOUT: how long in-flight requests may take to finish
	DrainDelay      time.Duration     // DRAIN_DELAY: how long serving goes on after SIGTERM, /readyz answering 503
	SecretKey       []byte            // SECRET_KEY: signs order links and form tokens; the same on every replica
	StaffPolicy     staff.Policy      // sign-in timeouts and limits (defaults; tests make hashing cheap)
	MediaDir        string            // MEDIA_DIR: images on local disk (dev's default); ignored when S3_BUCKET is set
	S3              s3store.Config    // S3_BUCKET, S3_REGION, S3_ENDPOINT, S3_PATH_STYLE, S3_PUBLIC_URL
	DNSResolver     string            // DNS_RESOLVER: host:port that custom-domain checks ask; "" = the system's
	DomainTarget    domains.Target    // DOMAIN_CNAME, DOMAIN_IPS: what custom domains must point at
	TLS             TLSConfig         // TLS, ACME_*, HTTP_ADDR, HTTPS_ADDR, DNS_PROVIDER, ROUTE53_*
	SMTPURL         string            // SMTP_URL: where email goes (smtp:// with STARTTLS, smtps://)
	SMTP            mail.Config       // parsed from SMTP_URL
	MailFrom        string            // SMTP_FROM: the sending address (default noreply@BASE_DOMAIN)
	// Stripe is the platform's Stripe account (STRIPE_SECRET_KEY,
	// STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE for tests): online payments
	// are on when both keys are set.
	Stripe     payments.Config
	MailInbox  bool           // dev without SMTP_URL: keep email in the local inbox the console shows
	Workers    int            // WORKERS: email jobs worked at once in this process; 0 leaves them to `marquee worker`
	Jobs       jobs.Options   // JOB_RETRY_BASE, JOB_TIMEOUT, JOB_RESCUE_AFTER
	EventCache int            // EVENT_CACHE_SIZE: events kept in memory, least recently viewed evicted first
	HugePages  bool           // HUGE_PAGES=on: ask for transparent huge pages for the heap (serving.HugePages)
	Backups    backupSettings // BACKUP_*: where backups go, their schedule and retention (backup_config.go)
	BackupsOn  bool           // BACKUP_S3_BUCKET or BACKUP_DIR is set
	// SSO is the platform's OpenID provider (OIDC_*, sso_config.go);
	// PasswordSignInOff (PASSWORD_SIGNIN=off) refuses staff passwords.
	SSO               sso.Config
	PasswordSignInOff bool
	// WebhooksAllowPrivate (MARQUEE_WEBHOOKS_ALLOW_PRIVATE=true, dev's
	// default) lets webhook endpoints be http:// and on private or
	// loopback addresses: tests and development only.
	WebhooksAllowPrivate bool
}

// TLSConfig is how the platform gets its certificates.
type TLSConfig struct {
	Mode        string         // TLS: "" (plain HTTP on LISTEN_ADDR, behind a proxy that terminates TLS) or "acme"
	CA          string         // ACME_CA: directory URL; "" is Let's Encrypt production
	Email       string         // ACME_EMAIL: the ACME account's contact
	RootsFile   string         // ACME_CA_ROOTS: PEM file of roots trusted for the CA (a private CA such as Pebble)
	Roots       *x509.CertPool // read from RootsFile
	HTTPAddr    string         // HTTP_ADDR: ACME HTTP-01 challenges and the redirect to HTTPS
	HTTPSAddr   string         // HTTPS_ADDR: the platform over TLS
	DNSProvider string         // DNS_PROVIDER: "" (a certificate per subdomain) or "route53" (one wildcard through DNS-01)
	Route53Zone string         // ROUTE53_HOSTED_ZONE_ID: optional; found by name when empty
	AWSRegion   string         // AWS_REGION for Route 53 (default us-east-1)
}

// configVars documents every variable: name, default, meaning. The README's
// configuration table follows it.
var configVars = [][3]string{
	{"DATABASE_URL", "(dev: a throwaway Postgres)", "Postgres URL of the schema's owner or a superuser; requests run as the marquee_app role. May go through PgBouncer in transaction pooling mode (then add default_query_exec_mode=cache_describe for PgBouncer before 1.21, and set DATABASE_DIRECT_URL)"},
	{"DATABASE_DIRECT_URL", "DATABASE_URL", "the same database and user without a transaction pooler in between, for what needs a session: the change listener, the email workers' job queue, migrations"},
	{"DB_MAX_CONNS", "the larger of 4 and the CPUs", "connections of each process's request pool (through PgBouncer: its client connections)"},
	{"BASE_DOMAIN", "localhost in dev", "events are served at SLUG.BASE_DOMAIN"},
	{"LISTEN_ADDR", ":8080", "address of the HTTP server"},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", "(off)", "OpenTelemetry collector's base URL, such as http://otel-collector:4318: a span per request goes to its /v1/traces over OTLP/HTTP, and the request log writes its trace_id"},
	{"SENTRY_DSN", "(off)", "Sentry's DSN: every internal error and panic is reported there with its request id, event and route, never the request's headers, cookies, query, body or address"},
	{"METRICS_ADDR", "(off)", "address of a second HTTP server answering GET /metrics in Prometheus's format and Go's profiles under /debug/pprof/, such as :9090; never the public listener"},
	{"TRUSTED_PROXIES", "(none)", "IPs or CIDRs of reverse proxies (load balancers) whose X-Forwarded-Host, X-Forwarded-For and X-Forwarded-Proto are believed"},
	{"LOG_LEVEL", "info", "debug, info, warn or error"},
	{"LOG_FORMAT", "json (text in dev)", "json or text"},
	{"DRAIN_DELAY", "5s (dev: 0s)", "after SIGTERM, how long serving goes on while load balancers notice /readyz answering 503; responses close their connections meanwhile"},
	{"SHUTDOWN_TIMEOUT", "20s", "after DRAIN_DELAY, how long in-flight requests may run once the listener is closed"},
	{"MEDIA_DIR", "(dev: .marquee/dev/media)", "keep uploaded images on this local directory (one machine only)"},
	{"S3_BUCKET", "(none)", "keep uploaded images in this S3 bucket (with S3_REGION, optional S3_ENDPOINT, S3_PATH_STYLE=true, S3_PUBLIC_URL; credentials from the usual AWS settings)"},
	{"DNS_RESOLVER", "(the system's)", "host:port of the DNS server that custom-domain verification asks"},
	{"DOMAIN_CNAME", "edge.BASE_DOMAIN", "the name custom domains point their CNAME at"},
	{"DOMAIN_IPS", "(none)", "comma-separated IPv4/IPv6 addresses of the platform, for apex custom domains (A/AAAA records)"},
	{"TLS", "(off)", "acme: the platform terminates TLS itself, with certificates from an ACME CA obtained on demand (LISTEN_ADDR is then unused)"},
	{"ACME_CA", "Let's Encrypt", "ACME directory URL of the CA (any RFC 8555 CA)"},
	{"ACME_EMAIL", "(none)", "contact address of the ACME account"},
	{"ACME_CA_ROOTS", "(the system's)", "PEM file of root certificates to trust when talking to a private CA"},
	{"HTTP_ADDR", ":80", "with TLS=acme: HTTP-01 challenges, /healthz and /readyz, and the redirect to HTTPS"},
	{"HTTPS_ADDR", ":443", "with TLS=acme: the platform over HTTPS"},
	{"DNS_PROVIDER", "(none)", "route53: cover BASE_DOMAIN with one wildcard certificate through DNS-01 (credentials from the usual AWS settings)"},
	{"ROUTE53_HOSTED_ZONE_ID", "(found by name)", "the Route 53 hosted zone of BASE_DOMAIN"},
	{"SMTP_URL", "(dev: the local inbox)", "smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465: where emails are sent"},
	{"SMTP_FROM", "noreply@BASE_DOMAIN", "the address emails are sent from; the sender name is the event's"},
	{"WORKERS", "100", "email jobs this process works at once (they mostly wait on the mail server); 0 leaves them to marquee worker"},
	{"JOB_RETRY_BASE", "10s", "delay before a failed email job's first retry; each next one doubles, up to an hour"},
	{"JOB_TIMEOUT", "10s", "how long one attempt of an email job may run before it is cut off and retried"},
	{"JOB_RESCUE_AFTER", "15s", "how long a job may run before it counts as abandoned by a dead worker and runs again (longer than JOB_TIMEOUT and JOB_YIELD together)"},
	{"JOB_YIELD", "3s", "in a process that also serves requests: while they queue (4 or more per core in flight), a job waits up to this long after it fell due, so a shop opening's CPU goes to attendees and its emails follow; 0: never"},
	{"EVENT_CACHE_SIZE", "11000", "events whose pages this process keeps in memory (10–15 KB each with their pages and compressed copies); past it the least recently viewed one goes and is read from the database again on its next view"},
	{"HUGE_PAGES", "off", "on: ask Linux for transparent huge pages (2 MB) for the heap: about 10 % more page views per core with 10,000 events cached, for about 30 MB more memory at 11,000 events (docs/benchmarks.md); off: leave it to the system's setting"},
	{"SECRET_KEY", "(dev: generated, kept in .marquee/dev)", "at least 32 random bytes, hex or base64: signs order links and form tokens; the same on every replica"},
}

// defaultConfig is the configuration of serve before the environment.
func defaultConfig() Config {
	return Config{ListenAddr: ":8080", LogLevel: slog.LevelInfo, LogFormat: "json", ShutdownTimeout: 20 * time.Second, DrainDelay: 5 * time.Second,
		EventCache: defaultEventCache, TLS: TLSConfig{HTTPAddr: ":80", HTTPSAddr: ":443"}, Workers: jobs.DefaultWorkers}
}

// defaultEventCache is how many events a process keeps in memory: room
// for the 10,000 events of a busy replica, and at 10–15 KB each within
// 300 MB once 100,000 events have been visited.
const defaultEventCache = 11000

// devConfig is the configuration of dev before the environment.
func devConfig() Config {
	c := defaultConfig()
	c.BaseDomain = "localhost"
	c.MailInbox = true // unless SMTP_URL is set: then dev sends like serve
	c.LogFormat = "text"
	c.DrainDelay = 0              // no load balancer to wait for: Ctrl-C stops at once
	c.WebhooksAllowPrivate = true // webhooks to a receiver on this machine
	return c
}

// configFromEnv overlays the variables that are set on c. A malformed value
// is an error naming its variable.
func configFromEnv(c Config, getenv func(string) string) (Config, error) {
	set := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	set("DATABASE_URL", &c.DatabaseURL)
	set("DATABASE_DIRECT_URL", &c.DirectURL)
	if v := strings.TrimSpace(getenv("DB_MAX_CONNS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return c, fmt.Errorf("DB_MAX_CONNS: %q is not a number from 1 to 1000", v)
		}
		c.DBMaxConns = n
	}
	set("BASE_DOMAIN", &c.BaseDomain)
	set("LISTEN_ADDR", &c.ListenAddr)
	set("METRICS_ADDR", &c.MetricsAddr)
	set("SENTRY_DSN", &c.SentryDSN)
	set("OTEL_EXPORTER_OTLP_ENDPOINT", &c.OTLPEndpoint)
	set("LOG_FORMAT", &c.LogFormat)
	set("MEDIA_DIR", &c.MediaDir)
	set("S3_BUCKET", &c.S3.Bucket)
	set("S3_REGION", &c.S3.Region)
	set("S3_ENDPOINT", &c.S3.Endpoint)
	set("S3_PUBLIC_URL", &c.S3.PublicBaseURL)
	if v := getenv("S3_PATH_STYLE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("S3_PATH_STYLE: %q is neither true nor false", v)
		}
		c.S3.PathStyle = b
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("LOG_LEVEL: %q is not one of debug, info, warn, error", v)
		}
	}
	if v := getenv("SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("SHUTDOWN_TIMEOUT: %q is not a positive duration such as 20s", v)
		}
		c.ShutdownTimeout = d
	}
	if v := getenv("DRAIN_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return c, fmt.Errorf("DRAIN_DELAY: %q is not a duration such as 5s (0s drains not at all)", v)
		}
		c.DrainDelay = d
	}
	if v := strings.TrimSpace(getenv("SECRET_KEY")); v != "" {
		key, err := parseSecretKey(v)
		if err != nil {
			return c, err
		}
		c.SecretKey = key
	}
	set("TLS", &c.TLS.Mode)
	set("ACME_CA", &c.TLS.CA)
	set("ACME_EMAIL", &c.TLS.Email)
	set("ACME_CA_ROOTS", &c.TLS.RootsFile)
	set("HTTP_ADDR", &c.TLS.HTTPAddr)
	set("HTTPS_ADDR", &c.TLS.HTTPSAddr)
	set("DNS_PROVIDER", &c.TLS.DNSProvider)
	set("ROUTE53_HOSTED_ZONE_ID", &c.TLS.Route53Zone)
	set("AWS_REGION", &c.TLS.AWSRegion)
	if c.TLS.RootsFile != "" {
		pem, err := os.ReadFile(c.TLS.RootsFile)
		if err != nil {
			return c, fmt.Errorf("ACME_CA_ROOTS: %v", err)
		}
		c.TLS.Roots = x509.NewCertPool()
		if !c.TLS.Roots.AppendCertsFromPEM(pem) {
			return c, fmt.Errorf("ACME_CA_ROOTS: %s holds no PEM certificate", c.TLS.RootsFile)
		}
	}
	set("SMTP_URL", &c.SMTPURL)
	if c.SMTPURL != "" {
		smtp, err := mail.ParseURL(c.SMTPURL)
		if err != nil {
			return c, err
		}
		c.SMTP = smtp
	}
	set("SMTP_FROM", &c.MailFrom)
	set("STRIPE_SECRET_KEY", &c.Stripe.SecretKey)
	set("STRIPE_WEBHOOK_SECRET", &c.Stripe.WebhookSecret)
	set("STRIPE_API_BASE", &c.Stripe.APIBase)
	if v := strings.TrimSpace(getenv("MARQUEE_WEBHOOKS_ALLOW_PRIVATE")); v != "" {
		allow, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("MARQUEE_WEBHOOKS_ALLOW_PRIVATE: %q is not true or false", v)
		}
		c.WebhooksAllowPrivate = allow
	}
	if v := strings.TrimSpace(getenv("WORKERS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			return c, fmt.Errorf("WORKERS: %q is not a number from 0 to 1000", v)
		}
		c.Workers = n
	}
	if v := strings.TrimSpace(getenv("JOB_YIELD")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return c, fmt.Errorf("JOB_YIELD: %q is not a duration such as 3s (0: never)", v)
		}
		c.Jobs.Yield = cmp.Or(d, -1) // 0 in Options is the default
	}
	for name, dst := range map[string]*time.Duration{"JOB_RETRY_BASE": &c.Jobs.RetryBase, "JOB_TIMEOUT": &c.Jobs.JobTimeout, "JOB_RESCUE_AFTER": &c.Jobs.RescueAfter} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return c, fmt.Errorf("%s: %q is not a positive duration such as 10s", name, v)
			}
			*dst = d
		}
	}
	if v := strings.TrimSpace(getenv("EVENT_CACHE_SIZE")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000000 {
			return c, fmt.Errorf("EVENT_CACHE_SIZE: %q is not a number from 1 to 10000000", v)
		}
		c.EventCache = n
	}
	switch v := strings.TrimSpace(getenv("HUGE_PAGES")); v {
	case "", "off":
	case "on":
		c.HugePages = true
	default:
		return c, fmt.Errorf("HUGE_PAGES: %q is neither on nor off", v)
	}
	backups, on, err := backupSettingsFromEnv(getenv)
	if err != nil {
		return c, err
	}
	c.Backups, c.BackupsOn = backups, on
	set("DNS_RESOLVER", &c.DNSResolver)
	set("DOMAIN_CNAME", &c.DomainTarget.CNAME)
	if c.DomainTarget.CNAME == "" && c.BaseDomain != "" {
		c.DomainTarget.CNAME = "edge." + c.BaseDomain
	}
	for _, v := range splitList(getenv("DOMAIN_IPS")) {
		ip, err := netip.ParseAddr(v)
		if err != nil {
			return c, fmt.Errorf("DOMAIN_IPS: %q is not an IP address", v)
		}
		c.DomainTarget.IPs = append(c.DomainTarget.IPs, ip)
	}
	proxies, err := parseProxies(getenv("TRUSTED_PROXIES"))
	if err != nil {
		return c, err
	}
	c.TrustedProxies = proxies
	return ssoFromEnv(c, getenv)
}

// parseSecretKey accepts hex or base64 (standard or URL alphabet) of at
// least 32 bytes.
func parseSecretKey(v string) ([]byte, error) {
	for _, decode := range []func(string) ([]byte, error){hex.DecodeString, base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString, base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString} {
		if key, err := decode(v); err == nil {
			if len(key) < 32 {
				return nil, fmt.Errorf("SECRET_KEY: %d bytes is too short; use at least 32 random bytes (openssl rand -hex 32)", len(key))
			}
			return key, nil
		}
	}
	return nil, fmt.Errorf("SECRET_KEY: neither hex nor base64; use at least 32 random bytes (openssl rand -hex 32)")
}

func parseProxies(v string) (tenantweb.Proxies, error) {
	var out tenantweb.Proxies
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %q is neither an IP address nor a CIDR", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// directURL reaches the database without a transaction pooler:
// DATABASE_DIRECT_URL, or DATABASE_URL when it is unset.
func (c Config) directURL() string {
	if c.DirectURL != "" {
		return c.DirectURL
	}
	return c.DatabaseURL
}

// Validate checks a complete configuration; the error names the variable.
func (c Config) Validate() error {
	if c.DatabaseURL == "" {
		return fmt.Errorf("DATABASE_URL is required (a Postgres URL such as postgres://marquee@db.internal:5432/marquee)")
	}
	if _, err := pgxpool.ParseConfig(c.DatabaseURL); err != nil {
		return fmt.Errorf("DATABASE_URL: not a valid Postgres URL: %v", err)
	}
	if c.DirectURL != "" {
		if _, err := pgxpool.ParseConfig(c.DirectURL); err != nil {
			return fmt.Errorf("DATABASE_DIRECT_URL: not a valid Postgres URL: %v", err)
		}
	}
	if (c.Stripe.SecretKey == "") != (c.Stripe.WebhookSecret == "") {
		return fmt.Errorf("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET go together: set both to take payments online, or neither")
	}
	if c.BaseDomain == "" {
		return fmt.Errorf("BASE_DOMAIN is required (the domain whose subdomains are events, such as example.com)")
	}
	if d, err := tenant.NormalizeHost(c.BaseDomain); err != nil || d != c.BaseDomain || tenant.IsIPHost(d) {
		return fmt.Errorf("BASE_DOMAIN: %q is not a lowercase domain name without port, such as example.com", c.BaseDomain)
	}
	if _, port, err := net.SplitHostPort(c.ListenAddr); err != nil || port == "" {
		return fmt.Errorf("LISTEN_ADDR: %q is not host:port, such as :8080 or 127.0.0.1:8080", c.ListenAddr)
	}
	if _, port, err := net.SplitHostPort(c.MetricsAddr); c.MetricsAddr != "" && (err != nil || port == "") {
		return fmt.Errorf("METRICS_ADDR: %q is not host:port, such as :9090 or 127.0.0.1:9090", c.MetricsAddr)
	}
	if err := c.TLS.validate(); err != nil {
		return err
	}
	if len(c.SecretKey) == 0 {
		return fmt.Errorf("SECRET_KEY is required (at least 32 random bytes, hex or base64: openssl rand -hex 32)")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return fmt.Errorf("LOG_FORMAT: %q is neither json nor text", c.LogFormat)
	}
	if err := c.validateMedia(); err != nil {
		return err
	}
	if c.SMTPURL == "" && !c.MailInbox {
		return fmt.Errorf("SMTP_URL is required (smtp://user:pass@mail.example.com:587); marquee dev keeps email in a local inbox instead")
	}
	if err := c.Jobs.Validate(); err != nil {
		return fmt.Errorf("JOB_RESCUE_AFTER and JOB_TIMEOUT: %v", err)
	}
	if c.Workers > 0 {
		// serve's workers yield to its requests (startWorkers).
		withBusy := c.Jobs
		withBusy.Busy = func() bool { return false }
		if err := withBusy.Validate(); err != nil {
			return fmt.Errorf("JOB_RESCUE_AFTER, JOB_TIMEOUT and JOB_YIELD: %v", err)
		}
	}
	if c.MailFrom != "" {
		if a, err := netmail.ParseAddress(c.MailFrom); err != nil || a.Name != "" {
			return fmt.Errorf("SMTP_FROM: %q is not a plain email address such as noreply@example.com", c.MailFrom)
		}
	}
	return nil
}

func (t TLSConfig) validate() error {
	switch t.Mode {
	case "":
		return nil
	case "acme":
	default:
		return fmt.Errorf("TLS: %q is not acme (leave it unset to serve plain HTTP behind a proxy)", t.Mode)
	}
	if t.CA != "" {
		if u, err := url.Parse(t.CA); err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("ACME_CA: %q is not an https:// directory URL", t.CA)
		}
	}
	for name, addr := range map[string]string{"HTTP_ADDR": t.HTTPAddr, "HTTPS_ADDR": t.HTTPSAddr} {
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			return fmt.Errorf("%s: %q is not host:port, such as :443", name, addr)
		}
	}
	if t.DNSProvider != "" && t.DNSProvider != "route53" {
		return fmt.Errorf("DNS_PROVIDER: %q is not route53 (leave it unset for a certificate per subdomain)", t.DNSProvider)
	}
	return nil
}

// validateMedia checks where uploaded images go: an S3 bucket, or a local
// directory.
func (c Config) validateMedia() error {
	switch {
	case c.S3.Bucket == "" && c.MediaDir == "":
		return fmt.Errorf("MEDIA_DIR or S3_BUCKET is required (where uploaded images are kept)")
	case c.S3.Bucket == "":
		return nil
	case c.S3.Region == "":
		return fmt.Errorf("S3_REGION is required with S3_BUCKET")
	}
	if err := c.S3.Validate(); err != nil {
		return fmt.Errorf("S3_ENDPOINT or S3_PUBLIC_URL: %v", err)
	}
	return nil
}

// newLogger returns the process's structured logger.
// logGatherDelay is how long serve's JSON log gathers request lines before
// writing them together (tenantweb.NewBufferedJSONLog).
const logGatherDelay = 50 * time.Millisecond

// newServeLogger is newLogger for serve: its JSON log gathers request
// lines for logGatherDelay and writes them in one go; flush writes what is
// gathered (serve calls it when it stops).
func (c Config) newServeLogger(w interface{ Write([]byte) (int, error) }) (log *slog.Logger, flush func()) {
	if c.LogFormat == "text" {
		return c.newLogger(w), func() {}
	}
	h := tenantweb.NewBufferedJSONLog(w, &slog.HandlerOptions{Level: c.LogLevel}, logGatherDelay)
	return slog.New(h), func() { _ = h.Flush() }
}

func (c Config) newLogger(w interface{ Write([]byte) (int, error) }) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(tenantweb.NewJSONLog(w, opts))
}
