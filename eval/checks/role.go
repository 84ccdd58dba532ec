package checks

import (
	"fmt"
	"strings"

	"github.com/rekan/rekan/eval/content"
)

// offerWords name a concrete offer besides a price or a percentage.
var offerWords = []string{"desconto", "gratis", "de graca", "brinde", "leve", "pague", "combo", "sai por", "saem por", "por apenas", "promocao", "baixou", "mais barato", "cortesia", "experimental", "off"}

// nowWords are reasons to act now; the caption must share one with the
// profile or brief (an invented one is the invented-facts check's business).
var nowWords = []string{"hoje", "amanha", "semana", "fim de semana", "mes", "safra", "ultim", "vaga", "estoque", "unidade", "fornada", "enquanto", "so ate", "ate o dia", "prazo", "antecedencia", "inscric", "turma"}

// instructionVerbs are imperatives of advice a follower can follow alone
// (not the selling ones: encomende, agende, peça, chame, reserve).
var instructionVerbs = setOf(`
guarde guardar coloque use usar deixe evite evitar lave lavar passe misture tire escolha prefira experimente
troque faca espere mantenha aplique corte seque hidrate penteie escove regue plante teste confira verifique
limpe seque congele descongele aqueça aqueca sirva cubra embale separe meça meca anote observe olhe repare
comece termine repita alterne respire alongue segure apoie puxe empurre desligue ligue calibre
nunca sempre basta
`)

// adviceModals introduce an instruction: "você pode…", "o segredo é…".
var adviceModals = []string{"voce pode", "voce deve", "voce precisa", "voce consegue", "o segredo e", "o truque e", "a dica e", "e so ", "tem que", "vale a pena", "o ideal e"}

func offerIn(folded string) bool {
	if len(findAmounts(folded)) > 0 || len(findPercents(folded)) > 0 {
		return true
	}
	padded := normalizeForPhrases(folded)
	for _, w := range offerWords {
		if strings.Contains(padded, " "+w+" ") {
			return true
		}
	}
	return false
}

// nowIn lists the reasons to act now a folded text gives.
func nowIn(folded string) map[string]bool {
	out := map[string]bool{}
	padded := normalizeForPhrases(folded)
	for _, w := range nowWords {
		if strings.Contains(padded, " "+w) {
			out[w] = true
		}
	}
	for _, m := range findWeekdays(folded) {
		out[m.key] = true
	}
	for _, m := range findDates(folded) {
		out[m.key] = true
	}
	for _, m := range findTimes(folded) {
		out[m.key] = true
	}
	return out
}

// informalImperatives are the imperatives most Brazilians say ("guarda",
// "apoia"); they are also third-person verbs ("a toalha seca"), so they
// count only where a sentence starts.
var informalImperatives = setOf(`
guarda coloca usa deixa evita lava passa mistura tira escolhe experimenta troca faz espera mantem aplica
corta seca hidrata penteia escova rega planta testa confere limpa congela descongela serve cobre embala
separa anota observa olha repara comeca respira alonga segura apoia encosta levanta puxa empurra desliga
liga calibra tenta
`)

func instructionIn(text string) bool {
	ws := words(text)
	for _, w := range ws {
		if instructionVerbs[w.folded] {
			return true
		}
	}
	for _, sentence := range strings.FieldsFunc(text, func(r rune) bool { return r == '.' || r == '!' || r == '?' || r == ':' || r == '\n' || r == ',' }) {
		if first := words(sentence); len(first) > 0 && informalImperatives[first[0].folded] {
			return true
		}
	}
	padded := normalizeForPhrases(text)
	for _, m := range adviceModals {
		if strings.Contains(padded, " "+m) {
			return true
		}
	}
	return false
}

func checkRoleFulfilled(in Input) (bool, Severity, string) {
	role := in.Post.Role
	text := publishedWords(in.Post)
	switch role {
	case content.RoleOffer:
		folded := digitize(Fold(text))
		if !offerIn(folded) {
			return false, SeverityError, "Post de oferta sem oferta concreta: diga o preço, o desconto ou o que vem junto, como está no pedido."
		}
		src := nowIn(digitize(Fold(in.Brief + "\n" + in.Business.Notes + "\n" + strings.Join(in.Business.Facts, "\n"))))
		for k := range nowIn(folded) {
			if src[k] {
				return true, "", "Oferta concreta com motivo para agir agora."
			}
		}
		if len(src) == 0 {
			return false, SeverityError, "Post de oferta sem motivo para agir agora, e o pedido não traz prazo, data nem quantidade: acrescente um ao pedido."
		}
		return false, SeverityError, "Post de oferta sem motivo para agir agora: diga o prazo, a data ou a quantidade do pedido."
	case content.RoleTip:
		if instructionIn(text) {
			return true, "", "A dica traz algo que o seguidor pode fazer sozinho."
		}
		return false, SeverityWarning, "Post de dica sem instrução: diga o que o seguidor deve fazer (guarde, use, evite…)."
	}
	if role == "" {
		return true, notApplicable, "Post sem papel definido: nada a verificar."
	}
	return true, notApplicable, fmt.Sprintf("Sem regra automática para o papel \u201c%s\u201d.", role)
}
