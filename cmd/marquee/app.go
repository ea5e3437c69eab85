package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"marquee/branding"
	"marquee/branding/console"
	"marquee/branding/media"
	"marquee/branding/media/diskstore"
	"marquee/branding/media/s3store"
	"marquee/db"
	"marquee/infra/metrics"
	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/notify/render"
	"marquee/storefront/payments"
	storefrontweb "marquee/storefront/web"
	"marquee/tenant"
	"marquee/tenant/api"
	"marquee/tenant/edge"
	"marquee/tenant/provision"
	tenantweb "marquee/tenant/web"
	"marquee/tenant/web/serving"
	"marquee/themes"
)

// platform is one running instance's parts, wired together.
type platform struct {
	cfg       Config
	log       *slog.Logger
	db        *db.DB
	themes    *themes.Set
	resolver  *tenant.Resolver
	sites     *storefront.Sites
	staff     *db.StaffStore
	media     media.Store
	disk      *diskstore.Store // the local-disk media store, served at /media/; nil with S3
	provision *provision.Service
	// With TLS=acme: the certificates, and the in-memory directory of the
	// names they may be for; nil otherwise.
	edge      *edge.Edge
	directory *tenant.Directory

	// Email: the renderer, where messages go (SMTP or dev's inbox), the
	// client that inserts jobs inside order transactions, and the deps of
	// the workers (started by serve unless WORKERS=0, or by marquee worker).
	renderer *render.Renderer
	sender   notify.Sender
	inserter *river.Client[pgx.Tx]
	workers  *river.Client[pgx.Tx]
	jobDeps  *jobs.Deps
	// payments is the platform's Stripe (nil: online payments are off).
	payments *payments.Client

	static fiber.Handler // the compressed encodings of /static/

	metrics  *metrics.Set             // served on METRICS_ADDR when it is set
	reporter *reporter                // Sentry's client when SENTRY_DSN is set, else nil
	tracing  *sdktrace.TracerProvider // with OTEL_EXPORTER_OTLP_ENDPOINT, else nil

	// lastChange is the tenant id of the last change notification handled:
	// tests wait on it to know that earlier notifications were applied.
	lastChange atomic.Value
	// draining is set on SIGTERM: /readyz answers 503, responses close
	// their connections (drain.go, serving.Tune).
	draining atomic.Bool
	// pressure counts the requests in flight (every app newApp makes);
	// the workers of a process that serves yield to it (JOB_YIELD).
	pressure *serving.Pressure
}

func newPlatform(cfg Config, log *slog.Logger, database *db.DB) (*platform, error) {
	set, err := themes.Load()
	if err != nil {
		return nil, err
	}
	store, disk, err := openMedia(cfg)
	if err != nil {
		return nil, err
	}
	p := &platform{media: store, disk: disk, pressure: serving.NewPressure(),
		cfg: cfg, log: log, db: database, themes: set,
		resolver: tenant.NewResolver(cfg.BaseDomain, database, tenant.MemoOptions{MaxEntries: 2 * cfg.EventCache, Now: coarseNow}), // a slug and a custom domain
		sites:    storefront.NewSites(database, tenant.MemoOptions{MaxEntries: cfg.EventCache, Now: coarseNow}),
		staff:    db.NewStaffStore(database, cfg.StaffPolicy),
	}
	if cfg.Stripe.Enabled() {
		p.payments = payments.New(cfg.Stripe)
		database.OnlinePayments = true
	}
	database.WebhooksAllowPrivate = cfg.WebhooksAllowPrivate
	if err := p.newMetrics(); err != nil {
		return nil, err
	}
	if p.tracing, err = newTracing(cfg.OTLPEndpoint); err != nil {
		return nil, err
	}
	if p.tracing != nil {
		database.TraceWith(p.tracing)
	}
	if cfg.SentryDSN != "" {
		if p.reporter, err = newReporter(cfg.SentryDSN); err != nil {
			return nil, err
		}
	}
	if err := p.setUpEmail(); err != nil {
		return nil, err
	}
	p.provision = newProvisioner(cfg, database, p.staff)
	// The CSS and scripts, compressed once for clients that accept it.
	if p.static, err = tenantweb.StaticEncoded(themes.Static(), "/static", 3600); err != nil {
		return nil, err
	}
	return p, nil
}

