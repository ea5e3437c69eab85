package console

import (
	"context"
	"net/url"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"marquee/storefront/notify/jobs"
	"marquee/themes"
)

// Jobs are the email jobs that gave up, for platform admins to see and
// queue again; jobs.Queue implements it.
type Jobs interface {
	// FailedJobs lists the jobs that gave up; RetryJob queues one again.
	FailedJobs(ctx context.Context, limit int) ([]jobs.FailedJob, error)
	RetryJob(ctx context.Context, id int64) error
}

const failedJobsShown = 200

// JobsPage lists the jobs that gave up.
type JobsPage struct {
	themes.Page
	CSRF string
	Jobs []JobRow
}

// JobRow is one failed job with its retry action.
type JobRow struct {
	ID                        int64
	Kind, Args, LastError, At string
	Attempts                  int
	Retry                     string
}

func (h *Console) failedJobs(c *fiber.Ctx) error {
	list, err := h.Jobs.FailedJobs(c.UserContext(), failedJobsShown)
	if err != nil {
		return err
	}
	base := h.page(c)
	p := JobsPage{Page: base, CSRF: h.sessionToken(current(c))}
	for _, j := range list {
		p.Jobs = append(p.Jobs, JobRow{ID: j.ID, Kind: j.Kind, Args: j.Args, LastError: j.LastError, At: consoleTime(base, j.At),
			Attempts: j.Attempts, Retry: "/platform/jobs/" + strconv.FormatInt(j.ID, 10) + "/retry"})
	}
	return h.render(c, fiber.StatusOK, "console_jobs", p, base.Lang)
}

// retryJob queues a failed job again. Only a job the page lists may be
// retried: retrying a scheduled job (a supplier's list due when the event
// closes) would send it at once.
func (h *Console) retryJob(c *fiber.Ctx, _ url.Values) (string, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return "", errPageNotFound
	}
	list, err := h.Jobs.FailedJobs(c.UserContext(), failedJobsShown)
	if err != nil {
		return "", err
	}
	if !slices.ContainsFunc(list, func(j jobs.FailedJob) bool { return j.ID == id }) {
		return "", errPageNotFound
	}
	return flashed("/platform/jobs", "job_retried"), h.Jobs.RetryJob(c.UserContext(), id)
}
