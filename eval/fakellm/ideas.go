package fakellm

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/rekan/rekan/eval/content"
)

// The SuggestIdeas prompt (eval/baml_src/ideas.baml) is recognised by its
// output format (ideasSchema); these labels only make the ideas specific:
// the occasion's name and date, and the start and today lines that bound
// the publish dates. Without them the dates are read from the prompt's
// ISO dates (the occasion's is the latest, the later of start and today
// the one before it).
var (
	ideasLine   = regexp.MustCompile(`Ideias de post para a data: (.+?) \((\d{4}-\d{2}-\d{2})\)`)
	startByLine = regexp.MustCompile(`Começar a postar em: (\d{4}-\d{2}-\d{2})`)
	todayLine   = regexp.MustCompile(`Hoje: (\d{4}-\d{2}-\d{2})`)
	isoDate     = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
)

// ideasReply answers a SuggestIdeas prompt with four ideas written from the
// profile and the occasion, publish dates spread between the later of
// today and the start date and the date itself.
func ideasReply(prompt string) string {
	r := parseRequest(prompt)
	occasion, date, first := ideasWindow(prompt)
	product := r.productName()
	ideas := []content.Idea{
		{Title: product + " para " + occasion, Type: "foto",
			Brief: fmt.Sprintf("Mostrar %s como opção para %s, com o prazo para pedir.", product, occasion)},
		{Title: "Bastidores de " + occasion, Type: "reels",
			Brief: fmt.Sprintf("Vídeo curto dos bastidores do %s preparando %s.", r.name, occasion)},
		{Title: "Quem é cliente em " + r.place(), Type: "carrossel",
			Brief: fmt.Sprintf("Carrossel com clientes de %s contando como comemoram %s.", r.place(), occasion)},
		{Title: "Últimos pedidos", Type: "stories",
			Brief: fmt.Sprintf("Stories lembrando que %s está chegando e até quando dá para pedir %s.", occasion, product)},
	}
	for i := range ideas {
		ideas[i].PublishOn = spread(first, date, i, len(ideas))
	}
	out, _ := json.Marshal(ideas)
	return string(out)
}

// ideasWindow is the occasion's name and date and the first publish date.
func ideasWindow(prompt string) (occasion, date, first string) {
	if m := ideasLine.FindStringSubmatch(prompt); m != nil {
		occasion, date = m[1], m[2]
		first = date
		if s := startByLine.FindStringSubmatch(prompt); s != nil {
			first = s[1]
		}
		if t := todayLine.FindStringSubmatch(prompt); t != nil && t[1] > first {
			first = t[1]
		}
		return occasion, date, first
	}
	dates := isoDate.FindAllString(prompt, -1)
	slices.Sort(dates)
	dates = slices.Compact(dates)
	switch len(dates) {
	case 0:
		today := time.Now().Format(time.DateOnly)
		return "a data", today, today
	case 1:
		return "a data", dates[0], dates[0]
	default:
		return "a data", dates[len(dates)-1], dates[len(dates)-2]
	}
}

// spread is the i-th of n dates evenly between first and last.
func spread(first, last string, i, n int) string {
	a, errA := time.Parse(time.DateOnly, first)
	b, errB := time.Parse(time.DateOnly, last)
	if errA != nil || errB != nil || !a.Before(b) {
		return last
	}
	days := int(b.Sub(a).Hours() / 24)
	return a.AddDate(0, 0, days*i/(n-1)).Format(time.DateOnly)
}
