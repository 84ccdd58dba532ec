package business

import (
	"fmt"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/calendar"
	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/text"
)

// normalizeSegmentTags keeps the calendar's segment tags of a business
// canonical (known, lowercase, sorted, once each). The operator corrects
// them on the profile; they are derived from the free-text segment when
// empty, and again when the segment changes in a save that leaves the tags
// as they were (an operator's correction is never overwritten by itself).
func normalizeSegmentTags(record, stored *core.Record) validation.Error {
	given := record.GetStringSlice("segment_tags")
	tags := make([]string, 0, len(given))
	for _, raw := range given {
		tag := strings.ToLower(text.Trim(raw))
		if tag == "" {
			continue
		}
		if calendar.Default.TagLabel(tag) == "" {
			return validation.NewError("validation_invalid_segment_tag",
				"Etiqueta de segmento desconhecida: "+tag+". Escolha uma das etiquetas da lista.")
		}
		tags = append(tags, tag)
	}
	slices.Sort(tags)
	tags = slices.Compact(tags)

	segmentChanged := !record.IsNew() && record.GetString("segment") != stored.GetString("segment")
	tagsKept := slices.Equal(tags, sortedTags(stored))
	if len(tags) == 0 || (segmentChanged && tagsKept) {
		tags = calendar.Default.SegmentTags(record.GetString("segment"))
	}
	record.Set("segment_tags", tags)
	return nil
}

func sortedTags(r *core.Record) []string {
	tags := slices.Clone(r.GetStringSlice("segment_tags"))
	slices.Sort(tags)
	return tags
}

// validatePlan checks the monthly plan size: a whole number from 0 (no
// plan) to content.MaxPostsPerMonth.
func validatePlan(record *core.Record) validation.Error {
	raw := record.GetFloat("posts_per_month")
	if raw < 0 || raw > content.MaxPostsPerMonth || raw != float64(int(raw)) {
		return validation.NewError("validation_invalid_posts_per_month",
			fmt.Sprintf("O plano deve ser um número inteiro de 0 a %d posts por mês.", content.MaxPostsPerMonth))
	}
	return nil
}

// Tags are the business's calendar tags: as stored, or derived from its
// segment for a business saved before it had tags.
func Tags(record *core.Record) []string {
	if tags := record.GetStringSlice("segment_tags"); len(tags) > 0 {
		return tags
	}
	return calendar.Default.SegmentTags(record.GetString("segment"))
}
