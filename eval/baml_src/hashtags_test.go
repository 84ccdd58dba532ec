package bamlsrc

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/rekan/rekan/eval/checks"
)

// The prompts cannot import Go: every hashtag count they state (the rules,
// the field's description, the test blocks' asserts) must be the checks'
// range, eval/checks.HashtagsMin and HashtagsMax.
func TestPromptsStateTheChecksHashtagRange(t *testing.T) {
	src, err := os.ReadFile("content.baml")
	if err != nil {
		t.Fatal(err)
	}
	stated := regexp.MustCompile(`(?i)hashtags[^\n]*?de (\d+) a (\d+)|de (\d+) a (\d+) hashtags`).FindAllStringSubmatch(string(src), -1)
	asserted := regexp.MustCompile(`hashtags\|length >= (\d+) and this\[\d\]\.hashtags\|length <= (\d+)`).FindAllStringSubmatch(string(src), -1)
	if len(stated) < 3 || len(asserted) < 2 {
		t.Fatalf("found %d stated ranges and %d asserted ones in content.baml; the patterns no longer match the prompt", len(stated), len(asserted))
	}
	for _, m := range append(stated, asserted...) {
		var nums []int
		for _, g := range m[1:] {
			if g != "" {
				n, _ := strconv.Atoi(g)
				nums = append(nums, n)
			}
		}
		if len(nums) != 2 || nums[0] != checks.HashtagsMin || nums[1] != checks.HashtagsMax {
			t.Errorf("%q states %v hashtags, the checks %d to %d", m[0], nums, checks.HashtagsMin, checks.HashtagsMax)
		}
	}
}
