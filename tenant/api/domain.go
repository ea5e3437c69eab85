package api

import (
	"marquee/tenant"
	"marquee/tenant/domains"
)

// Domain is a custom hostname as the API shows it, and as `marquee tenant
// show --json` prints it (docs/api.md, "The domain object").
type Domain struct {
	Hostname    string   `json:"hostname"`
	State       string   `json:"state"`
	LastError   string   `json:"last_error,omitempty"`
	VerifiedAt  string   `json:"verified_at,omitempty"`
	CheckedAt   string   `json:"checked_at,omitempty"`
	Certificate string   `json:"certificate"`
	Records     []Record `json:"records"`
}

// Record is a DNS record the event's staff must create.
type Record struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// DomainOf is custom domain d as the API shows it: records are the DNS
// records that route it, lastError the words of d.LastError, and
// certificate what the certificate storage holds for it.
func DomainOf(d tenant.Domain, records []domains.Record, lastError, certificate string) Domain {
	out := Domain{Hostname: d.Hostname, State: string(d.State), LastError: lastError, Certificate: certificate,
		VerifiedAt: instant(d.VerifiedAt), CheckedAt: instant(d.CheckedAt), Records: []Record{}}
	for _, r := range records {
		out.Records = append(out.Records, Record(r))
	}
	return out
}
