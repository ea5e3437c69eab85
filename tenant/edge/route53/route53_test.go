package route53

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libdns/libdns"
)

// The tests drive the real SDK client over HTTP against fakeRoute53, an
// in-memory Route 53 speaking the REST-XML shapes the SDK's deserializers
// read (service/route53/deserializers.go).

func TestChallengeRecordLifecycle(t *testing.T) {
	f := newFakeRoute53(fakeZone{id: "ZSHOP", name: "shop.test."})
	f.seed("ZSHOP", fakeSet{name: "www.shop.test.", typ: "A", ttl: 300, values: []string{"192.0.2.1"}})
	p := newTestProvider(t, f, "/hostedzone/ZSHOP")
	ctx := context.Background()
	appendTXT := func(text string) func() ([]libdns.Record, error) {
		return func() ([]libdns.Record, error) {
			return p.AppendRecords(ctx, "shop.test.", []libdns.Record{libdns.RR{Name: "_acme-challenge", Type: "TXT", Data: text}})
		}
	}
	deleteTXT := func(text string) func() ([]libdns.Record, error) {
		return func() ([]libdns.Record, error) {
			return p.DeleteRecords(ctx, "shop.test.", []libdns.Record{libdns.TXT{Name: "_acme-challenge", TTL: time.Minute, Text: text}})
		}
	}
	challenge := func(text string) []libdns.Record {
		return []libdns.Record{libdns.TXT{Name: "_acme-challenge", TTL: time.Minute, Text: text}}
	}

	steps := []struct {
		rule       string
		do         func() ([]libdns.Record, error)
		wantResult []libdns.Record
		wantValues []string
	}{
		{"the first value creates the record set with TTL 60", appendTXT("token1"), challenge("token1"), []string{`"token1"`}},
		{"a second value joins the first", appendTXT("token2"), challenge("token2"), []string{`"token1"`, `"token2"`}},
		{"appending a present value changes nothing", appendTXT("token1"), challenge("token1"), []string{`"token1"`, `"token2"`}},
		{"deleting one value keeps the other", deleteTXT("token1"), challenge("token1"), []string{`"token2"`}},
		{"deleting the last value removes the record set", deleteTXT("token2"), challenge("token2"), nil},
		{"deleting a missing record is no error", deleteTXT("token2"), nil, nil},
	}
	for _, s := range steps {
		t.Run(s.rule, func(t *testing.T) {
			got, err := s.do()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, s.wantResult) {
				t.Errorf("returned %v, want %v", got, s.wantResult)
			}
			set, ok := f.set("ZSHOP", "_acme-challenge.shop.test.", "TXT")
			switch {
			case s.wantValues == nil && ok:
				t.Errorf("server holds %v, want no TXT record set", set.values)
			case s.wantValues != nil && !ok:
				t.Errorf("server holds no TXT record set, want %v", s.wantValues)
			case ok && (!slices.Equal(set.values, s.wantValues) || set.ttl != 60):
				t.Errorf("server holds %v TTL %d, want %v TTL 60", set.values, set.ttl, s.wantValues)
			}
		})
	}
	if _, ok := f.set("ZSHOP", "www.shop.test.", "A"); !ok {
		t.Error("an unrelated record set was lost")
	}
}

