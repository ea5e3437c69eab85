package infra

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"sigs.k8s.io/yaml"

	"marquee/infra/metrics"
)

// ruleFile is Prometheus's rule file, as much of it as the rules use:
// decoded strictly, a misspelt field fails.
type ruleFile struct {
	Groups []struct {
		Name  string `json:"name"`
		Rules []struct {
			Alert       string            `json:"alert"`
			Expr        string            `json:"expr"`
			For         string            `json:"for,omitempty"`
			Labels      map[string]string `json:"labels"`
			Annotations map[string]string `json:"annotations"`
		} `json:"rules"`
	} `json:"groups"`
}

// dashboard is the part of Grafana's dashboard JSON the test reads.
type dashboard struct {
	Title  string `json:"title"`
	UID    string `json:"uid"`
	Panels []struct {
		Title   string `json:"title"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

// metricName finds the names of series in PromQL: the app's, Go's and the
// process's.
var metricName = regexp.MustCompile(`\b(?:marquee|go|process)_[a-z0-9_]+\b`)

// TestMonitoringNamesWhatTheAppExports: the alert rules and the dashboard
// parse, and every metric they name is one the app exports (a histogram's
// _bucket, _sum and _count included), so a renamed metric cannot leave an
// alert silently watching nothing.
func TestMonitoringNamesWhatTheAppExports(t *testing.T) {
	set := metrics.New()
	if err := set.Register(metrics.Caches(nil), metrics.Pool(nil), metrics.Jobs(nil), metrics.Backups(nil)); err != nil {
		t.Fatal(err)
	}
	exported := set.Names()
	known := func(name string) bool {
		if slices.Contains(exported, name) {
			return true
		}
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suffix); ok && slices.Contains(exported, base) {
				return true
			}
		}
		return false
	}
	checkExpr := func(where, expr string) {
		t.Helper()
		names := metricName.FindAllString(expr, -1)
		if len(names) == 0 {
			t.Errorf("%s: %q names no metric of the app", where, expr)
		}
		for _, n := range names {
			if !known(n) {
				t.Errorf("%s: %s is not a metric the app exports", where, n)
			}
		}
		if !balanced(expr) {
			t.Errorf("%s: %q has unbalanced brackets or quotes", where, expr)
		}
	}

	t.Run("the alert rules", func(t *testing.T) {
		b, err := os.ReadFile("monitoring/alerts.yaml")
		if err != nil {
			t.Fatal(err)
		}
		var rules ruleFile
		if err := yaml.UnmarshalStrict(b, &rules); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, g := range rules.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" || seen[r.Alert] {
					t.Errorf("group %s: a rule without a name of its own: %q", g.Name, r.Alert)
				}
				seen[r.Alert] = true
				if r.For != "" {
					if _, err := model.ParseDuration(r.For); err != nil {
						t.Errorf("%s: for %q: %v", r.Alert, r.For, err)
					}
				}
				if s := r.Labels["severity"]; s != "page" && s != "ticket" {
					t.Errorf("%s: severity %q, want page or ticket", r.Alert, s)
				}
				if r.Annotations["summary"] == "" {
					t.Errorf("%s: no summary", r.Alert)
				}
				checkExpr(r.Alert, r.Expr)
			}
		}
		if len(seen) < 5 {
			t.Errorf("%d alerts", len(seen))
		}
	})

	t.Run("the dashboard", func(t *testing.T) {
		b, err := os.ReadFile("monitoring/dashboard.json")
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(b) || d.UID == "" || len(d.Panels) < 5 {
			t.Fatalf("dashboard %q (uid %q) has %d panels", d.Title, d.UID, len(d.Panels))
		}
		for _, p := range d.Panels {
			if len(p.Targets) == 0 {
				t.Errorf("panel %q queries nothing", p.Title)
			}
			for _, q := range p.Targets {
				checkExpr("panel "+p.Title, q.Expr)
			}
		}
	})
}

// balanced says whether expr's brackets pair up outside its quoted strings.
func balanced(expr string) bool {
	var open bytes.Buffer
	pairs := map[byte]byte{')': '(', ']': '[', '}': '{'}
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; c {
		case '"':
			j := strings.IndexByte(expr[i+1:], '"')
			if j < 0 {
				return false
			}
			i += j + 1
		case '(', '[', '{':
			open.WriteByte(c)
		case ')', ']', '}':
			n := open.Len()
			if n == 0 || open.Bytes()[n-1] != pairs[c] {
				return false
			}
			open.Truncate(n - 1)
		}
	}
	return open.Len() == 0
}
