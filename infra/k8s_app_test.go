package infra

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// marqueeBinary builds the binary as the image does (infra/image/rootfs.sh
// uses the same flags, so the build cache serves both).
func marqueeBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "marquee-infra-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "marquee")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", binPath, "./cmd/marquee")
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, b)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// closedPort is a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// fakeSecrets stands in for the Secrets the manifests reference: values
// of the right shape, a database where nothing listens.
func fakeSecrets(dbAddr string) func(string) string {
	return func(name string) string {
		switch name {
		case "DATABASE_URL", "DATABASE_DIRECT_URL":
			return "postgres://marquee@" + dbAddr + "/marquee?connect_timeout=5"
		case "SECRET_KEY":
			return strings.Repeat("5e", 32)
		case "SMTP_URL":
			return "smtp://marquee:password@127.0.0.1:25"
		}
		return "from-a-secret"
	}
}

// TestManifestsConfigureTheApp runs every workload's command with the
// environment its pod would get (the Secrets faked): the app's own
// configuration check passes, so every variable it requires is set and
// every value parses, and it goes on to the database, which is not there.
func TestManifestsConfigureTheApp(t *testing.T) {
	bin := marqueeBinary(t)
	db := closedPort(t)
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) {
			r := decodeAll(t, overlay, kustomize(t, overlayDir(t, overlay)))
			for _, w := range r.workloads() {
				c := w.pod.Spec.Containers[0]
				env := r.env(t, c, fakeSecrets(db))
				t.Run(w.name+" "+strings.Join(c.Args, " "), func(t *testing.T) {
					out := runApp(t, bin, c.Args, env)
					if !strings.Contains(out, "failed to connect") || !strings.Contains(out, db) {
						t.Errorf("marquee %s stopped before the database:\n%s", strings.Join(c.Args, " "), out)
					}
				})
			}
			t.Run("the control: serve without SMTP_URL names it", func(t *testing.T) {
				serve := r.deployment(t, "marquee-serve").Spec.Template.Spec.Containers[0]
				env := r.env(t, serve, fakeSecrets(db))
				delete(env, "SMTP_URL")
				if out := runApp(t, bin, serve.Args, env); !strings.Contains(out, "SMTP_URL is required") {
					t.Errorf("serve without SMTP_URL said:\n%s", out)
				}
			})
			t.Run("serve and worker take online payments, or neither without the Stripe secret", func(t *testing.T) {
				for _, name := range []string{"marquee-serve", "marquee-worker"} {
					c := r.deployment(t, name).Spec.Template.Spec.Containers[0]
					env := r.env(t, c, fakeSecrets(db))
					if env["STRIPE_SECRET_KEY"] == "" || env["STRIPE_WEBHOOK_SECRET"] == "" {
						t.Errorf("%s does not read both Stripe keys: payments would be off", name)
					}
					delete(env, "STRIPE_WEBHOOK_SECRET")
					if out := runApp(t, bin, c.Args, env); !strings.Contains(out, "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET go together") {
						t.Errorf("%s with one Stripe key said:\n%s", name, out)
					}
					delete(env, "STRIPE_SECRET_KEY")
					if out := runApp(t, bin, c.Args, env); !strings.Contains(out, "failed to connect") {
						t.Errorf("%s without the Stripe secret stopped before the database:\n%s", name, out)
					}
				}
			})
		})
	}
}

// runApp runs the binary with exactly env and returns what it printed; it
// must fail (there is no database).
func runApp(t *testing.T, bin string, args []string, env map[string]string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	sort.Strings(cmd.Env)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("marquee %s succeeded without a database:\n%s", strings.Join(args, " "), out)
	}
	return string(out)
}

