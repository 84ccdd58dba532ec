package content

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// PhotoMediaTypes are the image types every provider behind the BAML
// runtime accepts as image parts.
var PhotoMediaTypes = []string{"image/jpeg", "image/png", "image/webp"}

// ErrInvalidRequest: the Request itself is wrong (caller bug or bad input);
// nothing was sent to the LLM.
var ErrInvalidRequest = errors.New("invalid content request")

// Validate checks what every Writer needs: 1-3 (MinPostsPerRequest to
// MaxPostsPerRequest) distinct known roles, a brief, a business name and at
// most MaxPhotos non-empty photos of known types.
func (r Request) Validate() error {
	if len(r.Roles) < MinPostsPerRequest || len(r.Roles) > MaxPostsPerRequest {
		return fmt.Errorf("%w: %d roles requested, want %d to %d", ErrInvalidRequest, len(r.Roles), MinPostsPerRequest, MaxPostsPerRequest)
	}
	seen := make(map[Role]bool, len(r.Roles))
	for _, role := range r.Roles {
		if !role.Valid() {
			return fmt.Errorf("%w: unknown role %q", ErrInvalidRequest, role)
		}
		if seen[role] {
			return fmt.Errorf("%w: role %q requested twice", ErrInvalidRequest, role)
		}
		seen[role] = true
	}
	if strings.TrimSpace(r.Brief) == "" {
		return fmt.Errorf("%w: empty brief", ErrInvalidRequest)
	}
	if strings.TrimSpace(r.Business.Name) == "" {
		return fmt.Errorf("%w: business without a name", ErrInvalidRequest)
	}
	return validatePhotos(r.Photos)
}

func validatePhotos(photos []Photo) error {
	if len(photos) > MaxPhotos {
		return fmt.Errorf("%w: %d photos, at most %d", ErrInvalidRequest, len(photos), MaxPhotos)
	}
	for i, p := range photos {
		if !slices.Contains(PhotoMediaTypes, p.MediaType) {
			return fmt.Errorf("%w: photo %d has media type %q, want one of %s", ErrInvalidRequest, i+1, p.MediaType, strings.Join(PhotoMediaTypes, ", "))
		}
		if len(p.Data) == 0 {
			return fmt.Errorf("%w: photo %d is empty", ErrInvalidRequest, i+1)
		}
	}
	return nil
}
