package main

import (
	"net/url"

	"marquee/storefront/payments"
)

// stripeCheckout is where Stripe Checkout's payment pages live.
const stripeCheckout = "https://checkout.stripe.com"

// checkoutOrigin is the origin of the payment pages the order form leads
// to: Stripe Checkout's, or STRIPE_API_BASE's when it is set (a Stripe
// for tests serves its payment pages beside its API); "" while online
// payments are off.
func checkoutOrigin(cfg payments.Config) string {
	if !cfg.Enabled() {
		return ""
	}
	if u, err := url.Parse(cfg.APIBase); err == nil && cfg.APIBase != "" && u.Host != "" {
		return u.Scheme + "://" + u.Host
	}
	return stripeCheckout
}
