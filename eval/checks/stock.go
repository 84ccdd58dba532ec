package checks

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed stock_phrases.txt
var stockPhrasesFile string

// StockPhrase is one cliché of stock_phrases.txt and why it is there.
type StockPhrase struct {
	Phrase string
	Why    string
	// norm is the phrase as normalizeForPhrases writes it, without padding.
	norm string
}

// StockPhrases is the curated list, in file order.
var StockPhrases = parseStockPhrases(stockPhrasesFile)

func parseStockPhrases(data string) []StockPhrase {
	var out []StockPhrase
	for i, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		phrase, why, ok := strings.Cut(line, " | ")
		phrase, why = strings.TrimSpace(phrase), strings.TrimSpace(why)
		if !ok || phrase == "" || why == "" {
			// The file is embedded: a malformed line is a build-time mistake
			// the package's tests catch, so failing loudly here is right.
			panic(fmt.Sprintf("stock_phrases.txt line %d: want \"phrase | why\", got %q", i+1, line))
		}
		out = append(out, StockPhrase{Phrase: phrase, Why: why, norm: strings.TrimSpace(normalizeForPhrases(phrase))})
	}
	return out
}

// stockPhrasesIn lists the clichés of text, in list order, each once.
func stockPhrasesIn(text string) []string {
	padded := normalizeForPhrases(text)
	var found []string
	for _, sp := range StockPhrases {
		if strings.Contains(padded, " "+sp.norm+" ") {
			found = append(found, sp.Phrase)
		}
	}
	return found
}

// checkStockPhrases: one cliché is a warning (a phrase to rewrite), two or
// more mean the caption is built on them (an error).
func checkStockPhrases(in Input) (bool, Severity, string) {
	found := stockPhrasesIn(publishedWords(in.Post))
	switch len(found) {
	case 0:
		return true, "", "Nenhuma frase feita de propaganda."
	case 1:
		return false, SeverityWarning, fmt.Sprintf("Frase feita: %s. Troque por um detalhe verdadeiro do negócio.", quoteList(found))
	}
	return false, SeverityError, fmt.Sprintf("Legenda montada com frases feitas: %s. Troque por detalhes verdadeiros do negócio.", quoteList(found))
}
