package main

import (
	"context"
	"fmt"
	"github.com/riverqueue/rivercontrib/otelriver"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/branding/console"
	"marquee/db"
	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/render"
	"marquee/storefront/webhooks"
)

// setUpEmail builds the email side of the platform: the renderer, the
// sender (SMTP, or dev's inbox), and the job client whose inserts ride in
// every order transaction.
func (p *platform) setUpEmail() error {
	r, err := render.New(p.themes)
	if err != nil {
		return err
	}
	p.renderer = r
	// Without SMTP_URL mail goes to the local inbox: dev's choice, and
	// serve never gets here without SMTP_URL (Config.Validate refuses it).
	p.sender = notify.Inbox{Store: p.db}
	if p.cfg.SMTPURL != "" {
		p.sender = mail.New(p.cfg.SMTP)
	}
	if p.inserter, err = jobs.NewInserter(p.db.Pool, p.log); err != nil {
		return err
	}
	p.db.Events = &jobs.Enqueuer{Client: p.inserter, PerOrderSuppliers: db.HasPerOrderSuppliers}
	from := p.cfg.MailFrom
	if from == "" {
		from = "noreply@" + p.cfg.BaseDomain
	}
	p.jobDeps = &jobs.Deps{Store: p.db, Renderer: r, Sender: countedSender{p.sender, p.metrics}, Permanent: mail.Permanent, From: from,
		EventURL: p.eventURL, MediaURL: p.mediaURL, Links: storefront.OrderLinks{Key: p.cfg.SecretKey},
		SupplierLinks: storefront.SupplierLinks{Key: p.cfg.SecretKey}, Log: p.log,
		Webhooks: &jobs.Webhooks{Sender: webhooks.NewSender(p.cfg.WebhooksAllowPrivate, nil), ConsoleURL: consoleURL(p.cfg, "")}}
	if p.payments != nil {
		p.jobDeps.Payments = p.payments
	}
	return nil
}

// startWorkers works the email jobs in this process until ctx ends (none
// when WORKERS=0); busy, when set, says the process's requests are
// queueing, and jobs then wait for up to JOB_YIELD. The returned function
// stops them, letting running jobs finish within the shutdown timeout.
func (p *platform) startWorkers(ctx context.Context, busy func() bool) (stop func(), err error) {
	opts := p.cfg.Jobs
	if p.cfg.Workers == 0 {
		return func() {}, nil
	}
	// Workers mostly wait on the mail server; a few connections serve
	// their short queries, and River's listener and leader take the rest.
	// River needs sessions (its LISTEN, the leader's lock), and the pool's
	// role is its sessions': never through a transaction pooler.
	pool, err := db.OpenPlatformPool(ctx, p.cfg.directURL(), int32(min(p.cfg.Workers, 15)+5))
	if err != nil {
		return nil, err
	}
	opts.Workers = p.cfg.Workers
	opts.Busy, opts.OnHeld = busy, p.metrics.JobHeld
	// Every process that works jobs also erases personal data when an
	// event's retention period ends: a worker that fetched a job of a kind
	// it does not know would fail it.
	opts.Retention = &jobs.Retention{Store: p.db}
	if p.tracing != nil { // a span per job worked, named by its kind
		opts.Middleware = append(opts.Middleware, otelriver.NewMiddleware(&otelriver.MiddlewareConfig{
			TracerProvider: p.tracing, EnableWorkSpanJobKindSuffix: true}))
	}
	if opts.Also, err = p.backupJobs(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	client, err := jobs.NewWorkers(pool, p.jobDeps, opts)
	if err != nil {
		pool.Close()
		return nil, err
	}
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		pool.Close()
		return nil, fmt.Errorf("start the email workers: %w", err)
	}
	p.workers = client
	return func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), p.cfg.ShutdownTimeout)
		defer cancel()
		if err := client.Stop(stopCtx); err != nil {
			p.log.Warn("email workers did not stop in time", "err", err)
		}
		pool.Close()
	}, nil
}

// runWorker works email jobs only, for scaling them apart from the web
// servers: marquee worker.
func runWorker(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "worker", "worker\n\nWorks the email jobs (confirmations, status emails, suppliers) without serving HTTP.\nConfigured like serve (DATABASE_URL, BASE_DOMAIN, SECRET_KEY, SMTP_URL, SMTP_FROM, WORKERS).")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, closeDB, err := openPlatform(ctx, e, func(cfg *Config) error {
		if cfg.MediaDir == "" && cfg.S3.Bucket == "" {
			cfg.MediaDir = os.TempDir() // a worker stores no images; links to them come from MediaURL only
		}
		if cfg.Workers == 0 {
			return fmt.Errorf("WORKERS: 0 leaves this worker nothing to do")
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer closeDB()
	log := p.log
	stopMetrics, err := p.serveMetrics()
	if err != nil {
		return err
	}
	defer stopMetrics()
	stop, err := p.startWorkers(ctx, nil) // no requests to yield to
	if err != nil {
		return err
	}
	log.Info("working email jobs", "workers", p.cfg.Workers)
	<-ctx.Done()
	log.Info("shutting down")
	stop()
	return nil
}

// jobClient is the workers' client when this process runs them, else the
// inserter; the console reads and retries jobs with it inside platform
// transactions of the request pool (jobs.Queue.InPlatform).
func (p *platform) jobClient() *river.Client[pgx.Tx] {
	if p.workers != nil {
		return p.workers
	}
	return p.inserter
}

// The console's email pages are served by the packages that own them.
var (
	_ console.Inbox         = (*db.DB)(nil)
	_ console.EmailPreviews = (*jobs.Deps)(nil)
	_ console.Suppliers     = (*db.DB)(nil)
	_ console.SupplierLists = (*jobs.Deps)(nil)
	_ console.Jobs          = jobs.Queue{}
)