func TestConcurrentWriters(t *testing.T) {
	t.Run("a set changed by another replica between read and write keeps both values", func(t *testing.T) {
		f := newFakeRoute53(fakeZone{id: "ZSHOP", name: "shop.test."})
		p := newTestProvider(t, f, "ZSHOP")
		ctx := context.Background()
		if _, err := p.AppendRecords(ctx, "shop.test.", []libdns.Record{libdns.TXT{Name: "_acme-challenge", Text: "mine1"}}); err != nil {
			t.Fatal(err)
		}
		f.interfere(1, func() {
			f.putLocked("ZSHOP", fakeSet{name: "_acme-challenge.shop.test.", typ: "TXT", ttl: 60, values: []string{`"mine1"`, `"theirs"`}})
		})
		if _, err := p.AppendRecords(ctx, "shop.test.", []libdns.Record{libdns.TXT{Name: "_acme-challenge", Text: "mine2"}}); err != nil {
			t.Fatal(err)
		}
		set, _ := f.set("ZSHOP", "_acme-challenge.shop.test.", "TXT")
		if want := []string{`"mine1"`, `"theirs"`, `"mine2"`}; !slices.Equal(set.values, want) {
			t.Errorf("server holds %v, want %v", set.values, want)
		}
	})

	t.Run("concurrent appends in one process all land", func(t *testing.T) {
		f := newFakeRoute53(fakeZone{id: "ZSHOP", name: "shop.test."})
		p := newTestProvider(t, f, "")
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Go(func() {
				rec := []libdns.Record{libdns.TXT{Name: "_acme-challenge", Text: fmt.Sprint("token", i)}}
				_, err := p.AppendRecords(context.Background(), "shop.test.", rec)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if set, _ := f.set("ZSHOP", "_acme-challenge.shop.test.", "TXT"); len(set.values) != 8 {
			t.Errorf("server holds %v, want 8 values", set.values)
		}
	})
}

func TestErrors(t *testing.T) {
	internal := fakeError{status: 500, body: errorResponse("Receiver", "InternalFailure", "boom")}
	cases := []struct {
		rule   string
		zoneID string
		setup  func(f *fakeRoute53)
		want   []string
	}{
		{"a server error on the write names the operation", "ZSHOP",
			func(f *fakeRoute53) { f.failNext("ChangeResourceRecordSets", internal) },
			[]string{"ChangeResourceRecordSets", "500", "InternalFailure", "boom"}},
		{"a refusal on the read names the operation", "ZSHOP",
			func(f *fakeRoute53) {
				f.failNext("ListResourceRecordSets", fakeError{status: 403, body: errorResponse("Sender", "AccessDenied", "not authorized to perform route53:ListResourceRecordSets")})
			},
			[]string{"ListResourceRecordSets", "403", "AccessDenied"}},
		{"a server error on the zone lookup names the operation", "",
			func(f *fakeRoute53) {
				f.failNext("ListHostedZonesByName", fakeError{status: 500, body: "upstream unavailable"})
			},
			[]string{"ListHostedZonesByName", "500"}},
		{"an unknown hosted zone ID is an error", "ZNOPE",
			func(*fakeRoute53) {},
			[]string{"ListResourceRecordSets", "NoSuchHostedZone"}},
		{"a set that keeps changing under the write gives up with Route 53's reasons", "ZSHOP",
			func(f *fakeRoute53) {
				n := 0
				f.interfere(swapAttempts, func() {
					n++
					f.putLocked("ZSHOP", fakeSet{name: "_acme-challenge.shop.test.", typ: "TXT", ttl: 60, values: []string{fmt.Sprintf(`"theirs%d"`, n)}})
				})
			},
			[]string{"ChangeResourceRecordSets", "InvalidChangeBatch", "do not match the current values"}},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			f := newFakeRoute53(fakeZone{id: "ZSHOP", name: "shop.test."})
			c.setup(f)
			p := newTestProvider(t, f, c.zoneID)
			_, err := p.AppendRecords(context.Background(), "shop.test.", []libdns.Record{libdns.TXT{Name: "_acme-challenge", Text: "token"}})
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}

	t.Run("a record that is not TXT is refused before any call", func(t *testing.T) {
		f := newFakeRoute53(fakeZone{id: "ZSHOP", name: "shop.test."})
		p := newTestProvider(t, f, "ZSHOP")
		_, err := p.AppendRecords(context.Background(), "shop.test.", []libdns.Record{libdns.CNAME{Name: "www", Target: "edge.test."}})
		if err == nil || !strings.Contains(err.Error(), "only TXT") {
			t.Errorf("got %v, want only TXT", err)
		}
		if n := f.callCount("ListResourceRecordSets") + f.callCount("ChangeResourceRecordSets"); n != 0 {
			t.Errorf("%d calls reached Route 53", n)
		}
	})
}

func TestDeleteMatching(t *testing.T) {
	cases := []struct {
		rule string
		rec  libdns.TXT
		want []string
	}{
		{"a zero TTL matches any", libdns.TXT{Name: "_acme-challenge", Text: "a"}, []string{`"b"`}},
		{"another TTL matches nothing", libdns.TXT{Name: "_acme-challenge", TTL: time.Hour, Text: "a"}, []string{`"a"`, `"b"`}},
		{"an empty text matches every value", libdns.TXT{Name: "_acme-challenge", TTL: time.Minute}, nil},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			f := newFakeRoute53(fakeZone{id: "ZSHOP", name: "shop.test."})
			f.seed("ZSHOP", fakeSet{name: "_acme-challenge.shop.test.", typ: "TXT", ttl: 60, values: []string{`"a"`, `"b"`}})
			p := newTestProvider(t, f, "ZSHOP")
			if _, err := p.DeleteRecords(context.Background(), "shop.test.", []libdns.Record{c.rec}); err != nil {
				t.Fatal(err)
			}
			set, _ := f.set("ZSHOP", "_acme-challenge.shop.test.", "TXT")
			if !slices.Equal(set.values, c.want) {
				t.Errorf("server holds %v, want %v", set.values, c.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	for endpoint, ok := range map[string]bool{"": true, "http://127.0.0.1:8080": true, "https://route53.example": true, "ftp://x": false, "127.0.0.1:8080": false} {
		if err := (Config{Endpoint: endpoint}).Validate(); (err == nil) != ok {
			t.Errorf("Validate(Endpoint %q) = %v, want ok %v", endpoint, err, ok)
		}
	}
}
