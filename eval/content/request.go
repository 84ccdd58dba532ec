package content

import (
	"errors"
	"fmt"
	"strings"
)

// MaxPostsPerRequest bounds one generation: more posts about one brief start
// to repeat each other.
const MaxPostsPerRequest = 3

// ErrInvalidRequest: the Request itself is wrong (caller bug or bad input);
// nothing was sent to the LLM.
var ErrInvalidRequest = errors.New("invalid content request")

// Validate checks what every Writer needs: 1-3 distinct known roles, a brief
// and a business name.
func (r Request) Validate() error {
	if len(r.Roles) == 0 || len(r.Roles) > MaxPostsPerRequest {
		return fmt.Errorf("%w: %d roles requested, want 1 to %d", ErrInvalidRequest, len(r.Roles), MaxPostsPerRequest)
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
