package console

import (
	"context"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"marquee"
	"marquee/tenant"
	"marquee/tenant/domains"
	"marquee/tenant/staff"
	"marquee/themes"
)

// domainRoles may attach, verify and remove an event's custom domains
// (platform admins may too): a domain decides where attendees land.
var domainRoles = []staff.Role{staff.RoleOwner}

// domainNotices are the messages the domain page shows after a change.

// DomainsPage is an event's custom domains with the DNS records each
// needs, and the form that adds one.
type DomainsPage struct {
	themes.Page
	CSRF, Event, Slug, Problem string
	Hostname                   string // the add form's value, kept on a refusal
	Domains                    []DomainRow
}

// DomainRow is one hostname of an event: where its verification stands,
// why the last check failed, its certificate and the records to create.
type DomainRow struct {
	Hostname, State, StateLabel, Checked, LastError, Certificate string
	Records                                                      []domains.Record
}

func (h *Console) domains(c *fiber.Ctx) error {
	t, err := h.event(c, domainRoles)
	if err != nil {
		return err
	}
	return h.renderDomains(c, t, fiber.StatusOK, nil, "")
}

func (h *Console) renderDomains(c *fiber.Ctx, t *tenant.Tenant, status int, refused error, hostname string) error {
	list, err := h.Provision.Domains(c.UserContext(), t.Slug)
	if err != nil {
		return err
	}
	base, err := h.zonedPage(c, t)
	if err != nil {
		return err
	}
	p := DomainsPage{Page: base, CSRF: h.sessionToken(current(c)), Event: t.Name, Slug: t.Slug, Hostname: hostname,
		Domains: h.domainRows(c.UserContext(), base, list)}
	if refused != nil {
		p.Problem = base.T(marquee.ErrorMessage(refused))
	}
	return h.render(c, status, "console_domains", p, base.Lang)
}

// domainRows describes domains in the page's language.
func (h *Console) domainRows(ctx context.Context, p themes.Page, list []tenant.Domain) []DomainRow {
	rows := make([]DomainRow, 0, len(list))
	for _, d := range list {
		row := DomainRow{Hostname: d.Hostname, State: string(d.State), StateLabel: domainStateLabel(p, d.State),
			Certificate: h.certificate(ctx, p, d.Hostname), Records: h.Provision.Records(d)}
		if d.CheckedAt != nil {
			row.Checked = consoleTime(p, *d.CheckedAt)
		}
		if d.State == tenant.DomainFailed && d.LastError != "" {
			row.LastError = p.T(d.LastError)
		}
		rows = append(rows, row)
	}
	return rows
}

// domainStates are the message IDs of a custom domain's states.
var domainStates = map[tenant.DomainState]string{
	tenant.DomainPending:  "console.domains.state_pending",
	tenant.DomainVerified: "console.domains.state_verified",
	tenant.DomainFailed:   "console.domains.state_failed",
}

func domainStateLabel(p themes.Page, s tenant.DomainState) string { return labelOf(p, domainStates, s) }

// labelOf is value in the page's language by the message IDs of its
// values in ids; a value with none shows as it is.
func labelOf[V ~string](p themes.Page, ids map[V]string, value V) string {
	if id, ok := ids[value]; ok {
		return p.T(id)
	}
	return string(value)
}

// certStatuses are the message IDs of the status words the certificate
// storage reports.
var certStatuses = map[string]string{
	"none":    "console.domains.cert_none",
	"pending": "console.domains.cert_pending",
	"valid":   "console.domains.cert_valid",
	"failed":  "console.domains.cert_failed",
}

// certificate is what the certificate storage holds for name: its status
// word in the page's language, then the storage's own details (expiry,
// last failure) as it gives them. Anything else, a storage error say, is
// for logs, not for event owners.
func (h *Console) certificate(ctx context.Context, p themes.Page, name string) string {
	if h.CertState == nil {
		return p.T("console.domains.cert_none")
	}
	state := h.CertState(ctx, name)
	detail := strings.TrimLeft(state, "abcdefghijklmnopqrstuvwxyz")
	if id, ok := certStatuses[state[:len(state)-len(detail)]]; ok {
		return p.T(id) + detail
	}
	return p.T("console.domains.cert_unknown")
}

// domainsLink is the event's domain page, with the flash of what was done.
func domainsLink(t *tenant.Tenant, saved string) string {
	return flashed("/events/"+t.Slug+"/domains", saved)
}

func (h *Console) addDomain(c *fiber.Ctx, t *tenant.Tenant, form url.Values) (string, error) {
	_, _, err := h.Provision.AddDomain(c.UserContext(), t.Slug, form.Get("hostname"))
	if status := refusalStatus(err); status != 0 {
		return "", h.renderDomains(c, t, status, err, form.Get("hostname"))
	}
	return domainsLink(t, "domain_added"), err
}

// hostnameParam is the route's hostname as the domain table keeps it.
func hostnameParam(c *fiber.Ctx) string { return strings.ToLower(c.Params("hostname")) }

// verifyDomain looks the records up now; the page then shows the outcome
// (a failed check is not an error of the request: its reason is shown).
func (h *Console) verifyDomain(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	_, err := h.Provision.VerifyDomain(c.UserContext(), t.Slug, hostnameParam(c))
	return domainsLink(t, "domain_checked"), err
}

func (h *Console) removeDomain(c *fiber.Ctx, t *tenant.Tenant, _ url.Values) (string, error) {
	return domainsLink(t, "domain_removed"), h.Provision.RemoveDomain(c.UserContext(), t.Slug, hostnameParam(c))
}
