package route53

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// newTestProvider is a Provider built by New, signing with static keys,
// talking to f over HTTP. The SDK makes one attempt per call, so that
// server errors surface at once instead of after its backoff.
func newTestProvider(t *testing.T, f *fakeRoute53, hostedZoneID string) *Provider {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", none)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", none)
	t.Setenv("AWS_CA_BUNDLE", "")
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	p, err := New(context.Background(), Config{Region: "us-east-1", HostedZoneID: hostedZoneID, Endpoint: srv.URL},
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")),
		config.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeRoute53 is an in-memory Route 53 serving the three operations the
// Provider uses, with Route 53's rules for change batches: atomic, CREATE
// refused over an existing set, DELETE refused unless it names the set
// exactly, TXT values quoted.
type fakeRoute53 struct {
	mu    sync.Mutex
	mux   *http.ServeMux
	zones []fakeZone
	sets  map[string][]fakeSet // by hosted zone ID
	calls map[string]int       // by operation
	fails map[string]fakeError // the next call of an operation fails so
	// meddle runs before the next meddleTimes change batches, as another
	// writer would; under mu.
	meddle      func()
	meddleTimes int
}

type fakeZone struct {
	id, name string
	private  bool
}

type fakeSet struct {
	name, typ string
	ttl       int64
	values    []string
}

type fakeError struct {
	status int
	body   string
}

const xmlns = "https://route53.amazonaws.com/doc/2013-04-01/"

func newFakeRoute53(zones ...fakeZone) *fakeRoute53 {
	f := &fakeRoute53{mux: http.NewServeMux(), zones: zones, sets: map[string][]fakeSet{}, calls: map[string]int{}, fails: map[string]fakeError{}}
	f.mux.HandleFunc("POST /2013-04-01/hostedzone/{id}/rrset", f.operation("ChangeResourceRecordSets", f.changeRecordSets))
	f.mux.HandleFunc("GET /2013-04-01/hostedzone/{id}/rrset", f.operation("ListResourceRecordSets", f.listRecordSets))
	f.mux.HandleFunc("GET /2013-04-01/hostedzonesbyname", f.operation("ListHostedZonesByName", f.listZonesByName))
	return f
}

func (f *fakeRoute53) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

// operation wraps a handler with what every call shares: the lock, the
// count, the signature check and injected failures.
func (f *fakeRoute53) operation(name string, h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls[name]++
		if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKID/") {
			writeXML(w, 403, errorResponse("Sender", "MissingAuthenticationToken", "not signed with AKID"))
			return
		}
		if e, ok := f.fails[name]; ok {
			delete(f.fails, name)
			w.WriteHeader(e.status)
			_, _ = w.Write([]byte(e.body))
			return
		}
		if id := r.PathValue("id"); id != "" && !slices.ContainsFunc(f.zones, func(z fakeZone) bool { return z.id == id }) {
			writeXML(w, 404, errorResponse("Sender", "NoSuchHostedZone", "No hosted zone found with ID: "+id))
			return
		}
		h(w, r)
	}
}

func (f *fakeRoute53) seed(zoneID string, s fakeSet) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.putLocked(zoneID, s)
}

// putLocked adds s to the hosted zone or replaces the set of its name and
// type, as another writer would; the caller holds mu.
func (f *fakeRoute53) putLocked(zoneID string, s fakeSet) {
	i := slices.IndexFunc(f.sets[zoneID], func(o fakeSet) bool { return o.name == s.name && o.typ == s.typ })
	if i < 0 {
		f.sets[zoneID] = append(f.sets[zoneID], s)
		return
	}
	f.sets[zoneID] = slices.Clone(f.sets[zoneID])
	f.sets[zoneID][i] = s
}

func (f *fakeRoute53) set(zoneID, name, typ string) (fakeSet, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.sets[zoneID], func(s fakeSet) bool { return s.name == name && s.typ == typ })
	if i < 0 {
		return fakeSet{}, false
	}
	return f.sets[zoneID][i], true
}

func (f *fakeRoute53) callCount(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *fakeRoute53) failNext(op string, e fakeError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails[op] = e
}

func (f *fakeRoute53) interfere(times int, meddle func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.meddle, f.meddleTimes = meddle, times
}

type xmlRecordSet struct {
	Name    string      `xml:"Name"`
	Type    string      `xml:"Type"`
	TTL     int64       `xml:"TTL"`
	Records []xmlRecord `xml:"ResourceRecords>ResourceRecord"`
}

