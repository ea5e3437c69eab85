package route53

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	r53 "github.com/aws/aws-sdk-go-v2/service/route53"
)

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
