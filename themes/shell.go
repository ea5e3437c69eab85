package themes

// Shell is the console's frame around a signed-in page: who is signed in,
// the navigation of the event the page is about (only what the member's
// role may use) and the platform's pages for its admins. Storefront pages
// and the signed-out console pages (sign-in, invitation, reset) have none.
type Shell struct {
	Email         string
	PlatformAdmin bool
	CSRF          string // the session's form token, for signing out
	Home          NavLink
	// Event is the event the page is about ("" Name when none), with the
	// sections of it the member may open.
	Event    ShellEvent
	Nav      []NavLink
	Platform []NavLink
	// Flash is the notice after a saved change, shown once at the top of
	// the page (role="status"); "" for none.
	Flash string
}

// ShellEvent names the event of a console page; URL is its shop's
// address, for the navigation's link to the shop.
type ShellEvent struct {
	Name, Slug, Status, URL string
}

// NavLink is one entry of the console's navigation. Current is "page" on
// the entry's own page, "true" on a page inside its section, else "".
type NavLink struct {
	Href, Label, Class, ID, Current string
}

// ShellLocal is the request local under which the console leaves a
// ShellFunc for a signed-in request, so that a page rendered outside the
// console's handlers (its error pages) gets the same frame.
const ShellLocal = "marquee.themes.shell"

// ShellFunc builds the console's frame for a page of the request.
type ShellFunc func(Page) *Shell
