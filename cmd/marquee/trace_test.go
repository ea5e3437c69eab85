package main

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"marquee/tenant"
)

// TestTracingSendsARequestsSpanWithItsLogLinesTraceID: with
// OTEL_EXPORTER_OTLP_ENDPOINT set, a page view's span reaches a real OTLP
// HTTP receiver on loopback, named by its route and carrying its event,
// with the trace id its request log line names.
func TestTracingSendsARequestsSpanWithItsLogLinesTraceID(t *testing.T) {
	var mu sync.Mutex
	var spans []*tracepb.Span
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
			http.Error(w, "not OTLP/HTTP traces", http.StatusNotFound)
			return
		}
		b, _ := io.ReadAll(r.Body)
		var req collectortrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(b, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				spans = append(spans, ss.Spans...)
			}
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
		w.Write(out)
	}))
	defer receiver.Close()
	cfg := defaultConfig()
	cfg.OTLPEndpoint = receiver.URL
	s := startServer(t, cfg)
	s.event("devcon", tenant.StatusActive, blue)
	s.settle()
	if r := s.get("devcon."+testBase, "/", "X-Request-Id", "req-trace-test-1"); r.status != 200 {
		t.Fatalf("landing page: %d", r.status)
	}
	var traceID string
	waitFor(t, 5*time.Second, func() bool {
		for _, e := range s.logs.entries(t, "request") {
			if e["request_id"] == "req-trace-test-1" {
				traceID, _ = e["trace_id"].(string)
				return true
			}
		}
		return false
	})
	if len(traceID) != 32 {
		t.Fatalf("the request's log line has trace_id %q", traceID)
	}
	if err := s.platform.tracing.ForceFlush(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, sp := range spans {
		if hex.EncodeToString(sp.TraceId) != traceID {
			continue
		}
		attrs := map[string]string{}
		for _, a := range sp.Attributes {
			attrs[a.Key] = a.Value.GetStringValue()
		}
		if sp.Name != "GET /" || attrs["marquee.event"] != "devcon" || attrs["marquee.request_id"] != "req-trace-test-1" {
			t.Errorf("span %q with %v", sp.Name, attrs)
		}
		return
	}
	t.Fatalf("no span of trace %s among %d received", traceID, len(spans))
}