// TestManifestsPinOneImage renders dev and prod as the deploy workflow
// does (infra/k8s/render.sh): every container of both runs the image the
// build pushed, by the same tag; the overlays alone name no image a
// cluster could pull, so nothing deploys unpinned.
func TestManifestsPinOneImage(t *testing.T) {
	const image = "ghcr.io/acme/marquee:0123456789abcdef0123456789abcdef01234567"
	for _, overlay := range overlays {
		t.Run(overlay, func(t *testing.T) {
			out, err := exec.Command("bash", "k8s/render.sh", overlay, image).Output()
			if err != nil {
				t.Fatalf("render.sh %s: %v", overlay, err)
			}
			pinned := decodeAll(t, overlay, out)
			for _, w := range pinned.workloads() {
				for _, c := range w.pod.Spec.Containers {
					if c.Image != image {
						t.Errorf("%s runs %s, want %s", w.name, c.Image, image)
					}
				}
			}
			for _, w := range decodeAll(t, overlay, kustomize(t, overlayDir(t, overlay))).workloads() {
				for _, c := range w.pod.Spec.Containers {
					if c.Image != "marquee" {
						t.Errorf("the overlay alone names image %s for %s; render.sh pins it", c.Image, w.name)
					}
				}
			}
		})
	}
	t.Run("an image without a tag or digest is refused", func(t *testing.T) {
		for _, bad := range []string{"ghcr.io/acme/marquee", "registry:5000/marquee"} {
			b, err := exec.Command("bash", "k8s/render.sh", "prod", bad).CombinedOutput()
			if err == nil || !strings.Contains(string(b), "names no tag or digest") {
				t.Errorf("render.sh prod %s: %v %s", bad, err, b)
			}
		}
	})
	t.Run("a digest pins too", func(t *testing.T) {
		digest := "ghcr.io/acme/marquee@sha256:" + strings.Repeat("ab", 32)
		out, err := exec.Command("bash", "k8s/render.sh", "prod", digest).Output()
		if err != nil {
			t.Fatal(err)
		}
		d := decodeAll(t, "prod", out).deployment(t, "marquee-serve")
		if got := d.Spec.Template.Spec.Containers[0].Image; !slices.Contains([]string{digest}, got) {
			t.Errorf("serve runs %s, want %s", got, digest)
		}
	})
}

// TestDeployMigratesOnlyTheJob: the deploy workflow deletes and applies
// the objects carrying its migration label before anything else; that
// label must pick the migration Job and nothing more (a Deployment or a
// NetworkPolicy carrying it would be deleted on every deploy).
func TestDeployMigratesOnlyTheJob(t *testing.T) {
	workflow, err := os.ReadFile("../.github/workflows/deploy.yml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`sel=([a-z0-9./-]+)=([a-z0-9-]+)`).FindStringSubmatch(string(workflow))
	if m == nil {
		t.Fatalf("deploy.yml sets no sel=LABEL=VALUE for its migration step")
	}
	for _, overlay := range overlays {
		r := decodeAll(t, overlay, kustomize(t, overlayDir(t, overlay)))
		var picked []string
		for _, o := range r.objects {
			if o.labels[m[1]] == m[2] {
				picked = append(picked, o.kind+" "+o.name)
			}
		}
		if !slices.Equal(picked, []string{"Job marquee-migrate"}) {
			t.Errorf("%s: %s=%s picks %q, want only the Job marquee-migrate", overlay, m[1], m[2], picked)
		}
	}
}

// TestStripeKeysAreOneOptionalSecret: both Stripe keys come from the same
// Secret, optional, so a platform without Stripe starts with payments off.
func TestStripeKeysAreOneOptionalSecret(t *testing.T) {
	for _, overlay := range overlays {
		r := decodeAll(t, overlay, kustomize(t, overlayDir(t, overlay)))
		for _, w := range r.workloads() {
			secrets := map[string]bool{}
			for _, e := range w.pod.Spec.Containers[0].Env {
				if !strings.HasPrefix(e.Name, "STRIPE_") {
					continue
				}
				if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
					t.Errorf("%s %s: %s is set in the manifest; it must come from a Secret", overlay, w.name, e.Name)
					continue
				}
				ref := e.ValueFrom.SecretKeyRef
				if ref.Optional == nil || !*ref.Optional {
					t.Errorf("%s %s: %s is not an optional secret key: %+v", overlay, w.name, e.Name, e.ValueFrom)
					continue
				}
				secrets[ref.Name] = true
			}
			if len(secrets) > 1 {
				t.Errorf("%s %s: the Stripe keys come from secrets %v; keep them in one", overlay, w.name, secrets)
			}
		}
	}
}

// TestGuideNamesEverySecret: the operator's guide shows how to create each
// Secret key the manifests reference; a key renamed in one place only
// would leave a first deploy with pods that cannot start.
func TestGuideNamesEverySecret(t *testing.T) {
	guide, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, overlay := range overlays {
		r := decodeAll(t, overlay, kustomize(t, overlayDir(t, overlay)))
		for _, w := range r.workloads() {
			for _, c := range w.pod.Spec.Containers {
				for _, e := range c.Env {
					if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
						continue
					}
					ref := e.ValueFrom.SecretKeyRef
					create := "create secret generic " + ref.Name + " "
					if !strings.Contains(string(guide), create) || !strings.Contains(string(guide), "--from-literal="+ref.Key+"=") {
						t.Errorf("%s: %s reads secret %s key %s; infra/README.md does not show creating it", overlay, e.Name, ref.Name, ref.Key)
					}
				}
			}
		}
		for _, ing := range r.ingresses {
			for _, tls := range ing.Spec.TLS {
				if !strings.Contains(string(guide), "create secret tls "+tls.SecretName+" ") {
					t.Errorf("%s: the Ingress takes its certificate from secret %s; infra/README.md does not show creating it", overlay, tls.SecretName)
				}
			}
		}
	}
}