// certState says what the certificate storage holds for a hostname: the
// edge's answer, asked when the question comes (useACME sets the edge
// after the apps may have been assembled).
func (p *platform) certState(ctx context.Context, name string) string {
	return p.edge.CertState(ctx, name)
}

// api is the JSON API of provisioning, mounted on the console host.
func (p *platform) api() *api.Handler {
	en := func(id string, kv ...any) string { return p.themes.Translations().T("en", id, kv...) }
	return &api.Handler{Service: p.provision, BaseDomain: p.cfg.BaseDomain, Translate: en,
		CertState: p.certState, Keys: p.db, Catalogue: p.db, Brandings: p.db, Desk: p.db, Log: p.log,
		Authenticate: func(ctx context.Context, secret string) (api.Token, error) {
			tok, err := p.db.APITokenBySecret(ctx, secret)
			return api.TokenOf(tok), err
		}}
}

// openMedia opens where uploaded images are kept: S3 when S3_BUCKET is set,
// else the local directory MEDIA_DIR.
func openMedia(cfg Config) (media.Store, *diskstore.Store, error) {
	if cfg.S3.Bucket != "" {
		s, err := s3store.New(context.Background(), cfg.S3)
		return s, nil, err
	}
	if err := os.MkdirAll(cfg.MediaDir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("MEDIA_DIR: %w", err)
	}
	d, err := diskstore.New(cfg.MediaDir)
	if err != nil {
		return nil, nil, fmt.Errorf("MEDIA_DIR: %w", err)
	}
	return d, d, nil
}

// mediaURL is where a browser fetches a stored image; "" for no image.
func (p *platform) mediaURL(ctx context.Context, key string) string {
	if key == "" {
		return ""
	}
	u, err := p.media.URL(ctx, key)
	if err != nil {
		p.log.Warn("media URL", "key", key, "err", err)
		return ""
	}
	return u
}

// newApp assembles the HTTP application. The order is the request's path:
// request id and log, security headers, host-independent routes (health,
// static files), then the event the Host names, then the storefront.
func (p *platform) newApp() *fiber.App {
	store := p.storefront()
	app := fiber.New(fiber.Config{
		AppName:               "marquee",
		DisableStartupMessage: true,
		ErrorHandler:          store.ErrorHandler,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           2 * time.Minute,
		// X-Forwarded-* are only believed from TRUSTED_PROXIES: tenant/web
		// reads X-Forwarded-Host and X-Forwarded-For (RequestHost,
		// ClientAddr), Fiber X-Forwarded-Proto (c.Protocol). No
		// ProxyHeader: Fiber's c.IP() would take the leftmost hop, which
		// the client writes; it stays the TCP peer.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          p.cfg.TrustedProxies.Strings(),
		// Bodies are streamed, never buffered from their declared length;
		// serving.Tune refuses, before reading, what is larger than its
		// route allows. Multipart forms are parsed when a handler
		// asks, from the stream.
		BodyLimit:                    serving.UploadBodyLimit,
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
	})
	serving.Tune(app, serving.Options{ConsoleHost: "console." + p.cfg.BaseDomain, Draining: p.draining.Load, Log: p.log, Pressure: p.pressure})
	app.Use(tenantweb.RequestID)
	if p.tracing != nil {
		app.Use(traceRequests(p.tracing))
	}
	app.Use(tenantweb.RequestLogTo(p.log, store.ErrorHandler, p.requestObserver()))
	// A panic becomes an internal error: logged with its stack, shown as
	// the themed 500 page.
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		p.log.Error("panic", "request_id", tenantweb.RequestIDOf(c), "panic", e, "stack", string(debug.Stack()))
	}}))
	app.Use(tenantweb.SecurityHeaders)
	if p.edge != nil {
		app.Use(tenantweb.StrictTransport(edge.HSTS))
	}
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok\n") })
	app.Get("/readyz", p.readiness().Handle)
	// The metrics are METRICS_ADDR's alone: no host of the public
	// listener answers them, the console's included.
	app.All("/metrics", func(*fiber.Ctx) error { return fiber.ErrNotFound })
	app.Use("/static", p.static, filesystem.New(filesystem.Config{Root: http.FS(themes.Static()), MaxAge: 3600}))
	if p.disk != nil {
		app.Get("/media/*", tenantweb.CheckText, p.disk.Serve)
	}
	app.Use(p.consoleHost(store))
	app.Use(serving.RefuseUnreadBodies)
	// The console's app checks its own requests' text, so that the API
	// answers its refusals in JSON.
	app.Use(tenantweb.CheckText)
	app.Use(tenantweb.Resolve(p.resolver, p.cfg.TrustedProxies))
	store.Mount(app)
	p.metrics.Requests.Index("storefront", app)
	return app
}

