package infra

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// overlays are the environments infra/k8s renders; prod-tls is prod with
// the pods terminating TLS themselves.
var overlays = []string{"dev", "prod", "prod-tls"}

// readByOthers are variables the manifests may set that cmd/marquee does
// not read itself: the AWS SDK's default chain reads the keys (s3store.New
// calls config.LoadDefaultConfig), Go's runtime reads GOMEMLIMIT and
// os.TempDir TMPDIR.
var readByOthers = map[string]bool{"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "GOMEMLIMIT": true, "TMPDIR": true}

// secretVars may only come from a Secret.
var secretVars = []string{"DATABASE_URL", "DATABASE_DIRECT_URL", "SECRET_KEY", "SMTP_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
	"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"}

func TestManifestsDecodeStrictly(t *testing.T) {
	t.Run("a misspelled field fails the decoding (the control)", func(t *testing.T) {
		var d appsv1.Deployment
		doc := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers:\n        - name: x\n          readinesProbe: {}\n")
		if err := yaml.UnmarshalStrict(doc, &d); err == nil || !strings.Contains(err.Error(), "readinesProbe") {
			t.Errorf("UnmarshalStrict accepted an unknown field: %v", err)
		}
	})
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) {
			r := decodeAll(t, overlay, kustomize(t, overlayDir(t, overlay)))
			if len(r.namespaces) != 1 || r.namespaces[""] {
				t.Errorf("objects are in namespaces %v; want every one in the overlay's", r.namespaces)
			}
			t.Logf("%d Deployments, %d Jobs, %d Services, %d Ingresses, %d PDBs, %d HPAs, %d NetworkPolicies, %d ConfigMaps",
				len(r.deployments), len(r.jobs), len(r.services), len(r.ingresses), len(r.pdbs), len(r.hpas), len(r.netpols), len(r.configMaps))
		})
	}
}

func TestManifestsServe(t *testing.T) {
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) {
			r := decodeAll(t, overlay, kustomize(t, overlayDir(t, overlay)))
			serve := r.deployment(t, "marquee-serve")
			c := serve.Spec.Template.Spec.Containers[0]
			env := r.env(t, c, func(string) string { return "secret" })
			tls := env["TLS"] == "acme"

			t.Run("probes: readiness on /readyz, liveness on /healthz, on the port the app listens on", func(t *testing.T) {
				addr := envOr(env, "LISTEN_ADDR", ":8080")
				if tls {
					addr = envOr(env, "HTTP_ADDR", ":80") // with TLS=acme the probes answer on HTTP_ADDR
				}
				checkProbe(t, "readiness", c.ReadinessProbe, "/readyz", c, addr)
				checkProbe(t, "liveness", c.LivenessProbe, "/healthz", c, addr)
				if drain := seconds(t, envOr(env, "DRAIN_DELAY", "5s")); c.ReadinessProbe != nil && float64(c.ReadinessProbe.PeriodSeconds) >= drain/2 {
					t.Errorf("readiness period %ds: it must be well under DRAIN_DELAY (%gs) for endpoints to notice the drain", c.ReadinessProbe.PeriodSeconds, drain)
				}
			})

			t.Run("preStop pauses for DRAIN_DELAY; the grace period covers pause, drain and shutdown", func(t *testing.T) {
				if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil {
					t.Fatalf("no preStop sleep: %+v", c.Lifecycle)
				}
				pause := float64(c.Lifecycle.PreStop.Sleep.Seconds)
				drain, shutdown := seconds(t, envOr(env, "DRAIN_DELAY", "5s")), seconds(t, envOr(env, "SHUTDOWN_TIMEOUT", "20s"))
				if pause != drain {
					t.Errorf("preStop sleeps %gs, DRAIN_DELAY is %gs", pause, drain)
				}
				grace := serve.Spec.Template.Spec.TerminationGracePeriodSeconds
				if grace == nil || float64(*grace) <= pause+drain+shutdown {
					t.Errorf("terminationGracePeriodSeconds %v is not above preStop %g + DRAIN_DELAY %g + SHUTDOWN_TIMEOUT %g", grace, pause, drain, shutdown)
				}
			})

			t.Run("the autoscaler owns the replicas and the disruption budget leaves one pod serving", func(t *testing.T) {
				checkScaling(t, r, serve)
			})

			t.Run("traffic reaches serve's ports: Service, Ingress or load balancer, NetworkPolicy", func(t *testing.T) {
				checkRouting(t, r, serve, env, tls)
			})
		})
	}
}

