package main

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"marquee/storefront/notify/jobs"
	"marquee/storefront/notify/mail"
	"marquee/storefront/notify/mail/smtptest"
	"marquee/tenant"
)

// TestTracingSendsARequestsSpanWithItsLogLinesTraceID: with
// OTEL_EXPORTER_OTLP_ENDPOINT set, a page view's span reaches a real OTLP
// HTTP receiver on loopback, named by its route and carrying its event,
// with the trace id its request log line names.
func TestTracingSendsARequestsSpanWithItsLogLinesTraceID(t *testing.T) {
	receiver, received := otlpReceiver(t)
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
	spans := received()
	for _, sp := range spans {
		if hex.EncodeToString(sp.TraceId) != traceID || sp.ParentSpanId != nil {
			continue // another trace, or the first view's database read within this one
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

// otlpReceiver is a real OTLP/HTTP traces endpoint on loopback; received
// returns the spans it has taken so far.
func otlpReceiver(t *testing.T) (receiver *httptest.Server, received func() []*tracepb.Span) {
	var mu sync.Mutex
	var spans []*tracepb.Span
	receiver = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	t.Cleanup(receiver.Close)
	return receiver, func() []*tracepb.Span {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(spans)
	}
}

// TestTracingGivesTransactionsAndJobsSpans: an order's database
// transaction is a child span of its request's, and the confirmation
// email's job has a span of its own named by its kind.
func TestTracingGivesTransactionsAndJobsSpans(t *testing.T) {
	receiver, received := otlpReceiver(t)
	smtp := smtptest.Start(t, smtptest.Options{})
	cfg := defaultConfig()
	cfg.OTLPEndpoint = receiver.URL
	parsed, err := mail.ParseURL(smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	parsed.Timeout = 5 * time.Second
	cfg.SMTPURL, cfg.SMTP, cfg.MailFrom = smtp.URL(), parsed, "shop@"+testBase
	cfg.Workers = 2
	cfg.Jobs = jobs.Options{PollInterval: 100 * time.Millisecond}
	s := startServer(t, cfg)
	sh := newShop(t, s, "traced")
	if r := sh.post("/order", sh.validOrder(), "X-Request-Id", "req-trace-order"); r.status != http.StatusSeeOther {
		t.Fatalf("order: %d\n%s", r.status, r.body)
	}
	smtp.Wait(t, 1, 10*time.Second)
	var traceID string
	waitFor(t, 5*time.Second, func() bool {
		for _, e := range s.logs.entries(t, "request") {
			if e["request_id"] == "req-trace-order" {
				traceID, _ = e["trace_id"].(string)
				return true
			}
		}
		return false
	})
	var request, order *tracepb.Span
	var jobSpans []string
	waitFor(t, 10*time.Second, func() bool {
		if err := s.platform.tracing.ForceFlush(t.Context()); err != nil {
			t.Fatal(err)
		}
		request, order, jobSpans = nil, nil, nil
		for _, sp := range received() {
			switch {
			case hex.EncodeToString(sp.TraceId) == traceID && sp.Name == "POST /order":
				request = sp
			case hex.EncodeToString(sp.TraceId) == traceID && sp.Name == "db.order":
				order = sp
			case strings.HasPrefix(sp.Name, "river.work/"):
				jobSpans = append(jobSpans, sp.Name)
			}
		}
		return request != nil && order != nil && len(jobSpans) > 0
	})
	if request == nil || order == nil {
		t.Fatalf("trace %s: request span %v, order transaction span %v", traceID, request != nil, order != nil)
	}
	if !bytes.Equal(order.ParentSpanId, request.SpanId) {
		t.Errorf("the order's transaction span is not a child of its request's")
	}
	if order.Status.GetCode() == tracepb.Status_STATUS_CODE_ERROR {
		t.Errorf("the order's transaction span says it failed")
	}
	if !slices.ContainsFunc(jobSpans, func(n string) bool { return n == "river.work/order_email" }) {
		t.Errorf("job spans %v: none for the confirmation email", jobSpans)
	}
}
