package fakellm

import (
	"encoding/json"
	"regexp"
	"strings"
)

// The ReviseFromNote handler: a prompt whose output format is one Post
// (reply tells it from WritePosts' Post[]) gets the post it carries back,
// revised the way a careful model would: what the client's note asks is
// done (a price taken out when the note mentions one), the rest is kept,
// and the caption gains the owner's thanks so a test can see a new
// version. The labels below only find the post and the note; a reworded
// prompt still gets a post, just not the one it carried.

var (
	reviseNote     = regexp.MustCompile(`(?s)Pedido de ajuste do cliente:\s*\n(.*?)\n\s*\n`)
	reviseCaption  = regexp.MustCompile(`(?s)Legenda:\s*\n(.*?)\n\s*Hashtags: `)
	reviseHashtags = regexp.MustCompile(`(?m)^\s*Hashtags: (.*)$`)
	reviseNoteLine = regexp.MustCompile(`(?m)^\s*Nota de produção: (.*)$`)
	reviseRole     = regexp.MustCompile(`Post atual \(papel "([a-z]+)"\)`)
	priceSentence  = regexp.MustCompile(`[^.!?\n]*R\$\s?[0-9][^.!?\n]*[.!?]?\s*`)
)

// reviseReply answers a ReviseFromNote prompt.
func reviseReply(prompt string) string {
	var text string
	if caption := reviseCaption.FindStringSubmatch(prompt); caption != nil {
		text = strings.TrimSpace(caption[1])
	}
	if note := reviseNote.FindStringSubmatch(prompt + "\n\n"); note != nil {
		lower := strings.ToLower(note[1])
		if strings.Contains(lower, "preço") || strings.Contains(lower, "preco") || strings.Contains(lower, "valor") {
			text = strings.TrimSpace(priceSentence.ReplaceAllString(text, ""))
		}
	}
	text = strings.TrimSpace(text + "\n\nAjustado com carinho, do jeito que você pediu.")
	hashtags := []string{}
	if m := reviseHashtags.FindStringSubmatch(prompt); m != nil {
		hashtags = strings.Fields(m[1])
	}
	var productionNote, role string
	if m := reviseNoteLine.FindStringSubmatch(prompt); m != nil {
		productionNote = strings.TrimSpace(m[1])
	}
	if m := reviseRole.FindStringSubmatch(prompt); m != nil {
		role = m[1]
	}
	hook, _, _ := strings.Cut(text, "\n")
	out, _ := json.Marshal(map[string]any{
		"role": role, "hook": hook, "caption": text, "hashtags": hashtags, "production_note": productionNote,
	})
	return string(out)
}
