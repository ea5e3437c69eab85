package console

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
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
// are queued in the transactions that cause them (db.Events), nothing
// works them here; mail goes to dev's inbox, or to SMTP when the test
// names a server (then the inbox is off).

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

// inbox is dev's inbox, kept in the database; on without SMTP.
type inbox struct {
	*db.DB
	on bool
}

func (i inbox) InboxEnabled() bool { return i.on }

func (i inbox) InboxMessage(ctx context.Context, id int64) (notify.InboxMessage, error) {
	return i.InboxMessageByID(ctx, id)
}

// supplierDesk is an event's suppliers in the database, with the lists
// the job package builds for them.
type supplierDesk struct {
	*db.DB
	files *jobs.Deps
}

func (d supplierDesk) BatchFile(ctx context.Context, tenantID, supplierID uuid.UUID, format string) (notify.Attachment, error) {
	return d.files.BatchFile(ctx, tenantID, supplierID, format)
}

func (d supplierDesk) SupplierBatches(ctx context.Context, tenantID uuid.UUID) ([]SupplierBatch, error) {
	rows, err := d.DB.SupplierBatches(ctx, tenantID)
	out := make([]SupplierBatch, 0, len(rows))
	for _, r := range rows {
		out = append(out, SupplierBatch{SupplierID: r.SupplierID, Lines: r.Lines, MessageID: r.MessageID, SentAt: r.SentAt})
	}
	return out, err
}

// jobQueue is the queue as the failed-jobs page sees it.
type jobQueue struct{ client *river.Client[pgx.Tx] }

func (q jobQueue) FailedJobs(ctx context.Context, limit int) ([]jobs.FailedJob, error) {
	return jobs.Failed(ctx, q.client, limit)
}

func (q jobQueue) RetryJob(ctx context.Context, id int64) error {
	_, err := q.client.JobRetry(ctx, id)
	return err
}

var (
	_ Inbox         = inbox{}
	_ EmailPreviews = (*jobs.Deps)(nil)
	_ Suppliers     = supplierDesk{}
	_ Jobs          = jobQueue{}
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
