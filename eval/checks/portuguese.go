package checks

import (
	"fmt"
	"strings"

	"github.com/rekan/rekan/eval/content"
)

// europeanTerm is a word or phrase of European Portuguese that a Brazilian
// reader notices at once, with the Brazilian word to use instead.
type europeanTerm struct {
	// words are the folded tokens of the term, matched consecutively.
	words []string
	// exact, when set, is compared with the accented lower-case token
	// instead (only "vós": folded it would be the Brazilian clitic "vos").
	exact string
	// after, when set, requires the previous token (folded) to be one of
	// these, for words that are also Brazilian verb forms: "a equipa"
	// (the team) but not "ela equipa a cozinha"; "é fixe" (it's cool) but not
	// "fixe o cartaz".
	after  []string
	brazil string
}

var determiners = []string{"a", "da", "na", "pela", "uma", "nossa", "sua", "tua", "minha", "esta", "essa", "aquela", "toda", "cada", "à"}
var intensifiers = []string{"e", "muito", "tao", "bem", "super", "bue", "que", "mais", "ta", "esta"}

var europeanTerms = []europeanTerm{
	{words: []string{"telemovel"}, brazil: "celular"},
	{words: []string{"telemoveis"}, brazil: "celulares"},
	{words: []string{"pequeno-almoco"}, brazil: "café da manhã"},
	{words: []string{"pequeno", "almoco"}, brazil: "café da manhã"},
	{words: []string{"autocarro"}, brazil: "ônibus"},
	{words: []string{"autocarros"}, brazil: "ônibus"},
	{words: []string{"equipa"}, after: determiners, brazil: "equipe"},
	{words: []string{"equipas"}, after: []string{"as", "das", "nas", "pelas", "nossas", "suas", "duas", "tres", "varias"}, brazil: "equipes"},
	{words: []string{"connosco"}, brazil: "conosco"},
	{words: []string{"convosco"}, brazil: "com vocês"},
	{words: []string{"facto"}, brazil: "fato"},
	{words: []string{"factos"}, brazil: "fatos"},
	{words: []string{"contacto"}, brazil: "contato"},
	{words: []string{"contactos"}, brazil: "contatos"},
	{words: []string{"contactar"}, brazil: "contatar"},
	{words: []string{"contacte"}, brazil: "entre em contato"},
	{words: []string{"ecra"}, brazil: "tela"},
	{words: []string{"rapariga"}, brazil: "moça"},
	{words: []string{"raparigas"}, brazil: "moças"},
	{words: []string{"fixe"}, after: intensifiers, brazil: "legal"},
	{words: []string{"casa", "de", "banho"}, brazil: "banheiro"},
	{words: []string{"comboio"}, brazil: "trem"},
	{words: []string{"comboios"}, brazil: "trens"},
	{exact: "vós", brazil: "vocês"},
	{words: []string{"utilizador"}, brazil: "usuário"},
	{words: []string{"utilizadores"}, brazil: "usuários"},
	{words: []string{"ficheiro"}, brazil: "arquivo"},
	{words: []string{"frigorifico"}, brazil: "geladeira"},
	{words: []string{"montra"}, brazil: "vitrine"},
	{words: []string{"bue"}, brazil: "muito"},
	{words: []string{"registo"}, brazil: "registro"},
	{words: []string{"rececao"}, brazil: "recepção"},
	{words: []string{"optimo"}, brazil: "ótimo"},
	{words: []string{"optima"}, brazil: "ótima"},
	{words: []string{"accao"}, brazil: "ação"},
	{words: []string{"projecto"}, brazil: "projeto"},
	{words: []string{"objectivo"}, brazil: "objetivo"},
	{words: []string{"pastilha", "elastica"}, brazil: "chiclete"},
}

// estarForms are the forms of "estar" (and "andar") that start the
// European progressive "estou a fazer" (Brazil: "estou fazendo").
var estarForms = map[string]bool{
	"estou": true, "esta": true, "estas": true, "estamos": true, "estao": true, "estais": true,
	"estava": true, "estavas": true, "estavamos": true, "estavam": true,
	"estive": true, "esteve": true, "estivemos": true, "estiveram": true,
	"estar": true, "estarei": true, "estara": true, "estaremos": true, "estarao": true,
	"estaria": true, "estariam": true, "esteja": true, "estejam": true, "estando": true,
	"ando": true, "anda": true, "andamos": true, "andam": true, "andava": true, "andavam": true,
}

