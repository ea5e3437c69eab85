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
