package content

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidRequest: the Request itself is wrong (caller bug or bad input);
// nothing was sent to the LLM.
var ErrInvalidRequest = errors.New("invalid content request")

// Validate checks what every Writer needs: 1-3 (MinPostsPerRequest to
// MaxPostsPerRequest) distinct known roles, a brief
// and a business name.
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
	return nil
}
