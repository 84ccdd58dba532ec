package fakellm

import (
	"encoding/json"
	"regexp"
	"strings"
)

// The ReviseFromNote handler, on its own so the way functions are told
// apart can change around it: a prompt with the client's note ("Pedido de
// ajuste do cliente:") gets the post it carries back, revised the way a
// careful model would: what the note asks is done (a price taken out when
// the note mentions one), the rest is kept, and the caption gains the
// owner's thanks so a test can see a new version.

var (
	reviseNote     = regexp.MustCompile(`(?s)Pedido de ajuste do cliente:\s*\n(.*?)\n\s*\n`)
	reviseCaption  = regexp.MustCompile(`(?s)Legenda:\s*\n(.*?)\n\s*Hashtags: `)
	reviseHashtags = regexp.MustCompile(`(?m)^\s*Hashtags: (.*)$`)
	reviseNoteLine = regexp.MustCompile(`(?m)^\s*Nota de produção: (.*)$`)
	reviseRole     = regexp.MustCompile(`Post atual \(papel "([a-z]+)"\)`)
	priceSentence  = regexp.MustCompile(`[^.!?\n]*R\$\s?[0-9][^.!?\n]*[.!?]?\s*`)
)

// reviseReply answers a ReviseFromNote prompt; ok is false for any other.
func reviseReply(prompt string) (string, bool) {
	note := reviseNote.FindStringSubmatch(prompt + "\n\n")
	caption := reviseCaption.FindStringSubmatch(prompt)
	if note == nil || caption == nil {
		return "", false
	}
	text := strings.TrimSpace(caption[1])
	lower := strings.ToLower(note[1])
	if strings.Contains(lower, "preço") || strings.Contains(lower, "preco") || strings.Contains(lower, "valor") {
		text = strings.TrimSpace(priceSentence.ReplaceAllString(text, ""))
	}
	text += "\n\nAjustado com carinho, do jeito que você pediu."
	var hashtags []string
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
	return string(out), true
}
