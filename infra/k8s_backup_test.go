package infra

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// backupCronJob is the rendered marquee-backup CronJob.
func (r *rendered) backupCronJob(t *testing.T) *batchv1.CronJob {
	t.Helper()
	for i := range r.cronJobs {
		if r.cronJobs[i].Name == "marquee-backup" {
			return &r.cronJobs[i]
		}
	}
	t.Fatalf("%s renders no CronJob marquee-backup", r.overlay)
	return nil
}

// TestBackupCronJob: every overlay schedules the backups in a CronJob whose
// PostgreSQL image runs the marquee binary its init container copies from
// the pinned marquee image, contained like the other pods, configured so
// that the app's own check passes and it goes on to the database; the
// workers leave the schedule to it.
func TestBackupCronJob(t *testing.T) {
	bin := marqueeBinary(t)
	db := closedPort(t)
	appReads := appEnvNames(t)
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) {
			r := decodeAll(t, overlay, kustomize(t, overlayDir(t, overlay)))
			cj := r.backupCronJob(t)
			pod := cj.Spec.JobTemplate.Spec.Template.Spec
			if cj.Spec.ConcurrencyPolicy != batchv1.ForbidConcurrent || cj.Spec.Schedule != "*/5 * * * *" || pod.RestartPolicy != corev1.RestartPolicyNever {
				t.Errorf("schedule %q, concurrency %q, restart %q", cj.Spec.Schedule, cj.Spec.ConcurrencyPolicy, pod.RestartPolicy)
			}
			if len(pod.InitContainers) != 1 || pod.InitContainers[0].Image != "marquee" ||
				!slices.Equal(pod.InitContainers[0].Args, []string{"backup", "copy-binary", "/app"}) {
				t.Fatalf("init containers %+v, want marquee copying its binary to /app", pod.InitContainers)
			}
			c := pod.Containers[0]
			if !strings.HasPrefix(c.Image, "postgres:15") || !slices.Equal(c.Command, []string{"/app/marquee"}) ||
				!slices.Equal(c.Args, []string{"backup", "create", "--scheduled"}) {
				t.Errorf("container runs %s %v %v", c.Image, c.Command, c.Args)
			}
			if sc := pod.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
				t.Error("the pod may run as root")
			}
			for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
				sc := c.SecurityContext
				if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil ||
					*sc.AllowPrivilegeEscalation || !slices.Contains(sc.Capabilities.Drop, "ALL") || c.Resources.Limits.Memory().IsZero() {
					t.Errorf("%s: not contained like the other pods: %+v, limits %v", c.Name, sc, c.Resources.Limits)
				}
			}
			env := r.env(t, c, fakeSecrets(db))
			for name := range env {
				if !appReads[name] && !readByOthers[name] {
					t.Errorf("%s is set but nothing reads it", name)
				}
			}
			worker := r.env(t, r.deployment(t, "marquee-worker").Spec.Template.Spec.Containers[0], fakeSecrets(db))
			if env["BACKUP_S3_BUCKET"] == "" || worker["BACKUP_SCHEDULER"] != "cronjob" {
				t.Errorf("backups go to %q; the workers' BACKUP_SCHEDULER is %q, want cronjob", env["BACKUP_S3_BUCKET"], worker["BACKUP_SCHEDULER"])
			}
			if out := runApp(t, bin, c.Args, env); !strings.Contains(out, "failed to connect") || !strings.Contains(out, db) {
				t.Errorf("marquee %s stopped before the database:\n%s", strings.Join(c.Args, " "), out)
			}
		})
	}
	t.Run("render.sh pins the init container's image", func(t *testing.T) {
		const image = "ghcr.io/acme/marquee:0123456789abcdef0123456789abcdef01234567"
		out, err := exec.Command("bash", "k8s/render.sh", "prod", image).Output()
		if err != nil {
			t.Fatal(err)
		}
		pod := decodeAll(t, "prod", out).backupCronJob(t).Spec.JobTemplate.Spec.Template.Spec
		if got := pod.InitContainers[0].Image; got != image {
			t.Errorf("the init container runs %s, want %s", got, image)
		}
	})
}
