package infra

import (
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// checkRouting follows traffic to serve: the Service selects its pods and
// targets ports it has; behind the Ingress the hosts are the events' and
// the console's names under BASE_DOMAIN and the proxy is trusted; in the
// TLS variant a TCP load balancer keeps the client's address and nothing
// is trusted; the NetworkPolicy lets in exactly what the Service sends.
func checkRouting(t *testing.T, r *rendered, serve *appsv1.Deployment, env map[string]string, tls bool) {
	t.Helper()
	c := serve.Spec.Template.Spec.Containers[0]
	podLabels := labels.Set(serve.Spec.Template.Labels)
	var svc *corev1.Service
	for i := range r.services {
		if r.services[i].Name == "marquee" {
			svc = &r.services[i]
		}
	}
	if svc == nil {
		t.Fatalf("no Service marquee")
	}
	if len(svc.Spec.Selector) == 0 || !labels.SelectorFromSet(svc.Spec.Selector).Matches(podLabels) {
		t.Errorf("Service selector %v does not select serve's pods %v", svc.Spec.Selector, podLabels)
	}
	targets := map[int32]int32{} // service port → container port
	for _, p := range svc.Spec.Ports {
		cp := containerPort(c, p.TargetPort.String())
		if cp == 0 {
			t.Errorf("Service port %d targets %s, which serve's container does not have", p.Port, p.TargetPort.String())
		}
		targets[p.Port] = cp
	}
	base := env["BASE_DOMAIN"]
	if tls {
		if len(r.ingresses) != 0 {
			t.Errorf("the TLS variant renders an Ingress; the pods terminate TLS themselves")
		}
		if svc.Spec.Type != corev1.ServiceTypeLoadBalancer || svc.Spec.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyLocal {
			t.Errorf("Service type %s externalTrafficPolicy %s, want LoadBalancer Local (the client's address reaches the pod)", svc.Spec.Type, svc.Spec.ExternalTrafficPolicy)
		}
		if targets[443] != addrPort(t, envOr(env, "HTTPS_ADDR", ":443")) || targets[80] != addrPort(t, envOr(env, "HTTP_ADDR", ":80")) {
			t.Errorf("Service sends 443→%d and 80→%d; the app serves HTTPS_ADDR %s and HTTP_ADDR %s", targets[443], targets[80], env["HTTPS_ADDR"], env["HTTP_ADDR"])
		}
		if env["TRUSTED_PROXIES"] != "" {
			t.Errorf("TRUSTED_PROXIES %q with no proxy in front: clients could forge X-Forwarded-For", env["TRUSTED_PROXIES"])
		}
		if env["ACME_EMAIL"] == "" {
			t.Errorf("TLS=acme without ACME_EMAIL")
		}
	} else {
		checkIngress(t, r, svc, base)
		if targets[80] != addrPort(t, envOr(env, "LISTEN_ADDR", ":8080")) {
			t.Errorf("Service port 80 reaches %d; the app listens on %s", targets[80], env["LISTEN_ADDR"])
		}
		if env["TRUSTED_PROXIES"] == "" {
			t.Errorf("behind the Ingress without TRUSTED_PROXIES: every client would share the controller's address")
		}
	}
	checkNetworkPolicies(t, r, c, podLabels, targets)
}

func checkIngress(t *testing.T, r *rendered, svc *corev1.Service, base string) {
	t.Helper()
	if len(r.ingresses) != 1 {
		t.Fatalf("%d Ingresses, want 1", len(r.ingresses))
	}
	ing := r.ingresses[0]
	var hosts []string
	for _, rule := range ing.Spec.Rules {
		hosts = append(hosts, rule.Host)
		if rule.HTTP == nil || len(rule.HTTP.Paths) == 0 {
			t.Errorf("Ingress rule %s has no paths", rule.Host)
			continue
		}
		for _, p := range rule.HTTP.Paths {
			checkBackend(t, p.Backend, svc)
		}
	}
	slices.Sort(hosts)
	if want := []string{"*." + base, "console." + base}; !slices.Equal(hosts, want) {
		t.Errorf("Ingress hosts %q; with BASE_DOMAIN %s want %q", hosts, base, want)
	}
	covered := false
	for _, tls := range ing.Spec.TLS {
		if slices.Contains(tls.Hosts, "*."+base) && tls.SecretName != "" {
			covered = true
		}
	}
	if !covered {
		t.Errorf("Ingress TLS %+v does not cover *.%s with a certificate secret", ing.Spec.TLS, base)
	}
}

func checkBackend(t *testing.T, b networkingv1.IngressBackend, svc *corev1.Service) {
	t.Helper()
	if b.Service == nil || b.Service.Name != svc.Name {
		t.Errorf("Ingress backend %+v is not Service %s", b, svc.Name)
		return
	}
	for _, p := range svc.Spec.Ports {
		if p.Name == b.Service.Port.Name && p.Name != "" || p.Port == b.Service.Port.Number {
			return
		}
	}
	t.Errorf("Ingress backend port %+v is not a port of Service %s", b.Service.Port, svc.Name)
}

func checkNetworkPolicies(t *testing.T, r *rendered, c corev1.Container, podLabels labels.Set, targets map[int32]int32) {
	t.Helper()
	var serveAllows []int32
	isolated := map[string]bool{}
	for _, np := range r.netpols {
		if !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) {
			t.Errorf("NetworkPolicy %s does not isolate ingress", np.Name)
		}
		sel := np.Spec.PodSelector
		for _, component := range []string{"serve", "worker", "migrate"} {
			if selects(t, &sel, map[string]string{"app.kubernetes.io/name": "marquee", "app.kubernetes.io/component": component}) {
				isolated[component] = true
				if component != "serve" && !onlyMetrics(np) {
					t.Errorf("NetworkPolicy %s lets connections into %s, which serves nothing but its metrics", np.Name, component)
				}
			}
		}
		if !selects(t, &sel, podLabels) {
			continue
		}
		for _, rule := range np.Spec.Ingress {
			for _, p := range rule.Ports {
				cp := containerPort(c, p.Port.String())
				if cp == 0 {
					t.Errorf("NetworkPolicy %s allows port %s, which serve does not have", np.Name, p.Port.String())
				}
				serveAllows = append(serveAllows, cp)
			}
		}
	}
	for _, component := range []string{"serve", "worker", "migrate"} {
		if !isolated[component] {
			t.Errorf("no NetworkPolicy selects the %s pods", component)
		}
	}
	for port, cp := range targets {
		if !slices.Contains(serveAllows, cp) {
			t.Errorf("the Service sends port %d to %d, which serve's NetworkPolicy does not let in", port, cp)
		}
	}
}

// onlyMetrics says whether np lets connections in on the port named
// metrics (METRICS_ADDR) alone, or none.
func onlyMetrics(np networkingv1.NetworkPolicy) bool {
	for _, rule := range np.Spec.Ingress {
		if len(rule.Ports) == 0 {
			return false
		}
		for _, p := range rule.Ports {
			if p.Port == nil || p.Port.String() != "metrics" {
				return false
			}
		}
	}
	return true
}
