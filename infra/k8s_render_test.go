package infra

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// rendered is what `kubectl kustomize` printed for one overlay, every
// object decoded strictly into its Kubernetes API type.
type rendered struct {
	overlay         string
	serviceAccounts []corev1.ServiceAccount
	configMaps      []corev1.ConfigMap
	deployments     []appsv1.Deployment
	jobs            []batchv1.Job
	cronJobs        []batchv1.CronJob
	services        []corev1.Service
	ingresses       []networkingv1.Ingress
	pdbs            []policyv1.PodDisruptionBudget
	hpas            []autoscalingv2.HorizontalPodAutoscaler
	netpols         []networkingv1.NetworkPolicy
	namespaces      map[string]bool // of every object
	objects         []objectRef
}

// objectRef names one rendered object and its labels.
type objectRef struct {
	kind, name string
	labels     map[string]string
}

// kustomize renders dir with kubectl, offline.
func kustomize(t *testing.T, dir string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("kubectl", "kustomize", dir)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v\n%s", dir, err, stderr.Bytes())
	}
	return out
}

// decodeAll decodes a multi-document YAML stream strictly: an unknown or
// duplicated field, or a kind not listed here, fails the test.
func decodeAll(t *testing.T, overlay string, stream []byte) *rendered {
	t.Helper()
	r := &rendered{overlay: overlay, namespaces: map[string]bool{}}
	for i, doc := range bytes.Split(stream, []byte("\n---\n")) {
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var meta struct {
			metav1.TypeMeta `json:",inline"`
			Metadata        metav1.ObjectMeta `json:"metadata"`
		}
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			t.Fatalf("%s: document %d: %v", overlay, i, err)
		}
		r.namespaces[meta.Metadata.Namespace] = true
		r.objects = append(r.objects, objectRef{meta.Kind, meta.Metadata.Name, meta.Metadata.Labels})
		if err := r.add(meta.APIVersion+" "+meta.Kind, doc); err != nil {
			t.Errorf("%s: %s %s: %v", overlay, meta.Kind, meta.Metadata.Name, err)
		}
	}
	return r
}

// add decodes doc strictly into the type of kind and keeps it.
func (r *rendered) add(kind string, doc []byte) error {
	switch kind {
	case "v1 ServiceAccount":
		return strictAppend(doc, &r.serviceAccounts)
	case "v1 ConfigMap":
		return strictAppend(doc, &r.configMaps)
	case "apps/v1 Deployment":
		return strictAppend(doc, &r.deployments)
	case "batch/v1 Job":
		return strictAppend(doc, &r.jobs)
	case "batch/v1 CronJob":
		return strictAppend(doc, &r.cronJobs)
	case "v1 Service":
		return strictAppend(doc, &r.services)
	case "networking.k8s.io/v1 Ingress":
		return strictAppend(doc, &r.ingresses)
	case "policy/v1 PodDisruptionBudget":
		return strictAppend(doc, &r.pdbs)
	case "autoscaling/v2 HorizontalPodAutoscaler":
		return strictAppend(doc, &r.hpas)
	case "networking.k8s.io/v1 NetworkPolicy":
		return strictAppend(doc, &r.netpols)
	}
	return fmt.Errorf("unexpected kind %q (a Secret, say, must never be rendered)", kind)
}

func strictAppend[T any](doc []byte, list *[]T) error {
	var v T
	if err := yaml.UnmarshalStrict(doc, &v); err != nil {
		return err
	}
	*list = append(*list, v)
	return nil
}

func (r *rendered) deployment(t *testing.T, name string) *appsv1.Deployment {
	t.Helper()
	for i := range r.deployments {
		if r.deployments[i].Name == name {
			return &r.deployments[i]
		}
	}
	t.Fatalf("%s renders no Deployment %s", r.overlay, name)
	return nil
}

func (r *rendered) configMap(name string) *corev1.ConfigMap {
	for i := range r.configMaps {
		if r.configMaps[i].Name == name {
			return &r.configMaps[i]
		}
	}
	return nil
}

// workload is one pod template of a Deployment or Job.
type workload struct {
	name string
	pod  corev1.PodTemplateSpec
}

func (r *rendered) workloads() []workload {
	var out []workload
	for _, d := range r.deployments {
		out = append(out, workload{"Deployment " + d.Name, d.Spec.Template})
	}
	for _, j := range r.jobs {
		out = append(out, workload{"Job " + j.Name, j.Spec.Template})
	}
	return out
}

// env is a container's environment as the pod would get it: the
// ConfigMaps it takes whole, then its own entries (which win). Secrets
// are replaced by secret(name); other references are an error.
func (r *rendered) env(t *testing.T, c corev1.Container, secret func(name string) string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef == nil {
			t.Errorf("%s: envFrom other than a ConfigMap: %+v", c.Name, from)
			continue
		}
		cm := r.configMap(from.ConfigMapRef.Name)
		if cm == nil {
			t.Errorf("%s: envFrom names ConfigMap %s, which %s does not render", c.Name, from.ConfigMapRef.Name, r.overlay)
			continue
		}
		for k, v := range cm.Data {
			out[from.Prefix+k] = v
		}
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			out[e.Name] = e.Value
		case e.ValueFrom.SecretKeyRef != nil:
			out[e.Name] = secret(e.Name)
		default:
			t.Errorf("%s: %s comes from %+v; only values, ConfigMaps and Secrets are expected", c.Name, e.Name, e.ValueFrom)
		}
	}
	return out
}

// appEnvNames are the variables cmd/marquee reads: the names it passes to
// getenv (or to config.go's set helper) and the keys of the maps of names
// in configFromEnv, found in its source.
func appEnvNames(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("../cmd/marquee/*.go")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if isEnvReader(n.Fun) && len(n.Args) > 0 {
					addName(names, n.Args[0])
				}
			case *ast.FuncDecl:
				if n.Name.Name == "configFromEnv" {
					ast.Inspect(n, func(m ast.Node) bool {
						if kv, ok := m.(*ast.KeyValueExpr); ok {
							addName(names, kv.Key)
						}
						return true
					})
				}
			}
			return true
		})
	}
	return names
}

func isEnvReader(fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name == "getenv" || f.Name == "set"
	case *ast.SelectorExpr:
		return f.Sel.Name == "getenv" || f.Sel.Name == "Getenv"
	}
	return false
}

func addName(names map[string]bool, e ast.Expr) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return
	}
	if s, err := strconv.Unquote(lit.Value); err == nil && s != "" && strings.ToUpper(s) == s && !strings.ContainsAny(s, " :") {
		names[s] = true
	}
}

// overlayDir is the absolute path of an overlay.
func overlayDir(t *testing.T, overlay string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("k8s", "overlays", overlay))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "kustomization.yaml")); err != nil {
		t.Fatal(err)
	}
	return dir
}
