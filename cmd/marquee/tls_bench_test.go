package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"marquee/tenant/provision"
)

// BenchmarkTimeToFirstHTTPS is how long a new event waits for its site
// over HTTPS: from the provisioning call until the first successful GET
// of https://SLUG.BASE_DOMAIN/, through the change notification that
// teaches the TLS directory the new name and the certificate obtained from
// Pebble during the first handshake. One new event per iteration, so run
// it with a small count (-benchtime 10x).
func BenchmarkTimeToFirstHTTPS(b *testing.B) {
	s := startACMEServer(b, defaultConfig())
	ctx := context.Background()
	var propagation, firstGet time.Duration
	i := 0
	for b.Loop() {
		i++
		slug := fmt.Sprintf("bench-%d", i)
		host := slug + "." + testBase
		start := time.Now()
		if _, err := s.p.provision.Create(ctx, provision.Spec{Slug: slug, Name: "Event " + slug}); err != nil {
			b.Fatal(err)
		}
		// The directory is polled, not the site, so that the figure is not
		// rounded up to a client's retry interval; the GET still has to
		// succeed on its own.
		for s.p.directory.Allow(ctx, host) != nil {
			if time.Since(start) > time.Minute {
				b.Fatalf("%s not in the TLS directory after a minute", host)
			}
			time.Sleep(time.Millisecond)
		}
		allowed := time.Now()
		pg := s.getWhenServed(b, time.Minute, host, "/")
		if len(pg.TLS.PeerCertificates) == 0 || pg.TLS.PeerCertificates[0].DNSNames[0] != host || pg.StatusCode != http.StatusOK {
			b.Fatalf("https://%s/: %d over %v", host, pg.StatusCode, pg.TLS.PeerCertificates)
		}
		propagation += allowed.Sub(start)
		firstGet += time.Since(allowed)
	}
	n := float64(i)
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/n, "ms/op")
	b.ReportMetric(float64(propagation.Milliseconds())/n, "create+notify-ms/op")
	b.ReportMetric(float64(firstGet.Milliseconds())/n, "issue+get-ms/op")
	if orders := s.ca.Orders(); orders != int64(i) {
		b.Errorf("%d orders for %d events, want one each", orders, i)
	}
}