// xmlRecord is one value; a path "ResourceRecord>Value" on a slice of
// strings would marshal every value into one ResourceRecord.
type xmlRecord struct {
	Value string `xml:"Value"`
}

func (x xmlRecordSet) values() []string {
	var vs []string
	for _, r := range x.Records {
		vs = append(vs, r.Value)
	}
	return vs
}

func xmlOf(s fakeSet) xmlRecordSet {
	x := xmlRecordSet{Name: s.name, Type: s.typ, TTL: s.ttl}
	for _, v := range s.values {
		x.Records = append(x.Records, xmlRecord{Value: v})
	}
	return x
}

// changeRecordSets is ChangeResourceRecordSets, applying the batch whole or
// refusing it with Route 53's InvalidChangeBatch document.
func (f *fakeRoute53) changeRecordSets(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Changes []struct {
			Action string       `xml:"Action"`
			Set    xmlRecordSet `xml:"ResourceRecordSet"`
		} `xml:"ChangeBatch>Changes>Change"`
	}
	if err := xml.NewDecoder(r.Body).Decode(&req); err != nil {
		writeXML(w, 400, errorResponse("Sender", "InvalidInput", err.Error()))
		return
	}
	if f.meddleTimes > 0 {
		f.meddleTimes--
		f.meddle()
	}
	zoneID := r.PathValue("id")
	sets := slices.Clone(f.sets[zoneID])
	for _, c := range req.Changes {
		s := fakeSet{name: strings.ToLower(c.Set.Name), typ: c.Set.Type, ttl: c.Set.TTL, values: c.Set.values()}
		if msg := f.apply(zoneID, &sets, c.Action, s); msg != "" {
			writeXML(w, 400, fmt.Sprintf(`<InvalidChangeBatch xmlns="%s"><Messages><Message>%s</Message></Messages><RequestId>req-1</RequestId></InvalidChangeBatch>`, xmlns, escapeXML(msg)))
			return
		}
	}
	f.sets[zoneID] = sets
	writeXML(w, 200, fmt.Sprintf(`<ChangeResourceRecordSetsResponse xmlns="%s"><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2026-01-02T03:04:05Z</SubmittedAt><Comment>ok</Comment></ChangeInfo></ChangeResourceRecordSetsResponse>`, xmlns))
}

// apply is one change of a batch, with Route 53's reason when it is refused.
func (f *fakeRoute53) apply(zoneID string, sets *[]fakeSet, action string, s fakeSet) string {
	zone := f.zones[slices.IndexFunc(f.zones, func(z fakeZone) bool { return z.id == zoneID })]
	if s.name != zone.name && !strings.HasSuffix(s.name, "."+zone.name) {
		return fmt.Sprintf("RRSet with DNS name %s is not permitted in zone %s", s.name, zone.name)
	}
	for _, v := range s.values {
		if s.typ == "TXT" && (len(v) < 2 || !strings.HasPrefix(v, `"`) || !strings.HasSuffix(v, `"`)) {
			return "Invalid Resource Record: FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with '" + v + "'"
		}
	}
	i := slices.IndexFunc(*sets, func(o fakeSet) bool { return o.name == s.name && o.typ == s.typ })
	what := fmt.Sprintf("resource record set [name='%s', type='%s']", s.name, s.typ)
	switch action {
	case "CREATE":
		if i >= 0 {
			return "Tried to create " + what + " but it already exists"
		}
		*sets = append(*sets, s)
	case "DELETE":
		if i < 0 {
			return "Tried to delete " + what + " but it was not found"
		}
		if o := (*sets)[i]; o.ttl != s.ttl || !sameValues(o.values, s.values) {
			return "Tried to delete " + what + " but the values provided do not match the current values"
		}
		*sets = slices.Delete(*sets, i, i+1)
	case "UPSERT":
		if i >= 0 {
			(*sets)[i] = s
		} else {
			*sets = append(*sets, s)
		}
	default:
		return "unknown action " + action
	}
	return ""
}

