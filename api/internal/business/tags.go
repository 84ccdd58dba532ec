package business

import (
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/calendar"
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

// Tags are the business's calendar tags: as stored, or derived from its
// segment for a business saved before it had tags.
func Tags(record *core.Record) []string {
	if tags := record.GetStringSlice("segment_tags"); len(tags) > 0 {
		return tags
	}
	return calendar.Default.SegmentTags(record.GetString("segment"))
}
