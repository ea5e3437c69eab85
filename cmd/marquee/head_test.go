package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"marquee/tenant/staff"
)

// A HEAD of a streamed answer (the console's CSV export) must leave
// nothing on a kept-alive connection: fasthttp ends such an answer with the
// chunked trailer's empty line though it sends no body, and the client then
// reads that line as the start of its next answer ("malformed HTTP
// response").
func TestAHeadAnswerLeavesNothingOnTheConnection(t *testing.T) {
	s, ev, st := consoleServer(t)
	if err := s.platform.staff.SetRole(context.Background(), st.ID, ev.ID, st.ID, staff.RoleOwner); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	if res := signIn(b, "marketing@example.com", "correct horse battery"); res.status != http.StatusSeeOther {
		t.Fatalf("sign in: status %d", res.status)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	// Both requests at once: the server answers them in turn, so the
	// second answer starts exactly where the first one ends.
	fmt.Fprintf(conn, "HEAD /events/devcon/orders/export.csv HTTP/1.1\r\nHost: %s\r\nCookie: marquee_session=%s\r\n\r\n"+
		"GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", consoleHost, sessionValue(b, s), consoleHost)
	r := bufio.NewReader(conn)
	head, err := http.ReadResponse(r, &http.Request{Method: http.MethodHead})
	if err != nil {
		t.Fatalf("HEAD of the export: %v", err)
	}
	head.Body.Close()
	if head.StatusCode != http.StatusOK || !strings.HasPrefix(head.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("HEAD of the export: status %d, type %q; want 200 and text/csv", head.StatusCode, head.Header.Get("Content-Type"))
	}
	next, err := http.ReadResponse(r, &http.Request{Method: http.MethodGet})
	if err != nil {
		t.Fatalf("the answer after a HEAD of the export: %v", err)
	}
	next.Body.Close()
	if next.StatusCode != http.StatusOK {
		t.Fatalf("the answer after a HEAD of the export: status %d, want 200", next.StatusCode)
	}
}
