// Package route53 lets certmagic solve ACME DNS-01 challenges in an AWS
// Route 53 hosted zone. Its Provider is the certmagic.DNSProvider (a libdns
// RecordAppender and RecordDeleter) that lets the edge cover *.BASE_DOMAIN
// with one wildcard certificate; github.com/libdns/route53 would do the
// same but cannot be had here.
//
// It manages TXT records, the only type certmagic creates, and rests on
// these decisions:
//
//   - Route 53 keeps all values of one name and type in one record set, so
//     appending reads the set and writes it back with the new value added,
//     and deleting writes it back without the value, removing the set with
//     its last value. The wildcard and the apex certificate both put a
//     value at _acme-challenge.BASE_DOMAIN, at the same time.
//   - Every write is a compare-and-swap: one change batch that DELETEs the
//     set exactly as it was read and CREATEs its new version. Route 53
//     applies a batch whole or not at all, and refuses it
//     (InvalidChangeBatch) when the set changed after the read; the write
//     then starts again from a fresh read. A read followed by an UPSERT
//     would let two replicas solving the wildcard and the apex at once
//     (certmagic locks per certificate, not per record name) each write
//     back the set without the other's value, and one challenge would fail.
//     Within one process a mutex keeps writes from racing at all.
//   - Nothing waits for the change to be INSYNC (GetChange): certmagic
//     checks itself that the record has reached the zone's nameservers,
//     which is what the CA will ask, and waiting twice only adds time.
//   - Throttling and server errors are retried by the SDK's standard
//     retryer; only lost races are retried here.
package route53

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	r53 "github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/caddyserver/certmagic"
	"github.com/libdns/libdns"
)

var _ certmagic.DNSProvider = (*Provider)(nil)

// DefaultTTL is the TTL of a new record set when the record asks for none:
// a challenge lives for minutes, and a resolver that cached a miss must not
// hide the record for long.
const DefaultTTL = 60 * time.Second

// swapAttempts bounds how often one write starts again after another
// writer changed the same record set between its read and its write.
const swapAttempts = 5

// API is the part of the Route 53 client a Provider uses; *route53.Client
// implements it.
type API interface {
	ListHostedZonesByName(ctx context.Context, in *r53.ListHostedZonesByNameInput, optFns ...func(*r53.Options)) (*r53.ListHostedZonesByNameOutput, error)
	ListResourceRecordSets(ctx context.Context, in *r53.ListResourceRecordSetsInput, optFns ...func(*r53.Options)) (*r53.ListResourceRecordSetsOutput, error)
	ChangeResourceRecordSets(ctx context.Context, in *r53.ChangeResourceRecordSetsInput, optFns ...func(*r53.Options)) (*r53.ChangeResourceRecordSetsOutput, error)
}

// Provider creates and removes TXT records in Route 53 for certmagic's
// DNS-01 solver. Use it through a pointer; it is safe for concurrent use.
type Provider struct {
	// Client talks to Route 53.
	Client API
	// HostedZoneID is the hosted zone every record goes to ("Z0123…" or
	// "/hostedzone/Z0123…"). Empty means the public hosted zone whose name
	// is the longest suffix of the record's name, looked up once per name:
	// the zone certmagic passes comes from an SOA lookup and may be a
	// parent of the hosted zone that serves the name.
	HostedZoneID string

	// mu serialises every call: challenges are few, and a read-modify-write
	// of a record set must not race another in the same process.
	mu sync.Mutex
	// zones caches the hosted zone ID found for a record's name.
	zones map[string]string
}

// Config says how New reaches Route 53.
type Config struct {
	// Region signs the requests. Route 53 is global, so the region only
	// picks the partition (aws, aws-cn, aws-us-gov). Empty means the
	// default chain's (AWS_REGION, the shared config), else us-east-1.
	Region string
	// HostedZoneID is Provider.HostedZoneID.
	HostedZoneID string
	// Endpoint, when set, replaces Route 53's endpoint: an http(s) URL, for
	// tests and Route 53-compatible services.
	Endpoint string
}

// Validate reports a Config that New cannot use.
func (c Config) Validate() error {
	if c.Endpoint == "" {
		return nil
	}
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("route53: endpoint %q is not an http(s) URL", c.Endpoint)
	}
	return nil
}

