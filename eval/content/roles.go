package content

import "slices"

// Role is the job a post does for the business. Rotating roles keeps a
// client's feed from becoming a wall of product shots.
type Role string

// The pool is ordered so that rotation alternates between selling and
// relationship posts.
const (
	RoleProduct   Role = "produto"    // the thing itself, why it is good
	RoleBackstage Role = "bastidores" // how it is made, the work behind it
	RoleStory     Role = "historia"   // a moment, a client, the owner's story
	RoleTip       Role = "dica"       // useful advice from the owner's craft
	RoleOffer     Role = "oferta"     // a concrete offer with a reason to act now
	RoleCommunity Role = "comunidade" // the neighbourhood, regulars, local ties
)

// Roles is the rotation pool, in rotation order.
var Roles = []Role{RoleProduct, RoleBackstage, RoleStory, RoleTip, RoleOffer, RoleCommunity}

// roleLabels are the roles as the operator reads them; the web app's are
// generated from these (api/cmd/webfacts).
var roleLabels = map[Role]string{
	RoleProduct:   "Produto",
	RoleBackstage: "Bastidores",
	RoleStory:     "História",
	RoleTip:       "Dica",
	RoleOffer:     "Oferta",
	RoleCommunity: "Comunidade",
}

// Label is the role as the operator reads it; an unknown role is its slug.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// Valid reports whether r belongs to the pool.
func (r Role) Valid() bool {
	return slices.Contains(Roles, r)
}

// PickRoles returns n distinct roles, continuing the rotation after the most
// recent role used by the business (recent is newest first; unknown roles are
// ignored). With no history it starts at the top of the pool.
func PickRoles(recent []Role, n int) []Role {
	if n <= 0 {
		return nil
	}
	if n > len(Roles) {
		n = len(Roles)
	}
	start := 0
	for _, r := range recent {
		if idx := slices.Index(Roles, r); idx >= 0 {
			start = idx + 1
			break
		}
	}
	picked := make([]Role, 0, n)
	for i := 0; i < n; i++ {
		picked = append(picked, Roles[(start+i)%len(Roles)])
	}
	return picked
}