// progressiveSkip are adverbs allowed between "estar" and "a": "estou
// sempre a dizer".
var progressiveSkip = map[string]bool{"sempre": true, "ja": true, "ainda": true, "agora": true, "mesmo": true, "so": true, "todos": true, "todas": true}

// notInfinitives end like infinitives but make Brazilian phrases after
// "estar a": "está a partir de R$ 10", "estou a par", "estamos a favor",
// "está a dois passos", "a caminho" (not -r, listed for clarity).
var notInfinitives = map[string]bool{
	"partir": true, "par": true, "favor": true, "mar": true, "bar": true, "lugar": true,
	"cor": true, "dor": true, "flor": true, "amor": true, "valor": true, "sabor": true,
	"calor": true, "melhor": true, "pior": true, "maior": true, "menor": true, "mulher": true,
	"colher": true, "prazer": true, "vapor": true, "ar": true,
}

func isInfinitive(folded string) bool {
	if len(folded) < 3 || notInfinitives[folded] {
		return false
	}
	for _, suffix := range []string{"ar", "er", "ir", "or"} {
		if strings.HasSuffix(folded, suffix) {
			return true
		}
	}
	return false
}

// europeanMarkers lists the European Portuguese terms found in text, in
// order of appearance, each once, as "found (no Brasil: suggestion)".
func europeanMarkers(text string) []string {
	ws := words(text)
	var found []string
	seen := map[string]bool{}
	note := func(term, brazil string) {
		if seen[term] {
			return
		}
		seen[term] = true
		found = append(found, fmt.Sprintf("\u201c%s\u201d (no Brasil: %s)", term, brazil))
	}
	for i := range ws {
		for _, t := range europeanTerms {
			if matched, term := t.match(ws, i); matched {
				note(term, t.brazil)
			}
		}
		if term, ok := progressiveAt(ws, i); ok {
			note(term, "gerúndio, como em estou fazendo")
		}
	}
	return found
}

func (t europeanTerm) match(ws []word, i int) (bool, string) {
	if t.exact != "" {
		return ws[i].text == t.exact, ws[i].text
	}
	if i+len(t.words) > len(ws) {
		return false, ""
	}
	for j, w := range t.words {
		if ws[i+j].folded != w {
			return false, ""
		}
	}
	if t.after != nil {
		if i == 0 || !contains(t.after, ws[i-1].folded) {
			return false, ""
		}
	}
	parts := make([]string, len(t.words))
	for j := range t.words {
		parts[j] = ws[i+j].text
	}
	return true, strings.Join(parts, " ")
}

// progressiveAt finds "estar [adverb] a <infinitive>" starting at i.
func progressiveAt(ws []word, i int) (string, bool) {
	if !estarForms[ws[i].folded] {
		return "", false
	}
	j := i + 1
	if j < len(ws) && progressiveSkip[ws[j].folded] {
		j++
	}
	if j+1 >= len(ws) || ws[j].text != "a" || !isInfinitive(ws[j+1].folded) {
		return "", false
	}
	parts := make([]string, 0, j+2-i)
	for k := i; k <= j+1; k++ {
		parts = append(parts, ws[k].text)
	}
	return strings.Join(parts, " "), true
}

func contains(list []string, s string) bool {
	for _, it := range list {
		if it == s {
			return true
		}
	}
	return false
}

// checkBrazilianPortuguese looks for European Portuguese in everything the
// owner reads or publishes: hook, caption and production note. One term can
// be a slip (a warning); two or more mean the text is in the wrong variety
// (an error).
func checkBrazilianPortuguese(p content.Post) (bool, Severity, string) {
	found := europeanMarkers(p.Hook + "\n" + p.Caption + "\n" + p.ProductionNote)
	if len(found) == 0 {
		return true, "", "Nenhum termo de Portugal encontrado."
	}
	severity := SeverityWarning
	if len(found) >= 2 {
		severity = SeverityError
	}
	return false, severity, fmt.Sprintf("%s de Portugal: %s.", plural(len(found), "Termo", "Termos"), joinList(found))
}
