package diskstore

import (
	"io"

	"github.com/gofiber/fiber/v2"
)

// Serve answers /media/KEY (the route's "*" parameter) with the stored
// object, its stored type and cache headers (immutable: keys are content
// hashes). A missing key is the ENOTFOUND of Open.
func (s *Store) Serve(c *fiber.Ctx) error {
	f, obj, err := s.Open(c.Params("*"))
	if err != nil {
		return err
	}
	defer f.Close()
	c.Set(fiber.HeaderContentType, obj.ContentType)
	c.Set(fiber.HeaderCacheControl, obj.CacheControl)
	body, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	return c.Send(body)
}