// listRecordSets is ListResourceRecordSets: sets in Route 53's order
// (names by reversed labels, then type), from name and type on.
func (f *fakeRoute53) listRecordSets(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sets := slices.Clone(f.sets[r.PathValue("id")])
	slices.SortFunc(sets, func(a, b fakeSet) int { return compareKeys(a.name, a.typ, b.name, b.typ) })
	start := strings.ToLower(strings.TrimSuffix(q.Get("name"), ".") + ".")
	if q.Get("name") != "" {
		sets = slices.DeleteFunc(sets, func(s fakeSet) bool { return compareKeys(s.name, s.typ, start, q.Get("type")) < 0 })
	}
	maxItems := atoiOr(q.Get("maxitems"), 300)
	var out struct {
		XMLName        xml.Name       `xml:"ListResourceRecordSetsResponse"`
		XMLNS          string         `xml:"xmlns,attr"`
		Sets           []xmlRecordSet `xml:"ResourceRecordSets>ResourceRecordSet"`
		IsTruncated    bool           `xml:"IsTruncated"`
		MaxItems       int            `xml:"MaxItems"`
		NextRecordName string         `xml:"NextRecordName,omitempty"`
		NextRecordType string         `xml:"NextRecordType,omitempty"`
	}
	out.XMLNS, out.MaxItems = xmlns, maxItems
	for i, s := range sets {
		if i == maxItems {
			out.IsTruncated, out.NextRecordName, out.NextRecordType = true, s.name, s.typ
			break
		}
		out.Sets = append(out.Sets, xmlOf(s))
	}
	writeXMLValue(w, out)
}

// listZonesByName is ListHostedZonesByName: zones in Route 53's order
// (names by reversed labels, then ID), from dnsname on.
func (f *fakeRoute53) listZonesByName(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	zones := slices.Clone(f.zones)
	slices.SortFunc(zones, func(a, b fakeZone) int { return compareKeys(a.name, a.id, b.name, b.id) })
	if name := q.Get("dnsname"); name != "" {
		start := strings.ToLower(strings.TrimSuffix(name, ".") + ".")
		zones = slices.DeleteFunc(zones, func(z fakeZone) bool { return compareKeys(z.name, z.id, start, q.Get("hostedzoneid")) < 0 })
	}
	type xmlZone struct {
		ID              string `xml:"Id"`
		Name            string `xml:"Name"`
		CallerReference string `xml:"CallerReference"`
		PrivateZone     bool   `xml:"Config>PrivateZone"`
		RecordSetCount  int    `xml:"ResourceRecordSetCount"`
	}
	maxItems := atoiOr(q.Get("maxitems"), 100)
	var out struct {
		XMLName          xml.Name  `xml:"ListHostedZonesByNameResponse"`
		XMLNS            string    `xml:"xmlns,attr"`
		Zones            []xmlZone `xml:"HostedZones>HostedZone"`
		DNSName          string    `xml:"DNSName,omitempty"`
		IsTruncated      bool      `xml:"IsTruncated"`
		MaxItems         int       `xml:"MaxItems"`
		NextDNSName      string    `xml:"NextDNSName,omitempty"`
		NextHostedZoneID string    `xml:"NextHostedZoneId,omitempty"`
	}
	out.XMLNS, out.DNSName, out.MaxItems = xmlns, q.Get("dnsname"), maxItems
	for i, z := range zones {
		if i == maxItems {
			out.IsTruncated, out.NextDNSName, out.NextHostedZoneID = true, z.name, z.id
			break
		}
		out.Zones = append(out.Zones, xmlZone{ID: "/hostedzone/" + z.id, Name: z.name, CallerReference: "ref-" + z.id, PrivateZone: z.private, RecordSetCount: len(f.sets[z.id])})
	}
	writeXMLValue(w, out)
}

// compareKeys orders (name, tiebreak) pairs as Route 53 lists them: names
// by their labels from the right.
func compareKeys(nameA, tieA, nameB, tieB string) int {
	if c := strings.Compare(reversedLabels(nameA), reversedLabels(nameB)); c != 0 {
		return c
	}
	return strings.Compare(tieA, tieB)
}

func reversedLabels(name string) string {
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	slices.Reverse(labels)
	return strings.Join(labels, ".")
}

func sameValues(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

// errorResponse is Route 53's generic error document.
func errorResponse(typ, code, msg string) string {
	return fmt.Sprintf(`<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`, xmlns, typ, code, escapeXML(msg))
}

func escapeXML(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func writeXML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", "req-1")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header + body))
}

func writeXMLValue(w http.ResponseWriter, v any) {
	body, err := xml.Marshal(v)
	if err != nil {
		writeXML(w, 500, errorResponse("Receiver", "InternalFailure", err.Error()))
		return
	}
	writeXML(w, 200, string(body))
}
