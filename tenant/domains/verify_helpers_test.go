package domains

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

const testToken = "mq-7f3a9c2e"

var edge = Target{
	CNAME: "edge.marquee.example",
	IPs:   []netip.Addr{netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("2001:db8::10")},
}

// challenge is the zone line that proves ownership of host.
func challenge(host string) string {
	return "_marquee-challenge." + host + " 60 IN TXT " + testToken + "\n"
}

func assertResult(t *testing.T, got Result, want string) {
	t.Helper()
	if got.Reason != want || got.OK != (want == "") {
		t.Errorf("got OK=%v Reason=%q (%s), want Reason=%q", got.OK, got.Reason, got.Detail, want)
	}
	if got.Detail == "" {
		t.Error("Detail is empty")
	}
}

// manyTXT returns n TXT records at name, together far over 1232 octets.
func manyTXT(name string, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(name + " 60 IN TXT \"unrelated-verification-value-" + strings.Repeat("x", 20) + "-" + strconv.Itoa(i) + "\"\n")
	}
	return b.String()
}