// storefront is the event sites' handler; its error handler renders the
// console's error pages too.
func (p *platform) storefront() *storefrontweb.Handler {
	return &storefrontweb.Handler{Themes: p.themes, Sites: p.sites, Orders: countedOrders{p.db, p.metrics}, Changes: p.db, Waitlists: p.db, Kiosks: p.db, Signups: p.db, Log: p.log, Vouchers: p.db,
		Links: storefront.OrderLinks{Key: p.cfg.SecretKey}, Secret: p.cfg.SecretKey,
		Dispatches: p.db, SupplierLinks: storefront.SupplierLinks{Key: p.cfg.SecretKey},
		Drafts: func(ctx context.Context, id uuid.UUID) (branding.Branding, error) {
			b, _, err := p.db.BrandingDraft(ctx, id)
			return b, err
		},
		Previews: branding.PreviewLinks{Key: p.cfg.SecretKey}, MediaURL: p.mediaURL,
		Origin:         func(c *fiber.Ctx) string { return tenantweb.RequestOrigin(c, p.cfg.TrustedProxies) },
		OnlinePayments: p.db.OnlinePayments, Payments: p.checkouts(), CheckoutOrigin: checkoutOrigin(p.cfg.Stripe)}
}

// checkouts opens orders' online checkouts (nil: online payments are off).
func (p *platform) checkouts() storefrontweb.Payments {
	if p.payments == nil {
		return nil
	}
	return payments.Checkouts{Client: p.payments, Store: p.db}
}

// consoleHost hands requests for console.BASE_DOMAIN to the console's own
// app; every other host goes on to the event resolver.
func (p *platform) consoleHost(store *storefrontweb.Handler) fiber.Handler {
	return tenantweb.ForHost("console."+p.cfg.BaseDomain, p.cfg.TrustedProxies, p.newConsole(store))
}

// newConsole assembles the console's own app.
func (p *platform) newConsole(store *storefrontweb.Handler) *fiber.App {
	api := p.api()
	// Bodies are limited by the server that runs this app's handler: the
	// main app's (serving.Tune).
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: api.ErrorsOr(store.ErrorHandler),
		EnableTrustedProxyCheck: true, TrustedProxies: p.cfg.TrustedProxies.Strings()})
	app.Use(p.metrics.Requests.Mark) // the request is the console's or the API's in the metrics
	app.Use(serving.RefuseUnreadBodies)
	app.Use(tenantweb.CheckText)
	app.Use(tenantweb.CompressEach) // every console page is its staff member's own
	// The API answers bearer tokens, not sessions: it goes before the
	// console's sign-in wall.
	api.Mount(app)
	// So do Stripe's webhooks, signed with STRIPE_WEBHOOK_SECRET.
	if p.payments != nil {
		app.Post(payments.WebhookPath, payments.Webhook(p.payments, p.db, p.log))
	}
	(&console.Console{Themes: p.themes, Identity: p.staff, Events: p.db, Brandings: p.db,
		History: console.HistoryOf(p.db, p.staff), Preview: console.PreviewOf(p.db, store), Secret: p.cfg.SecretKey, Log: p.log, Proxies: p.cfg.TrustedProxies,
		Previews: branding.PreviewLinks{Key: p.cfg.SecretKey}, EventURL: p.eventURL, Media: p.media, Orders: p.db, Products: p.db, Forms: p.db, Privacy: p.db, Vouchers: p.db, Waitlists: p.db, Signups: p.db,
		Messages: p.db, MessagePreviews: p.jobDeps, Kiosks: p.db,
		Provision: p.provision, CertState: p.certState,
		Inbox: p.db, InboxEnabled: p.cfg.SMTPURL == "", EmailPreviews: p.jobDeps, Suppliers: p.db, SupplierLists: p.jobDeps,
		Jobs: jobs.Queue{Client: p.jobClient, InPlatform: p.db.InPlatform}, Audit: p.staff,
		Backups: p.consoleBackups(), Pickup: storefront.PickupTokens{Key: p.cfg.SecretKey}, Webhooks: p.db,
		SSO: p.singleSignOn(), SSOSignIns: p.staff, PasswordSignInOff: p.cfg.PasswordSignInOff}).Mount(app)
	p.metrics.Requests.Index("console", app)
	return app
}