// New returns a Provider whose client takes credentials from the default
// AWS chain (environment, shared files, SSO, web identity, ECS or EC2
// roles). optFns adjust that loading, after Region: for instance
// config.WithCredentialsProvider.
func New(ctx context.Context, cfg Config, optFns ...func(*config.LoadOptions) error) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var opts []func(*config.LoadOptions) error
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, append(opts, optFns...)...)
	if err != nil {
		return nil, fmt.Errorf("route53: load AWS config: %w", err)
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	client := r53.NewFromConfig(awsCfg, func(o *r53.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	return &Provider{Client: client, HostedZoneID: cfg.HostedZoneID}, nil
}

// AppendRecords adds TXT records to their names' record sets in zone,
// creating a set (with the first record's TTL, DefaultTTL for none) where
// there is none. It returns the records as they now are, with the TTL of
// their set: an existing set keeps its TTL. A value already present is not
// added twice. It fails for any type but TXT.
func (p *Provider) AppendRecords(ctx context.Context, zone string, recs []libdns.Record) ([]libdns.Record, error) {
	names, err := txtByName(zone, recs)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var appended []libdns.Record
	for _, n := range names {
		var done []libdns.Record
		err := p.update(ctx, n.fqdn, func(cur *types.ResourceRecordSet) *types.ResourceRecordSet {
			var next *types.ResourceRecordSet
			next, done = n.appendTo(cur)
			return next
		})
		if err != nil {
			return appended, err
		}
		appended = append(appended, done...)
	}
	return appended, nil
}

// DeleteRecords removes TXT values from their names' record sets in zone,
// and a set with its last value. As libdns asks, a record matches a value
// with the same text and a TTL equal to the set's; an empty text or a zero
// TTL matches any. Records that match nothing are ignored. It returns the
// records it removed.
func (p *Provider) DeleteRecords(ctx context.Context, zone string, recs []libdns.Record) ([]libdns.Record, error) {
	names, err := txtByName(zone, recs)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var deleted []libdns.Record
	for _, n := range names {
		var done []libdns.Record
		err := p.update(ctx, n.fqdn, func(cur *types.ResourceRecordSet) *types.ResourceRecordSet {
			var next *types.ResourceRecordSet
			next, done = n.deleteFrom(cur)
			return next
		})
		if err != nil {
			return deleted, err
		}
		deleted = append(deleted, done...)
	}
	return deleted, nil
}

// update replaces the TXT record set of fqdn with what change makes of the
// current one (nil: there is none, or there is to be none), as a
// compare-and-swap that starts again when another writer got in between.
// change may run more than once; returning cur itself changes nothing.
func (p *Provider) update(ctx context.Context, fqdn string, change func(cur *types.ResourceRecordSet) *types.ResourceRecordSet) error {
	zoneID, err := p.zoneOf(ctx, fqdn)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		cur, err := p.readTXT(ctx, zoneID, fqdn)
		if err != nil {
			return err
		}
		next := change(cur)
		if next == cur {
			return nil
		}
		_, err = p.Client.ChangeResourceRecordSets(ctx, &r53.ChangeResourceRecordSetsInput{
			HostedZoneId: aws.String(zoneID),
			ChangeBatch:  &types.ChangeBatch{Changes: swap(cur, next), Comment: aws.String("ACME DNS-01 challenge")},
		})
		var refused *types.InvalidChangeBatch
		if errors.As(err, &refused) && attempt < swapAttempts {
			continue // the set changed since the read, most likely
		}
		if refused != nil && len(refused.Messages) > 0 {
			return fmt.Errorf("route53: change TXT %s in hosted zone %s: %w (%s)", fqdn, zoneID, err, strings.Join(refused.Messages, "; "))
		}
		if err != nil {
			return fmt.Errorf("route53: change TXT %s in hosted zone %s: %w", fqdn, zoneID, err)
		}
		return nil
	}
}

// swap is the change batch that turns record set cur into next: Route 53
// checks a DELETE against the set as it is, which makes the batch a
// compare-and-swap.
func swap(cur, next *types.ResourceRecordSet) []types.Change {
	var changes []types.Change
	if cur != nil {
		changes = append(changes, types.Change{Action: types.ChangeActionDelete, ResourceRecordSet: cur})
	}
	if next != nil {
		changes = append(changes, types.Change{Action: types.ChangeActionCreate, ResourceRecordSet: next})
	}
	return changes
}

// readTXT returns the TXT record set of fqdn in the hosted zone, nil when
// there is none. Sets with a routing policy (SetIdentifier) are not ours.
func (p *Provider) readTXT(ctx context.Context, zoneID, fqdn string) (*types.ResourceRecordSet, error) {
	out, err := p.Client.ListResourceRecordSets(ctx, &r53.ListResourceRecordSetsInput{
		HostedZoneId:    aws.String(zoneID),
		StartRecordName: aws.String(fqdn),
		StartRecordType: types.RRTypeTxt,
		MaxItems:        aws.Int32(1),
	})
	if err != nil {
		return nil, fmt.Errorf("route53: read TXT %s in hosted zone %s: %w", fqdn, zoneID, err)
	}
	// The listing starts at fqdn/TXT, so when there is no such set it
	// holds the set that sorts next, if any.
	for i := range out.ResourceRecordSets {
		s := &out.ResourceRecordSets[i]
		if s.Type == types.RRTypeTxt && sameName(aws.ToString(s.Name), fqdn) && s.SetIdentifier == nil {
			return s, nil
		}
	}
	return nil, nil
}

// zoneOf is the ID of the hosted zone that holds fqdn: HostedZoneID, or the
// public hosted zone named by the longest suffix of fqdn.
func (p *Provider) zoneOf(ctx context.Context, fqdn string) (string, error) {
	if p.HostedZoneID != "" {
		return strings.TrimPrefix(p.HostedZoneID, "/hostedzone/"), nil
	}
	if id, ok := p.zones[fqdn]; ok {
		return id, nil
	}
	// One exact lookup per suffix, longest first: ListHostedZonesByName
	// lists in the order of reversed labels from the name given, so the
	// parents of a name are not after it, and listing every zone of the
	// account would cost more calls than the few labels of a name.
	for name := fqdn; name != ""; name = parentName(name) {
		id, err := p.publicZoneNamed(ctx, name)
		if err != nil {
			return "", err
		}
		if id != "" {
			if p.zones == nil {
				p.zones = map[string]string{}
			}
			p.zones[fqdn] = id
			return id, nil
		}
	}
	return "", fmt.Errorf("route53: no public hosted zone holds %s", fqdn)
}

// publicZoneNamed is the ID of the public hosted zone called name, "" when
// there is none. A private zone of the same name is skipped: the CA asks
// the public DNS.
func (p *Provider) publicZoneNamed(ctx context.Context, name string) (string, error) {
	out, err := p.Client.ListHostedZonesByName(ctx, &r53.ListHostedZonesByNameInput{
		DNSName:  aws.String(name),
		MaxItems: aws.Int32(10),
	})
	if err != nil {
		return "", fmt.Errorf("route53: find hosted zone %s: %w", name, err)
	}
	for _, z := range out.HostedZones {
		if !sameName(aws.ToString(z.Name), name) || (z.Config != nil && z.Config.PrivateZone) {
			continue
		}
		return strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/"), nil
	}
	return "", nil
}

// parentName is name without its first label, "" past the top-level
// domain: "a.example.com." → "example.com." → "com." → "".
func parentName(name string) string {
	_, rest, _ := strings.Cut(name, ".")
	return rest
}

// sameName compares DNS names the way DNS does: without case, and with or
// without the root's trailing dot.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// txtName is the TXT records one call names for one DNS name.
type txtName struct {
	fqdn string       // lowercase, with the trailing dot, as Route 53 wants
	name string       // relative to the zone, as libdns returns names
	recs []libdns.TXT // as asked, in order
}

// txtByName groups recs by name, in the order they first appear, and
// rejects any that is not a TXT record. Names are relative to zone, "@"
// (or "") is the zone itself.
func txtByName(zone string, recs []libdns.Record) ([]*txtName, error) {
	zone = strings.ToLower(strings.TrimSuffix(zone, "."))
	if zone == "" {
		return nil, errors.New("route53: no zone given")
	}
	zone += "."
	var names []*txtName
	byFQDN := map[string]*txtName{}
	for _, rec := range recs {
		rr := rec.RR()
		if !strings.EqualFold(rr.Type, "TXT") {
			return nil, fmt.Errorf("route53: record %q in %s is of type %q; only TXT is supported", rr.Name, zone, rr.Type)
		}
		fqdn := strings.ToLower(libdns.AbsoluteName(rr.Name, zone))
		n := byFQDN[fqdn]
		if n == nil {
			n = &txtName{fqdn: fqdn, name: libdns.RelativeName(fqdn, zone)}
			byFQDN[fqdn] = n
			names = append(names, n)
		}
		n.recs = append(n.recs, libdns.TXT{Name: n.name, TTL: rr.TTL, Text: rr.Data})
	}
	return names, nil
}

// appendTo is record set cur with n's texts added that it lacks (cur itself
// when it lacks none), and n's records as they are in it.
func (n *txtName) appendTo(cur *types.ResourceRecordSet) (*types.ResourceRecordSet, []libdns.Record) {
	next := &types.ResourceRecordSet{Name: aws.String(n.fqdn), Type: types.RRTypeTxt, TTL: aws.Int64(ttlSeconds(n.recs[0].TTL))}
	have := map[string]bool{}
	if cur != nil {
		next.TTL = cur.TTL
		next.ResourceRecords = append([]types.ResourceRecord(nil), cur.ResourceRecords...)
		for _, v := range cur.ResourceRecords {
			have[unquoteTXT(aws.ToString(v.Value))] = true
		}
	}
	var out []libdns.Record
	added := false
	for _, r := range n.recs {
		if !have[r.Text] {
			next.ResourceRecords = append(next.ResourceRecords, types.ResourceRecord{Value: aws.String(quoteTXT(r.Text))})
			have[r.Text], added = true, true
		}
		out = append(out, libdns.TXT{Name: n.name, TTL: time.Duration(aws.ToInt64(next.TTL)) * time.Second, Text: r.Text})
	}
	if !added {
		return cur, out
	}
	return next, out
}

// deleteFrom is record set cur without the values n's records match (nil
// when none is left, cur itself when none matches), and the records
// removed.
func (n *txtName) deleteFrom(cur *types.ResourceRecordSet) (*types.ResourceRecordSet, []libdns.Record) {
	if cur == nil {
		return nil, nil
	}
	ttl := time.Duration(aws.ToInt64(cur.TTL)) * time.Second
	var keep []types.ResourceRecord
	var out []libdns.Record
	for _, v := range cur.ResourceRecords {
		text := unquoteTXT(aws.ToString(v.Value))
		if n.matches(text, ttl) {
			out = append(out, libdns.TXT{Name: n.name, TTL: ttl, Text: text})
		} else {
			keep = append(keep, v)
		}
	}
	switch {
	case len(out) == 0:
		return cur, nil
	case len(keep) == 0:
		return nil, out
	}
	next := *cur
	next.ResourceRecords = keep
	return &next, out
}

// matches reports whether one of n's records names the value text in a set
// with this TTL, as DeleteRecords defines it.
func (n *txtName) matches(text string, ttl time.Duration) bool {
	for _, r := range n.recs {
		if (r.Text == "" || r.Text == text) && (r.TTL == 0 || r.TTL.Truncate(time.Second) == ttl) {
			return true
		}
	}
	return false
}

// ttlSeconds is a libdns TTL in Route 53's whole seconds: zero means
// DefaultTTL, and, as libdns suggests, a TTL under a second means zero.
func ttlSeconds(ttl time.Duration) int64 {
	if ttl == 0 {
		ttl = DefaultTTL
	}
	return int64(ttl / time.Second)
}

// maxTXTString is the length limit of one character-string in a TXT record
// (RFC 1035 §3.3.14); longer texts are split into several strings, which
// resolvers join back.
const maxTXTString = 255

// quoteTXT is text as a Route 53 TXT value: one or more quoted strings of
// at most 255 bytes, quotes and backslashes escaped with a backslash and
// bytes outside printable ASCII as a backslash and three octal digits,
// which is the escape Route 53 documents.
func quoteTXT(text string) string {
	var b strings.Builder
	for first := true; first || text != ""; first = false {
		chunk := text[:min(len(text), maxTXTString)]
		text = text[len(chunk):]
		if !first {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		for i := 0; i < len(chunk); i++ {
			switch c := chunk[i]; {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c < 0x20 || c >= 0x7f:
				fmt.Fprintf(&b, "\\%03o", c)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
	}
	return b.String()
}

// unquoteTXT is the text of a Route 53 TXT value, its strings joined: the
// inverse of quoteTXT, also for values written by others (unquoted words,
// other chunking).
func unquoteTXT(value string) string {
	var b strings.Builder
	quoted := false
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\\' && i+3 < len(value) && isOctal(value[i+1:i+4]):
			b.WriteByte((value[i+1]-'0')<<6 | (value[i+2]-'0')<<3 | (value[i+3] - '0'))
			i += 3
		case c == '\\' && i+1 < len(value):
			b.WriteByte(value[i+1])
			i++
		case !quoted && (c == ' ' || c == '\t'):
			// Between strings.
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// isOctal reports whether s is three octal digits of a byte (000–377).
func isOctal(s string) bool {
	return s[0] >= '0' && s[0] <= '3' &&
		s[1] >= '0' && s[1] <= '7' &&
		s[2] >= '0' && s[2] <= '7'
}
