package route53

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/libdns/libdns"
)

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