// consoleBackups are the backups of the console's page: nil when BACKUP_*
// is unset (the page says how to turn them on), or when the store cannot
// be opened, which is logged.
func (p *platform) consoleBackups() console.Backups {
	if !p.cfg.BackupsOn {
		return nil
	}
	engine, err := p.backupEngine(context.Background())
	if err != nil {
		p.log.Error("backups: the console cannot open the backup store", "err", err)
		return nil
	}
	return console.BackupDesk{Engine: engine, Config: p.cfg.Backups.Schedule, Client: p.jobClient, InPlatform: p.db.InPlatform}
}

// eventURL is the address of an event's site as visitors type it: plain
// HTTP with dev's port on localhost, HTTPS elsewhere.
func (p *platform) eventURL(slug string) string {
	return p.cfg.siteURL(slug, "")
}

// readiness answers /readyz (serving.Readiness): the database, unless
// the replica drains.
func (p *platform) readiness() serving.Readiness {
	return serving.Readiness{Draining: p.draining.Load, Ping: p.db.Ready}
}

// listenForChanges keeps every cache of this process in step with the
// database until ctx is done: the TLS names (with TLS=acme), the event
// resolver, the sites, and lastChange last.
func (p *platform) listenForChanges(ctx context.Context) {
	var caches []db.Forgetter
	if p.directory != nil {
		caches = append(caches, edge.Following{Ctx: ctx, Directory: p.directory, Edge: p.edge, Log: p.log})
	}
	caches = append(caches, p.resolver, p.sites, changeMark{&p.lastChange})
	p.db.ListenTenantChanges(ctx, p.log, db.Forget(caches...))
}

// changeMark records the id of the last change handled in lastChange.
type changeMark struct{ last *atomic.Value }

func (m changeMark) Forget(id uuid.UUID) { m.last.Store(id) }
func (m changeMark) ForgetAll()          {}

// hugePagesEvery is how often serve looks for heap the runtime mapped
// since its last look, to ask huge pages for it (serving.HugePages).
const hugePagesEvery = 5 * time.Second

// serveHTTP serves until ctx is done, then drains (DrainDelay) and shuts
// down gracefully: the listener closes, idle connections are closed,
// in-flight requests get ShutdownTimeout to finish.
func (p *platform) serveHTTP(ctx context.Context, ln net.Listener, ready func()) error {
	app := p.newApp()
	// The caches stay in step while the replica drains.
	listenCtx, stopListening := context.WithCancel(context.WithoutCancel(ctx))
	defer stopListening()
	go p.listenForChanges(listenCtx)
	go p.provision.KeepDomainsChecked(listenCtx, p.log, provision.DomainRecheckTick)
	if p.cfg.HugePages {
		go func() {
			if err := serving.KeepHugePages(listenCtx, hugePagesEvery); err != nil {
				p.log.Info("the heap stays on the system's page size", "err", err)
			}
		}()
	}
	stopWorkers, err := p.startWorkers(ctx, p.pressure.Busy)
	if err != nil {
		return err
	}
	defer stopWorkers()
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(serving.LingeringListener{Listener: ln}) }()
	if ready != nil {
		ready()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	p.drain()
	p.log.Info("shutting down", "timeout", p.cfg.ShutdownTimeout)
	if err := app.ShutdownWithTimeout(p.cfg.ShutdownTimeout); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// fasthttp closes only the listeners its Serve has registered: a
	// shutdown that came before the serving goroutine got that far (a
	// SIGTERM right after start on a busy node) closed nothing, and Serve
	// would accept forever. Closing it here ends Serve in every case.
	if err := ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		p.log.Warn("closing the listener", "err", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}
