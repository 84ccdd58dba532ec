package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Approvals: a link the owner of a business opens without an account to
// approve posts or ask for changes. Only the server writes them (the token
// is shown once; only its SHA-256 is stored, in a hidden field). Operators
// read their own businesses' approvals and decisions (realtime included).
// Everything cascades from the business: deleting the client deletes the
// decisions (names and notes are personal data). Literal limits: the
// schema of its day.
func init() {
	m.Register(func(app core.App) error {
		businesses, err := app.FindCollectionByNameOrId("businesses")
		if err != nil {
			return err
		}
		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		isOwner := types.Pointer("@request.auth.collectionName = 'users' && business.owner = @request.auth.id")

		approvals := core.NewBaseCollection("approvals")
		approvals.ListRule, approvals.ViewRule = isOwner, isOwner
		approvals.Fields.Add(
			&core.RelationField{Name: "business", CollectionId: businesses.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			// Not required: deleting a post takes it out of its approvals.
			&core.RelationField{Name: "posts", CollectionId: posts.Id, MaxSelect: 40},
			&core.TextField{Name: "token_hash", Required: true, Hidden: true, Max: 64, Pattern: `^[0-9a-f]{64}$`},
			&core.RelationField{Name: "created_by", CollectionId: users.Id, MaxSelect: 1},
			&core.DateField{Name: "expires", Required: true},
			&core.DateField{Name: "revoked"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		approvals.AddIndex("idx_approvals_token_hash", true, "token_hash", "")
		approvals.AddIndex("idx_approvals_business", false, "business", "")
		if err := app.Save(approvals); err != nil {
			return err
		}

		decisions := core.NewBaseCollection("approval_decisions")
		decisions.ListRule, decisions.ViewRule = isOwner, isOwner
		decisions.Fields.Add(
			&core.RelationField{Name: "approval", CollectionId: approvals.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			// Kept on the decision so the rules and realtime need no join.
			&core.RelationField{Name: "business", CollectionId: businesses.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "post", CollectionId: posts.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			// SHA-256 of what the client saw (text and photos).
			&core.TextField{Name: "content_hash", Required: true, Max: 64},
			&core.SelectField{Name: "decision", Required: true, MaxSelect: 1, Values: []string{"aprovado", "ajuste"}},
			&core.TextField{Name: "note", Max: 1000},
			&core.TextField{Name: "name", Max: 80},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		decisions.AddIndex("idx_approval_decisions_post", false, "post", "")
		decisions.AddIndex("idx_approval_decisions_business", false, "business", "")
		return app.Save(decisions)
	}, func(app core.App) error {
		for _, name := range []string{"approval_decisions", "approvals"} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			if err := app.Delete(c); err != nil {
				return err
			}
		}
		return nil
	})
}