func TestManifestsJobsAndWorker(t *testing.T) {
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) {
			r := decodeAll(t, overlay, kustomize(t, overlayDir(t, overlay)))
			t.Run("the migration Job runs marquee migrate up once, as the schema's owner", func(t *testing.T) {
				if len(r.jobs) != 1 || r.jobs[0].Name != "marquee-migrate" {
					t.Fatalf("want one Job marquee-migrate, got %d", len(r.jobs))
				}
				j := r.jobs[0]
				c := j.Spec.Template.Spec.Containers[0]
				if !slices.Equal(c.Args, []string{"migrate", "up"}) || j.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
					t.Errorf("args %q restartPolicy %s, want [migrate up] Never", c.Args, j.Spec.Template.Spec.RestartPolicy)
				}
				if j.Spec.BackoffLimit == nil || j.Spec.ActiveDeadlineSeconds == nil {
					t.Errorf("backoffLimit %v activeDeadlineSeconds %v: a failing migration must stop", j.Spec.BackoffLimit, j.Spec.ActiveDeadlineSeconds)
				} else if *j.Spec.ActiveDeadlineSeconds <= 20*60 {
					// migrate up may wait MIGRATE_LOCK_WAIT (10 min) for another
					// one's lock, then run statements of up to
					// MIGRATE_STATEMENT_TIMEOUT (10 min): the Job must outlast both.
					t.Errorf("activeDeadlineSeconds %d: migrate up's lock wait and statement timeout (20 min) outlast it", *j.Spec.ActiveDeadlineSeconds)
				}
			})
			t.Run("worker works the jobs and serve leaves them to it", func(t *testing.T) {
				w := r.deployment(t, "marquee-worker")
				c := w.Spec.Template.Spec.Containers[0]
				if !slices.Equal(c.Args, []string{"worker"}) || len(c.Ports) != 1 || c.Ports[0].Name != "metrics" {
					t.Errorf("worker args %q ports %v: its only port is METRICS_ADDR's", c.Args, c.Ports)
				}
				for _, d := range []string{"marquee-worker", "marquee-serve"} {
					pod := r.deployment(t, d).Spec.Template
					c := pod.Spec.Containers[0]
					port := addrPort(t, r.env(t, c, func(string) string { return "" })["METRICS_ADDR"])
					if containerPort(c, "metrics") != port || pod.Annotations["prometheus.io/port"] != strconv.Itoa(int(port)) {
						t.Errorf("%s: METRICS_ADDR's port %d, container port metrics %d, scrape annotation %q", d, port, containerPort(c, "metrics"), pod.Annotations["prometheus.io/port"])
					}
				}
				serve := r.deployment(t, "marquee-serve").Spec.Template.Spec.Containers[0]
				if env := r.env(t, serve, func(string) string { return "" }); env["WORKERS"] != "0" {
					t.Errorf("serve has WORKERS=%q; the worker Deployment works the jobs", env["WORKERS"])
				}
				if w.Spec.Replicas == nil || *w.Spec.Replicas < 1 {
					t.Errorf("worker replicas %v", w.Spec.Replicas)
				}
			})
		})
	}
}

