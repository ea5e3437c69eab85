package web

import (
	"github.com/gofiber/fiber/v2"

	tenantweb "marquee/tenant/web"
)

// allowCheckout lets the page's forms lead to the online checkout: the
// order form, its review and the status page's "Pay now" are answered
// with a redirect to the payment page, which the platform's
// Content-Security-Policy (form-action 'self') would otherwise stop.
// Nothing changes while online payments are off.
func (h *Handler) allowCheckout(c *fiber.Ctx) {
	if h.checkoutPolicy != nil {
		tenantweb.SetPolicy(c, h.checkoutPolicy)
	}
}

// prepareCheckoutPolicy makes the policy allowCheckout sends, once.
func (h *Handler) prepareCheckoutPolicy() {
	if h.CheckoutOrigin != "" && h.checkoutPolicy == nil {
		h.checkoutPolicy = tenantweb.PolicyPostingTo(h.CheckoutOrigin)
	}
}
