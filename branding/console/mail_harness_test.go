package console

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"marquee/db"
	"marquee/storefront"
	"marquee/storefront/notify"
	"marquee/storefront/notify/jobs"
	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/render"
	"marquee/tenant"
)

// The email side of the console's harness, wired as serve wires it: jobs
// are queued in the transactions that cause them (db.Events) and worked
// only when the test asks for workers; mail goes to dev's inbox, or to
// SMTP when the test names a server (then the inbox is off).

// setUpEmail gives s the job queue, the renderer and the console's email
// pages' stores; smtpURL "" keeps mail in dev's inbox.
func (s *testServer) setUpEmail(smtpURL string) {
	s.t.Helper()
	r, err := render.New(s.themes)
	if err != nil {
		s.t.Fatal(err)
	}
	var sender notify.Sender = notify.Inbox{Store: s.db}
	if smtpURL != "" {
		cfg, err := mail.ParseURL(smtpURL)
		if err != nil {
			s.t.Fatal(err)
		}
		sender = mail.New(cfg)
	}
	if s.jobs, err = jobs.NewInserter(s.db.Pool, s.log); err != nil {
		s.t.Fatal(err)
	}
	s.db.Events = &jobs.Enqueuer{Client: s.jobs, PerOrderSuppliers: db.HasPerOrderSuppliers}
	s.mail = &jobs.Deps{Store: s.db, Renderer: r, Sender: sender, Permanent: mail.Permanent, From: "noreply@" + testBase,
		EventURL: func(slug string) string { return "https://" + slug + "." + testBase }, MediaURL: s.mediaURL,
		Links: storefront.OrderLinks{Key: testSecret}, Log: s.log}
	s.inboxOn = smtpURL == ""
}

var (
	_ Inbox         = (*db.DB)(nil)
	_ EmailPreviews = (*jobs.Deps)(nil)
	_ Suppliers     = (*db.DB)(nil)
	_ SupplierLists = (*jobs.Deps)(nil)
	_ Jobs          = jobs.Queue{}
)

// startWorkers works the email jobs with n workers on the platform's own
// pool, as serve does.
func (s *testServer) startWorkers(n int) {
	s.t.Helper()
	pool, err := db.OpenPlatformPool(context.Background(), s.ownerURL, int32(n+5))
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(pool.Close)
	if s.workers, err = jobs.NewWorkers(pool, s.mail, jobs.Options{Workers: n}); err != nil {
		s.t.Fatal(err)
	}
	if err := s.workers.Start(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.workers.Stop(ctx)
	})
}

// jobClient reads the queue: the workers' client when there are workers
// (the platform's pool), else the inserter.
func (s *testServer) jobClient() *river.Client[pgx.Tx] {
	if s.workers != nil {
		return s.workers
	}
	return s.jobs
}

// consoleServerWithWorkers is consoleServer whose email jobs are worked:
// without SMTP they land in dev's inbox.
func consoleServerWithWorkers(t *testing.T) (*testServer, *tenant.Tenant) {
	t.Helper()
	s, ev, _ := withConsoleMember(t, start(t, "", 2))
	return s, ev
}
