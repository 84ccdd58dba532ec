package post

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/business"
	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

// ConfirmedClaimsField holds the claims the operator marked as true on a
// post ("o cliente confirmou"); the checks take them as backed.
const ConfirmedClaimsField = "confirmed_claims"

var (
	// ErrClaimNotFlagged: the claim is not one the post's claims check
	// lists, so there is nothing to confirm.
	ErrClaimNotFlagged = errors.New("claim not flagged on this post")
	// ErrFactsFull: the profile already holds content.MaxFacts facts.
	ErrFactsFull = errors.New("business facts full")
)

// ConfirmedClaims are the claims confirmed on a post.
func ConfirmedClaims(record *core.Record) []string {
	var out []string
	_ = json.Unmarshal(rawJSON(record.Get(ConfirmedClaimsField)), &out)
	return out
}

// ConfirmClaim records claim as confirmed on the post, re-runs its checks
// and, with addFact, adds the claim to the business's facts, all in one
// transaction. The claim must be one the post's stored claims check lists.
func ConfirmClaim(app core.App, id, claim string, addFact bool) (*core.Record, error) {
	var saved *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		p, err := tx.FindRecordById(Collection, id)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrGone, err)
		}
		if p.GetString("status") == StatusGenerating {
			return ErrGenerating
		}
		var stored []checks.Result
		_ = json.Unmarshal(rawJSON(p.Get("checks")), &stored)
		r, ok := checks.Find(stored, checks.IDClaimsBacked)
		if !ok || !slices.Contains(r.Claims, claim) {
			return ErrClaimNotFlagged
		}
		confirmed := ConfirmedClaims(p)
		if !slices.Contains(confirmed, claim) {
			confirmed = append(confirmed, claim)
		}
		p.Set(ConfirmedClaimsField, confirmed)
		if addFact {
			biz, err := tx.FindRecordById(business.Collection, p.GetString("business"))
			if err != nil {
				return fmt.Errorf("business of post %s: %w", id, err)
			}
			facts := business.Profile(biz).Facts
			if !slices.Contains(facts, claim) {
				if len(facts) >= content.MaxFacts {
					return ErrFactsFull
				}
				biz.Set("facts", append(facts, claim))
				if err := tx.Save(biz); err != nil {
					return fmt.Errorf("add fact to %s: %w", biz.Id, err)
				}
			}
		}
		in, err := CheckInput(tx, p)
		if err != nil {
			return err
		}
		p.Set("checks", checks.Run(in))
		if err := tx.Save(p); err != nil {
			return fmt.Errorf("save post %s: %w", id, err)
		}
		saved = p
		return nil
	})
	return saved, err
}
