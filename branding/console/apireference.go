package console

import (
	"github.com/gofiber/fiber/v2"

	"marquee/tenant/api"
	"marquee/themes"
)

// APIReferencePage is the REST API's reference, rendered from its OpenAPI
// document on the console itself (nothing from a CDN, no JavaScript).
type APIReferencePage struct {
	themes.Page
	Reference api.Reference
}

// apiReference shows the API's reference to any signed-in staff member:
// the document itself is public at /api/v1/openapi.json.
func (h *Console) apiReference(c *fiber.Ctx) error {
	ref, err := api.APIReference()
	if err != nil {
		return err
	}
	base := h.page(c)
	return h.render(c, fiber.StatusOK, "console_api_reference", APIReferencePage{Page: base, Reference: ref}, base.Lang)
}
