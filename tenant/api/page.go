package api

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"marquee"
)

// Every list the API answers has one shape, Page: {"data": [...],
// "next_cursor": "…" | null}. A client asks for the next page with
// ?cursor=NEXT_CURSOR (and the same filters); limit (1 to 200, 50 when
// left out) says how many items a page holds. A cursor is opaque to
// clients: base64url of the JSON of the last item's sort key.

const (
	defaultLimit = 50
	maxLimit     = 200
)

// Page is one page of a list.
type Page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// PageRequest is what a request asks of a list: limit items after the
// item the cursor names (Cursor "": from the start).
type PageRequest struct {
	Limit  int
	Cursor string
}

// pageRequest reads ?limit= and ?cursor=; a bad limit or a cursor that is
// not one of ours is a 400 naming the parameter.
func pageRequest(c *fiber.Ctx) (PageRequest, error) {
	r := PageRequest{Limit: defaultLimit, Cursor: c.Query("cursor")}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return r, marquee.Invalid("limit", "api.limit_invalid")
		}
		r.Limit = n
	}
	if r.Cursor != "" {
		if _, err := base64.RawURLEncoding.DecodeString(r.Cursor); err != nil {
			return r, marquee.Invalid("cursor", "api.cursor_invalid")
		}
	}
	return r, nil
}

// After decodes the request's cursor into key (the sort key of the last
// item of the previous page); it reports false when there is no cursor.
// A cursor that does not decode into key is a 400 naming cursor.
func (r PageRequest) After(key any) (bool, error) {
	if r.Cursor == "" {
		return false, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(r.Cursor)
	if err == nil {
		err = json.Unmarshal(raw, key)
	}
	if err != nil {
		return false, marquee.Invalid("cursor", "api.cursor_invalid")
	}
	return true, nil
}

// Cursor is the cursor that names key, the sort key of a page's last item.
func Cursor(key any) string {
	raw, err := json.Marshal(key)
	if err != nil {
		panic("api: a cursor key that is not JSON: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(raw)
}

// NewPage is the page of items, which the caller fetched with limit+1
// (one more than the page holds, to know whether another page follows):
// the first limit items, and the cursor of the last one's key when more
// follow.
func NewPage[T any](items []T, limit int, key func(T) any) Page[T] {
	p := Page[T]{Data: items}
	if p.Data == nil {
		p.Data = []T{}
	}
	if len(items) > limit {
		p.Data = items[:limit]
		next := Cursor(key(items[limit-1]))
		p.NextCursor = &next
	}
	return p
}

// sendPage answers a list: its page, or the error that kept it from
// being read.
func sendPage[T any](h *Handler, c *fiber.Ctx, p Page[T], err error) error {
	if err != nil {
		return h.fail(c, err, 0)
	}
	return c.JSON(p)
}
