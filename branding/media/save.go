package media

import (
	"bytes"
	"context"
	"fmt"
	"regexp"

	"github.com/google/uuid"

	"marquee"
)

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Key names one rendition: "<tenant-uuid>/<hash>/<width>.<ext>", with ext
// "jpg" or "png" from the content type.
func Key(tenantID uuid.UUID, hash string, r Rendition) string {
	ext := "jpg"
	if r.ContentType == "image/png" {
		ext = "png"
	}
	return fmt.Sprintf("%s/%s/%d.%s", tenantID, hash, r.Width, ext)
}

// Save stores every rendition of img for a tenant under content-hash keys
// with ImmutableCacheControl and returns the keys by width. Callers call
// Process first, so a refused upload never gets here and nothing of it is
// stored.
//
// When a Put fails, the renditions already stored stay: their keys name
// their content, so an identical upload that another request saved a
// moment ago may share them, and deleting could break its page. Saving
// again simply rewrites the same bytes; unreferenced keys are garbage for
// a sweep, never wrong content.
func Save(ctx context.Context, s Store, tenantID uuid.UUID, img Image) (map[int]string, error) {
	if tenantID == uuid.Nil || !sha256Hex.MatchString(img.Hash) || len(img.Renditions) == 0 {
		return nil, marquee.Internal(fmt.Errorf("media: save: not a processed image (tenant %s, hash %q, %d renditions)", tenantID, img.Hash, len(img.Renditions)))
	}
	keys := make(map[int]string, len(img.Renditions))
	for _, r := range img.Renditions {
		obj := Object{
			Key:          Key(tenantID, img.Hash, r),
			ContentType:  r.ContentType,
			CacheControl: ImmutableCacheControl,
			Size:         int64(len(r.Data)),
		}
		if err := s.Put(ctx, obj, bytes.NewReader(r.Data)); err != nil {
			return nil, err
		}
		keys[r.Width] = obj.Key
	}
	return keys, nil
}
