package console

import "github.com/gofiber/fiber/v2"

// Mount adds the console's routes to app, an app that serves only the
// console host. Every route of the console is listed here, top to bottom;
// the handlers live in one file per resource. Order matters where two
// patterns could match one path: the fixed one comes first.
func (h *Console) Mount(app fiber.Router) {
	// Signing in (a password, a one-time link, the platform's OpenID
	// provider), accepting an invitation, resetting a password: before the
	// sign-in wall. PASSWORD_SIGNIN=off refuses the password's routes.
	app.Get("/login", h.loginPage)
	app.Post("/login", h.passwordSignIn(h.login))
	app.Get("/login/link/:token", h.loginLink)
	app.Get("/login/oidc", h.ssoStart)
	app.Get("/login/oidc/callback", h.ssoCallback)
	app.Get("/invite/:token", h.invitePage)
	app.Post("/invite/:token", h.acceptInvite)
	app.Get("/reset", h.passwordSignIn(h.resetRequestPage))
	app.Post("/reset", h.passwordSignIn(h.requestReset))
	app.Get("/reset/:token", h.passwordSignIn(h.resetPage))
	app.Post("/reset/:token", h.passwordSignIn(h.resetPassword))

	// Everything below needs a session. A GET of a change's own address
	// (…/delete, …/remove, …/status, …/archive) asks before the change:
	// confirm.go.
	app.Use(h.requireSession)
	app.Get("/", h.home)
	app.Post("/logout", h.sessionAction(h.logout))
	app.Get("/docs/api", h.apiReference) // the REST API's reference, for every staff member

	// An event's branding: draft, preview, publish, history.
	app.Get("/events/:slug/branding", h.editor)
	app.Post("/events/:slug/branding", h.eventAction(editorRoles, h.saveDraft))
	app.Post("/events/:slug/branding/publish", h.eventAction(editorRoles, h.publish))
	app.Get("/events/:slug/branding/preview", h.preview)
	app.Get("/events/:slug/branding/history", h.history)
	app.Get("/events/:slug/branding/restore/:version", h.confirmEvent(editorRoles, h.askRestore))
	app.Post("/events/:slug/branding/restore/:version", h.eventAction(editorRoles, h.restore))
	app.Post("/events/:slug/branding/image", h.uploadImage)
	app.Get("/events/:slug/branding/image/:slot/remove", h.confirmEvent(editorRoles, h.askRemoveImage))
	app.Post("/events/:slug/branding/image/:slot/remove", h.eventAction(editorRoles, h.removeImage))

	// An event's orders and their dashboard.
	app.Get("/events/:slug/dashboard", h.dashboard)
	app.Get("/events/:slug/orders/export.csv", h.exportOrders)
	app.Get("/events/:slug/orders", h.orders)
	app.Get("/events/:slug/orders/status", h.confirmEvent(orderRoles, h.askBulkStatus))
	app.Post("/events/:slug/orders/status", h.eventAction(orderRoles, h.bulkStatus))
	app.Get("/events/:slug/orders/:number", h.orderDetail)
	app.Post("/events/:slug/orders/:number/status", h.eventAction(orderRoles, h.changeStatus))
	app.Get("/events/:slug/orders/:number/cancel", h.confirmEvent(orderRoles, h.askCancelOrder))
	app.Post("/events/:slug/orders/:number/cancel", h.eventAction(orderRoles, h.cancelOrder))
	app.Post("/events/:slug/orders/:number/paid", h.eventAction(orderRoles, h.markPaid))

	// An event's pick-up desk: look an order up (scanned or typed), see
	// its card, hand it over.
	app.Get("/events/:slug/desk", h.desk)
	app.Get("/events/:slug/desk/find", h.deskFind)
	app.Get("/events/:slug/desk/orders/:number", h.deskCard)
	app.Post("/events/:slug/desk/orders/:number/collect", h.eventAction(orderRoles, h.collect))

	// An event's waiting lists: one option's line, and taking someone off.
	app.Get("/events/:slug/waitlist/:variant", h.waitlist)
	app.Get("/events/:slug/waitlist/entries/:entry/remove", h.confirmEvent(waitlistRoles, h.askRemoveWaitlistEntry))
	app.Post("/events/:slug/waitlist/entries/:entry/remove", h.eventAction(waitlistRoles, h.removeWaitlistEntry))

	// Platform admins only: every event, dev's inbox, the failed jobs, the
	// audit log of every event and of the platform, the backups.
	platform := app.Group("/platform", h.requirePlatformAdmin)
	platform.Get("/events", h.platformEvents)
	platform.Post("/events", h.sessionAction(h.createEvent))
	platform.Get("/events/:slug", h.platformEvent)
	platform.Post("/events/:slug/rename", h.sessionAction(h.renameEvent))
	platform.Post("/events/:slug/closes", h.sessionAction(h.setClosesAt))
	platform.Get("/events/:slug/suspend", h.confirmPlatform(askTransition("suspend")))
	platform.Post("/events/:slug/suspend", h.transitionEvent(h.Provision.Suspend, "suspended"))
	platform.Post("/events/:slug/resume", h.transitionEvent(h.Provision.Resume, "resumed"))
	platform.Get("/events/:slug/archive", h.confirmPlatform(askTransition("archive")))
	platform.Post("/events/:slug/archive", h.transitionEvent(h.Provision.Archive, "archived"))
	platform.Post("/events/:slug/delete", h.sessionAction(h.deleteEvent))
	platform.Get("/inbox", h.inbox)
	platform.Get("/inbox/:id", h.inboxMessage)
	platform.Get("/inbox/:id/html", h.inboxHTML)
	platform.Get("/inbox/:id/attachments/:n", h.inboxAttachment)
	platform.Get("/jobs", h.failedJobs)
	platform.Post("/jobs/:id/retry", h.sessionAction(h.retryJob))
	platform.Get("/audit/export.csv", h.exportPlatformAudit)
	platform.Get("/audit", h.platformAudit)
	platform.Get("/backups", h.backups)
	platform.Post("/backups", h.sessionAction(h.requestBackup))
	platform.Get("/backups/:id/download", h.downloadBackup)
	platform.Get("/backups/:id/delete", h.askDeleteBackup)
	platform.Post("/backups/:id/delete", h.sessionAction(h.deleteBackup))
	h.mountWebhooks(platform, "/webhooks") // the platform's endpoints, which receive every event's messages

	// An event's audit log: who did what in it.
	app.Get("/events/:slug/audit/export.csv", h.exportEventAudit)
	app.Get("/events/:slug/audit", h.eventAudit)

	// An event's custom domains.
	app.Get("/events/:slug/domains", h.domains)
	app.Post("/events/:slug/domains", h.eventAction(domainRoles, h.addDomain))
	app.Post("/events/:slug/domains/:hostname/verify", h.eventAction(domainRoles, h.verifyDomain))
	app.Get("/events/:slug/domains/:hostname/remove", h.confirmEvent(domainRoles, h.askRemoveDomain))
	app.Post("/events/:slug/domains/:hostname/remove", h.eventAction(domainRoles, h.removeDomain))

	// An event's webhooks: the endpoints that receive what happens in it.
	h.mountWebhooks(app, "/events/:slug/webhooks")

	// An event's emails, previewed with sample data.
	app.Get("/events/:slug/emails", h.emailPreviews)
	app.Get("/events/:slug/emails/:kind", h.emailPreview)
	app.Get("/events/:slug/emails/:kind/html", h.emailPreviewHTML)

	// An event's suppliers and their lists.
	app.Get("/events/:slug/suppliers", h.suppliers)
	app.Post("/events/:slug/suppliers", h.eventAction(supplierRoles, h.createSupplier))
	app.Get("/events/:slug/suppliers/:supplier", h.supplier)
	app.Post("/events/:slug/suppliers/:supplier", h.eventAction(supplierRoles, h.updateSupplier))
	app.Get("/events/:slug/suppliers/:supplier/delete", h.confirmEvent(supplierRoles, h.askDeleteSupplier))
	app.Post("/events/:slug/suppliers/:supplier/delete", h.eventAction(supplierRoles, h.deleteSupplier))
	app.Post("/events/:slug/suppliers/:supplier/send", h.eventAction(supplierRoles, h.sendBatchNow))
	app.Get("/events/:slug/suppliers/:supplier/batch.csv", h.batchDownload("csv"))
	app.Get("/events/:slug/suppliers/:supplier/batch.xlsx", h.batchDownload("xlsx"))

	// An event's voucher codes, and products and options only with a code.
	app.Get("/events/:slug/vouchers", h.vouchers)
	app.Post("/events/:slug/vouchers", h.eventAction(voucherRoles, h.createVouchers))
	app.Get("/events/:slug/vouchers/export.csv", h.exportVouchers)
	app.Get("/events/:slug/vouchers/:voucher", h.voucher)
	app.Post("/events/:slug/vouchers/:voucher", h.eventAction(voucherRoles, h.updateVoucher))
	app.Post("/events/:slug/vouchers/:voucher/disabled", h.eventAction(voucherRoles, h.setVoucherDisabled))
	app.Get("/events/:slug/vouchers/:voucher/delete", h.confirmEvent(voucherRoles, h.askDeleteVoucher))
	app.Post("/events/:slug/vouchers/:voucher/delete", h.eventAction(voucherRoles, h.deleteVoucher))
	app.Post("/events/:slug/catalogue/products/:product/code-only", h.eventAction(voucherRoles, h.setCodeOnly))
	app.Post("/events/:slug/catalogue/variants/:variant/code-only", h.eventAction(voucherRoles, h.setCodeOnly))

	// An event's catalogue: products, their options, stock and images.
	app.Get("/events/:slug/catalogue", h.catalogue)
	app.Post("/events/:slug/catalogue/duplicate", h.eventAction(editorRoles, h.duplicate))
	app.Post("/events/:slug/catalogue/products", h.eventAction(editorRoles, h.addProduct))
	app.Post("/events/:slug/catalogue/products/:product", h.eventAction(editorRoles, h.updateProduct))
	app.Post("/events/:slug/catalogue/products/:product/visibility", h.eventAction(editorRoles, h.setVisibility))
	app.Get("/events/:slug/catalogue/products/:product/delete", h.confirmEvent(editorRoles, h.askDeleteProduct))
	app.Post("/events/:slug/catalogue/products/:product/delete", h.eventAction(editorRoles, h.deleteProduct))
	app.Post("/events/:slug/catalogue/products/:product/move", h.eventAction(editorRoles, h.moveProduct))
	app.Post("/events/:slug/catalogue/products/:product/variants", h.eventAction(editorRoles, h.addVariants))
	app.Post("/events/:slug/catalogue/products/:product/image", h.productImage)
	app.Get("/events/:slug/catalogue/products/:product/image/remove", h.confirmEvent(editorRoles, h.askRemoveProductImage))
	app.Post("/events/:slug/catalogue/products/:product/image/remove", h.eventAction(editorRoles, h.removeProductImage))
	app.Post("/events/:slug/catalogue/variants/:variant", h.eventAction(editorRoles, h.updateVariant))
	app.Post("/events/:slug/catalogue/variants/:variant/stock", h.eventAction(editorRoles, h.adjustStock))
	app.Get("/events/:slug/catalogue/variants/:variant/delete", h.confirmEvent(editorRoles, h.askDeleteVariant))
	app.Post("/events/:slug/catalogue/variants/:variant/delete", h.eventAction(editorRoles, h.deleteVariant))

	// An event's order form.
	app.Get("/events/:slug/form", h.formBuilder)
	app.Post("/events/:slug/form/fields", h.eventAction(editorRoles, h.addField))
	app.Get("/events/:slug/form/fields/:key", h.editFieldPage)
	app.Post("/events/:slug/form/fields/:key", h.eventAction(editorRoles, h.updateField))
	app.Post("/events/:slug/form/fields/:key/move", h.eventAction(editorRoles, h.moveField))
	app.Get("/events/:slug/form/fields/:key/remove", h.confirmEvent(editorRoles, h.askRemoveField))
	app.Post("/events/:slug/form/fields/:key/remove", h.eventAction(editorRoles, h.removeField))

	// An event's shop settings.
	app.Get("/events/:slug/settings", h.shopSettings)
	app.Post("/events/:slug/settings", h.eventAction(editorRoles, h.saveShopSettings))

	// An event's messages to its attendees: written per language, previewed,
	// sent (asked first) through the job queue, with their progress.
	app.Get("/events/:slug/messages", h.messages)
	app.Get("/events/:slug/messages/new", h.newMessage)
	app.Post("/events/:slug/messages", h.eventAction(messageRoles, h.createMessage))
	app.Get("/events/:slug/messages/:message", h.message)
	app.Post("/events/:slug/messages/:message", h.eventAction(messageRoles, h.updateMessage))
	app.Get("/events/:slug/messages/:message/edit", h.editMessage)
	app.Get("/events/:slug/messages/:message/html", h.messageHTML)
	app.Get("/events/:slug/messages/:message/send", h.confirmEvent(messageRoles, h.askSendMessage))
	app.Post("/events/:slug/messages/:message/send", h.eventAction(messageRoles, h.sendMessage))

	// A sign-up event's sign-ups (newest first, by cursor), their CSV, and
	// the sign-up form's settings (the event's kind, its texts).
	app.Get("/events/:slug/signups", h.signups)
	app.Get("/events/:slug/signups/export.csv", h.exportSignups)
	app.Post("/events/:slug/signups/form", h.eventAction(editorRoles, h.saveSignupForm))

	// An event's sign-up kiosks: device links issued (shown once), revoked.
	app.Get("/events/:slug/kiosks", h.kiosks)
	app.Post("/events/:slug/kiosks", h.eventAction(kioskRoles, h.issueKiosk))
	app.Get("/events/:slug/kiosks/:device/revoke", h.confirmEvent(kioskRoles, h.askRevokeKiosk))
	app.Post("/events/:slug/kiosks/:device/revoke", h.eventAction(kioskRoles, h.revokeKiosk))

	// An event's attendees' personal data: one person's erasure on request.
	app.Get("/events/:slug/privacy", h.privacyPage)
	app.Get("/events/:slug/privacy/erase", h.askErasePerson)
	app.Post("/events/:slug/privacy/erase", h.eventAction(privacyRoles, h.erasePerson))
}

