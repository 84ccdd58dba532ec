package checks

import (
	"fmt"
	"strings"

	"github.com/rekan/rekan/eval/content"
)

// baitPhrases are generic engagement requests, folded (lower case, no
// accents) and matched on word boundaries. They ask for a like, comment,
// tag, save or share without giving the reader a reason tied to the post.
var baitPhrases = []string{
	"curta e compartilhe", "curte e compartilha", "curta e comente", "curte e comenta",
	"curta se", "curte se", "curta esse post", "curta este post", "curte esse post", "curte ai", "curta ai",
	"de um like", "da um like", "deixe seu like", "deixa seu like", "deixe o seu like", "deixa o seu like",
	"deixe seu coracao", "deixa seu coracao", "like se",
	// Not "marque seu"/"marque um" alone: "marque seu horário" is a real
	// call to action for salons and barbers.
	"marque um amigo", "marque uma amiga", "marque seus amigos", "marque suas amigas",
	"marque seu amigo", "marque sua amiga", "marque alguem", "marque aqui", "marque quem", "marque aquele", "marque aquela",
	"marca um amigo", "marca uma amiga", "marca alguem", "marca aqui", "marca quem", "marca aquele", "marca aquela",
	"marca o amigo", "marca a amiga", "marca teu", "marca tua", "marca seu amigo", "marca sua amiga",
	"comente aqui", "comenta aqui", "comente ai", "comenta ai", "comente abaixo", "comenta abaixo",
	"comente amei", "comenta amei", "comente eu quero", "comenta eu quero", "comente sim", "comenta sim",
	"deixe seu comentario", "deixa seu comentario", "deixe nos comentarios", "deixa nos comentarios",
	"salve este post", "salve esse post", "salva esse post", "salva este post", "salve o post", "salva o post",
	"salve para", "salve pra", "salva para", "salva pra",
	"compartilhe com", "compartilha com", "compartilhe esse", "compartilhe este", "compartilha esse", "compartilha este",
	"siga para mais", "siga pra mais", "siga a gente", "segue a gente", "siga o perfil", "siga nosso perfil", "segue o perfil",
	"ative o sininho", "ativa o sininho", "ative as notificacoes", "ativa as notificacoes",
}

// normalizeForPhrases folds s and keeps only letters and digits separated
// by single spaces, padded so phrases match whole words.
func normalizeForPhrases(s string) string {
	folded := Fold(s)
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range folded {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// closingLine is the last non-empty line of the caption that is not just
// hashtags: the call to action a reader ends on.
func closingLine(caption string) string {
	ls := lines(caption)
	for i := len(ls) - 1; i >= 0; i-- {
		if !isHashtagLine(ls[i]) {
			return ls[i]
		}
	}
	return ""
}

// checkEngagementBait looks only at the closing line: that is where bait
// sits, and a specific call to action there ("Encomendas pelo WhatsApp até
// sexta") is what the prompt asks for. Any bait phrase on it fails, even in
// an otherwise specific sentence; it is a warning, so the operator decides.
func checkEngagementBait(p content.Post) (bool, Severity, string) {
	line := closingLine(p.Caption)
	if line == "" {
		return true, "", "Sem chamada final para avaliar."
	}
	norm := normalizeForPhrases(line)
	for _, phrase := range baitPhrases {
		if strings.Contains(norm, " "+phrase+" ") {
			return false, SeverityWarning, fmt.Sprintf("A chamada final \u201c%s\u201d é isca de engajamento genérica: prefira uma ação concreta, como encomendar pelo WhatsApp até uma data.", shorten(line, 80))
		}
	}
	return true, "", "A chamada final não é isca de engajamento."
}
