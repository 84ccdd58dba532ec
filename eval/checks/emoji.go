package checks

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rekan/rekan/eval/content"
)

// EmojiCharsPerEmoji is the density limit: more than one emoji per this
// many caption characters reads as an AI imitating Instagram.
const EmojiCharsPerEmoji = 60

const (
	zwj        = '\u200D'
	vs16       = '\uFE0F' // emoji presentation selector
	vs15       = '\uFE0E' // text presentation selector
	keycapMark = '\u20E3'
)

type runeRange struct{ lo, hi rune }

// emojiRanges hold pictographs shown as emoji by default (or so commonly
// shown as emoji on phones that readers see them that way, like ❤ and ✔).
var emojiRanges = []runeRange{
	{0x1F000, 0x1F0FF}, // mahjong, dominoes, cards
	{0x1F100, 0x1F1FF}, // enclosed alphanumerics, incl. regional indicators
	{0x1F200, 0x1F2FF}, // enclosed ideographs
	{0x1F300, 0x1F5FF}, // symbols and pictographs
	{0x1F600, 0x1F64F}, // emoticons
	{0x1F680, 0x1F6FF}, // transport and map
	{0x1F7E0, 0x1F7FF}, // coloured circles and squares
	{0x1F900, 0x1F9FF}, // supplemental symbols and pictographs
	{0x1FA70, 0x1FAFF}, // symbols and pictographs extended-A
	{0x2600, 0x27BF},   // miscellaneous symbols, dingbats
	{0x231A, 0x231B}, {0x23E9, 0x23F3}, {0x23F8, 0x23FA},
	{0x2B05, 0x2B07}, {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55},
	{0x3030, 0x3030}, {0x303D, 0x303D}, {0x3297, 0x3297}, {0x3299, 0x3299},
}

// textDefault are symbols that are text unless followed by U+FE0F (©️, ™️, ↔️).
var textDefault = []runeRange{
	{0x00A9, 0x00A9}, {0x00AE, 0x00AE}, {0x203C, 0x203C}, {0x2049, 0x2049},
	{0x2122, 0x2122}, {0x2139, 0x2139}, {0x2194, 0x21AA}, {0x2328, 0x2328},
	{0x23CF, 0x23CF}, {0x24C2, 0x24C2}, {0x25AA, 0x25FE}, {0x2934, 0x2935},
}

func inRanges(r rune, ranges []runeRange) bool {
	for _, rr := range ranges {
		if r >= rr.lo && r <= rr.hi {
			return true
		}
	}
	return false
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// isEmojiModifier covers what attaches to an emoji without starting a new
// one: presentation selectors, skin tones, tag characters, the keycap mark.
func isEmojiModifier(r rune) bool {
	return r == vs16 || r == vs15 || r == keycapMark || (r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F)
}

// emojiAt reports whether an emoji starts at runes[i] and, if so, the index
// just past it. A ZWJ sequence (👩‍🍳), a flag (🇧🇷), a keycap (1️⃣) or an
// emoji with a skin tone is one emoji.
func emojiAt(runes []rune, i int) (int, bool) {
	r := runes[i]
	next := func(j int) rune {
		if j < len(runes) {
			return runes[j]
		}
		return 0
	}
	switch {
	case isRegionalIndicator(r):
		if isRegionalIndicator(next(i + 1)) {
			return i + 2, true
		}
		return i + 1, true
	case (r >= '0' && r <= '9') || r == '#' || r == '*':
		j := i + 1
		if next(j) == vs16 {
			j++
		}
		if next(j) == keycapMark {
			return j + 1, true
		}
		return i, false
	case inRanges(r, emojiRanges):
	case inRanges(r, textDefault) && next(i+1) == vs16:
	default:
		return i, false
	}
	j := i + 1
	for {
		for j < len(runes) && isEmojiModifier(runes[j]) {
			j++
		}
		if next(j) != zwj || j+1 >= len(runes) {
			return j, true
		}
		joined := runes[j+1]
		if !inRanges(joined, emojiRanges) && !inRanges(joined, textDefault) {
			return j, true
		}
		j += 2
	}
}

// CountEmoji counts the emoji in s, each ZWJ sequence, flag or keycap once.
func CountEmoji(s string) int {
	runes := []rune(s)
	n := 0
	for i := 0; i < len(runes); {
		if end, ok := emojiAt(runes, i); ok {
			n++
			i = end
			continue
		}
		i++
	}
	return n
}

func isTerminator(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '\u2026'
}

// sentencesEndingInEmoji splits text into sentences (lines, and full stops,
// exclamation and question marks within a line) and reports how many have
// words and how many of those end in an emoji. Emoji right after a
// sentence's final punctuation ("Pronto! 🎉") belong to that sentence.
func sentencesEndingInEmoji(text string) (sentences, endingInEmoji int) {
	for _, line := range lines(text) {
		if isHashtagLine(line) {
			continue
		}
		runes := []rune(line)
		hasWords, emojiAfterWords, closed := false, false, false
		finish := func() {
			if hasWords {
				sentences++
				if emojiAfterWords {
					endingInEmoji++
				}
			}
			hasWords, emojiAfterWords, closed = false, false, false
		}
		for i := 0; i < len(runes); {
			if end, ok := emojiAt(runes, i); ok {
				if hasWords {
					emojiAfterWords = true
				}
				i = end
				continue
			}
			r := runes[i]
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				if closed {
					finish()
				}
				hasWords, emojiAfterWords = true, false
			case isTerminator(r):
				if hasWords {
					closed = true
				}
			}
			i++
		}
		finish()
	}
	return sentences, endingInEmoji
}

// checkEmojiDensity fails (as a warning) when the caption has more than one
// emoji per EmojiCharsPerEmoji characters, or when it has at least two
// sentences and every one of them ends in an emoji.
func checkEmojiDensity(p content.Post) (bool, Severity, string) {
	caption := strings.TrimSpace(p.Caption)
	chars := utf8.RuneCountInString(caption)
	count := CountEmoji(caption)
	if count*EmojiCharsPerEmoji > chars {
		return false, SeverityWarning, fmt.Sprintf("%d %s em %d caracteres: mais de 1 a cada %d caracteres.",
			count, plural(count, "emoji", "emojis"), chars, EmojiCharsPerEmoji)
	}
	if sentences, ending := sentencesEndingInEmoji(caption); sentences >= 2 && ending == sentences {
		return false, SeverityWarning, fmt.Sprintf("Todas as %d frases terminam com emoji: use emoji só onde ele acrescenta algo.", sentences)
	}
	if count == 0 {
		return true, "", "Sem emojis."
	}
	return true, "", fmt.Sprintf("%d %s em %d caracteres.", count, plural(count, "emoji", "emojis"), chars)
}
