package checks

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rekan/rekan/eval/content"
)

var (
	schemeOrWWW = regexp.MustCompile(`(?i)(?:https?://|www\.)[^\s]+`)
	// bareDomain needs a lower-case top-level domain so a missing space
	// after a full stop ("ateliê.Com certeza") is not a link.
	bareDomain = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.(?:com|net|org|br|io|app|shop|store|site|online|me|co|info|biz|ly|link|xyz|gl|tv|pt|dev|page|club|blog|art|bio)\b`)
)

// findLinks returns the links in text: http(s):// and www. addresses and
// bare domains ("loja.com.br", "wa.me/55…"). Instagram does not make them
// clickable and a model may invent them, so none belong in a caption.
// E-mail addresses and @handles are allowed (contact details, not links),
// and so are hashtags: a domain right after "@" or "#" is skipped.
func findLinks(text string) []string {
	var links []string
	seen := map[string]bool{}
	addLink := func(l string) {
		l = strings.TrimRight(l, ".,;:!?)\u201d\"'")
		if !seen[l] {
			seen[l] = true
			links = append(links, l)
		}
	}
	covered := schemeOrWWW.FindAllStringIndex(text, -1)
	for _, m := range covered {
		addLink(text[m[0]:m[1]])
	}
	// Both lists are in text order, so one cursor finds the covering span.
	cursor := 0
	for _, m := range bareDomain.FindAllStringIndex(text, -1) {
		for cursor < len(covered) && covered[cursor][1] <= m[0] {
			cursor++
		}
		if cursor < len(covered) && m[0] >= covered[cursor][0] && m[1] <= covered[cursor][1] {
			continue
		}
		if prev, _ := utf8.DecodeLastRuneInString(text[:m[0]]); m[0] > 0 && (prev == '@' || prev == '#' || prev == '.' || unicode.IsLetter(prev) || unicode.IsDigit(prev)) {
			continue
		}
		if next, _ := utf8.DecodeRuneInString(text[m[1]:]); m[1] < len(text) && (next == '@' || unicode.IsLetter(next) || unicode.IsDigit(next)) {
			continue
		}
		end := m[1]
		// Keep the path for the reason: "wa.me/5511…".
		for end < len(text) && text[end] == '/' {
			next := strings.IndexFunc(text[end:], unicode.IsSpace)
			if next < 0 {
				end = len(text)
			} else {
				end += next
			}
		}
		addLink(text[m[0]:end])
	}
	return links
}

func checkNoLinks(p content.Post) (bool, Severity, string) {
	links := findLinks(p.Hook + "\n" + p.Caption)
	if len(links) == 0 {
		return true, "", "Nenhum link na legenda."
	}
	return false, SeverityError, fmt.Sprintf("%s na legenda: %s. No Instagram links não são clicáveis; indique o WhatsApp ou o perfil.",
		plural(len(links), "Link", "Links"), quoteList(links))
}