func TestManifestsContainers(t *testing.T) {
	appReads := appEnvNames(t)
	for _, name := range []string{"DATABASE_URL", "BASE_DOMAIN", "SECRET_KEY", "SMTP_URL", "DRAIN_DELAY", "JOB_TIMEOUT", "AWS_REGION", "HTTPS_ADDR"} {
		if !appReads[name] {
			t.Fatalf("the scan of cmd/marquee found no %s; it found %v", name, appReads)
		}
	}
	t.Logf("cmd/marquee reads %d variables", len(appReads))
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) {
			r := decodeAll(t, overlay, kustomize(t, overlayDir(t, overlay)))
			for _, w := range r.workloads() {
				t.Run(w.name, func(t *testing.T) {
					checkPodSecurity(t, w.pod.Spec)
					for _, c := range w.pod.Spec.Containers {
						checkContainerSecurity(t, c)
						env := r.env(t, c, func(string) string { return "" })
						checkResources(t, c, env)
						for name := range env {
							if !appReads[name] && !readByOthers[name] {
								t.Errorf("%s sets %s, which nothing in the app reads", c.Name, name)
							}
						}
						checkSecretsByReference(t, c)
					}
				})
			}
			for _, cm := range r.configMaps {
				for _, name := range secretVars {
					if _, ok := cm.Data[name]; ok {
						t.Errorf("ConfigMap %s holds %s; it belongs in a Secret", cm.Name, name)
					}
				}
			}
		})
	}
}

func checkProbe(t *testing.T, kind string, p *corev1.Probe, path string, c corev1.Container, addr string) {
	t.Helper()
	if p == nil || p.HTTPGet == nil {
		t.Errorf("%s probe: %+v, want an HTTP GET of %s", kind, p, path)
		return
	}
	if p.HTTPGet.Path != path {
		t.Errorf("%s probe asks %s, want %s", kind, p.HTTPGet.Path, path)
	}
	if got, want := containerPort(c, p.HTTPGet.Port.String()), addrPort(t, addr); got != want {
		t.Errorf("%s probe's port %s is %d in the container; the app listens on %s", kind, p.HTTPGet.Port.String(), got, addr)
	}
}

func checkScaling(t *testing.T, r *rendered, serve *appsv1.Deployment) {
	t.Helper()
	if serve.Spec.Replicas != nil {
		t.Errorf("serve sets replicas %d; the HorizontalPodAutoscaler owns them (each apply would reset them)", *serve.Spec.Replicas)
	}
	if len(r.hpas) != 1 {
		t.Fatalf("%d HorizontalPodAutoscalers, want 1", len(r.hpas))
	}
	hpa := r.hpas[0]
	if ref := hpa.Spec.ScaleTargetRef; ref.Kind != "Deployment" || ref.Name != serve.Name {
		t.Errorf("HPA scales %s %s, want Deployment %s", ref.Kind, ref.Name, serve.Name)
	}
	minReplicas := int32(1)
	if hpa.Spec.MinReplicas != nil {
		minReplicas = *hpa.Spec.MinReplicas
	}
	if hpa.Spec.MaxReplicas < minReplicas {
		t.Errorf("HPA max %d < min %d", hpa.Spec.MaxReplicas, minReplicas)
	}
	if strings.HasPrefix(r.overlay, "prod") && minReplicas < 2 {
		t.Errorf("prod runs at least %d serve pod; a drain or a crash would leave none", minReplicas)
	}
	if len(hpa.Spec.Metrics) == 0 || hpa.Spec.Metrics[0].Resource == nil || hpa.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU {
		t.Errorf("HPA metrics %+v, want CPU utilisation", hpa.Spec.Metrics)
	} else if _, ok := serve.Spec.Template.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU]; !ok {
		t.Errorf("HPA scales on CPU utilisation but serve requests no CPU")
	}
	if len(r.pdbs) != 1 {
		t.Fatalf("%d PodDisruptionBudgets, want 1", len(r.pdbs))
	}
	pdb := r.pdbs[0]
	if !selects(t, pdb.Spec.Selector, serve.Spec.Template.Labels) {
		t.Errorf("PDB selector %v does not select serve's pods %v", pdb.Spec.Selector, serve.Spec.Template.Labels)
	}
	switch {
	case pdb.Spec.MaxUnavailable != nil:
		if pdb.Spec.MaxUnavailable.IntValue() < 1 {
			t.Errorf("PDB maxUnavailable %s blocks every drain", pdb.Spec.MaxUnavailable.String())
		}
	case pdb.Spec.MinAvailable != nil:
		if int32(pdb.Spec.MinAvailable.IntValue()) >= minReplicas {
			t.Errorf("PDB minAvailable %s blocks drains at %d replicas", pdb.Spec.MinAvailable.String(), minReplicas)
		}
	default:
		t.Errorf("PDB sets neither maxUnavailable nor minAvailable")
	}
}