// mountWebhooks adds the routes of a list of webhook endpoints at prefix:
// an event's (/events/:slug/webhooks, its owners') and the platform's
// (/platform/webhooks, in the admins' group). The handlers serve both,
// by the route's :slug (webhooks.go, webhook.go, webhookdeliveries.go).
func (h *Console) mountWebhooks(r fiber.Router, prefix string) {
	r.Get(prefix, h.webhooksList)
	r.Post(prefix, h.hookAction(h.createWebhook))
	r.Get(prefix+"/:webhook", h.webhookPage)
	r.Post(prefix+"/:webhook", h.hookAction(h.updateWebhook))
	r.Post(prefix+"/:webhook/enabled", h.hookAction(h.setWebhookEnabled))
	r.Post(prefix+"/:webhook/test", h.hookAction(h.sendTestWebhook))
	r.Get(prefix+"/:webhook/rotate", h.confirmHook(h.askRotateWebhook))
	r.Post(prefix+"/:webhook/rotate", h.hookAction(h.rotateWebhook))
	r.Get(prefix+"/:webhook/delete", h.confirmHook(h.askDeleteWebhook))
	r.Post(prefix+"/:webhook/delete", h.hookAction(h.deleteWebhook))
	r.Get(prefix+"/:webhook/deliveries", h.webhookDeliveries)
	r.Post(prefix+"/:webhook/deliveries/:delivery/resend", h.hookAction(h.resendWebhook))
}
