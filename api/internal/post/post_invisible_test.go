package post_test

import (
	"slices"
	"testing"

	"github.com/rekan/rekan/api/internal/post"
)

func TestHashtagsOfInvisibleCharacters(t *testing.T) {
	tags, err := post.NormalizeHashtags([]byte(`["\u200b", "#\ufeff", "\u200b#bolo\u200b"]`))
	if err != nil || !slices.Equal(tags, []string{"#bolo"}) {
		t.Errorf("got %q %v", tags, err)
	}
	if _, err := post.NormalizeHashtags([]byte(`["bo\u200bla"]`)); err == nil {
		t.Error("a hashtag with a zero-width space inside was accepted")
	}
}