func checkPodSecurity(t *testing.T, spec corev1.PodSpec) {
	t.Helper()
	sc := spec.SecurityContext
	if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser != 65532 {
		t.Errorf("pod securityContext %+v: want runAsNonRoot and runAsUser 65532 (the image's nonroot)", sc)
	}
	if sc != nil && (sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault) {
		t.Errorf("pod seccompProfile %+v, want RuntimeDefault", sc.SeccompProfile)
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Errorf("the pod mounts a service account token; nothing in it talks to the Kubernetes API")
	}
}

func checkContainerSecurity(t *testing.T, c corev1.Container) {
	t.Helper()
	sc := c.SecurityContext
	if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("%s: root filesystem not read-only", c.Name)
	}
	if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Errorf("%s: privilege escalation allowed", c.Name)
	}
	if sc == nil || sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
		t.Errorf("%s: capabilities %+v, want all dropped and none added", c.Name, sc)
	}
}

func checkResources(t *testing.T, c corev1.Container, env map[string]string) {
	t.Helper()
	req, lim := c.Resources.Requests, c.Resources.Limits
	if req.Cpu().IsZero() || req.Memory().IsZero() || lim.Memory().IsZero() {
		t.Errorf("%s: resources %+v, want CPU and memory requests and a memory limit", c.Name, c.Resources)
		return
	}
	if req.Memory().Cmp(*lim.Memory()) > 0 {
		t.Errorf("%s: memory request %s above limit %s", c.Name, req.Memory(), lim.Memory())
	}
	if v, ok := env["GOMEMLIMIT"]; ok {
		if b := goMemLimit(t, v); b >= lim.Memory().Value() || b < lim.Memory().Value()*3/4 {
			t.Errorf("%s: GOMEMLIMIT %s (%d bytes) should sit a little under the memory limit %s", c.Name, v, b, lim.Memory())
		}
	}
}

// checkSecretsByReference: a secret's value never sits in the manifests.
func checkSecretsByReference(t *testing.T, c corev1.Container) {
	t.Helper()
	for _, e := range c.Env {
		if slices.Contains(secretVars, e.Name) && (e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil) {
			t.Errorf("%s: %s is set in the manifest; it must come from a Secret", c.Name, e.Name)
		}
	}
}

func selects(t *testing.T, sel *metav1.LabelSelector, podLabels map[string]string) bool {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Errorf("selector %v: %v", sel, err)
		return false
	}
	return !s.Empty() && s.Matches(labels.Set(podLabels))
}

func containerPort(c corev1.Container, name string) int32 {
	for _, p := range c.Ports {
		if p.Name == name || fmt.Sprint(p.ContainerPort) == name {
			return p.ContainerPort
		}
	}
	return 0
}

func addrPort(t *testing.T, addr string) int32 {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	var n int32
	fmt.Sscan(port, &n)
	return n
}

func envOr(env map[string]string, name, def string) string {
	if v := env[name]; v != "" {
		return v
	}
	return def
}

func seconds(t *testing.T, v string) float64 {
	t.Helper()
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%q: %v", v, err)
	}
	return d.Seconds()
}

// goMemLimit parses GOMEMLIMIT as Go's runtime does (a number of bytes
// with an optional B, KiB, MiB, GiB or TiB suffix).
func goMemLimit(t *testing.T, v string) int64 {
	t.Helper()
	units := []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			var n int64
			if _, err := fmt.Sscan(num, &n); err != nil {
				t.Fatalf("GOMEMLIMIT %q: %v", v, err)
			}
			return n * u.mult
		}
	}
	var n int64
	if _, err := fmt.Sscan(v, &n); err != nil {
		t.Fatalf("GOMEMLIMIT %q: %v", v, err)
	}
	return n
}
