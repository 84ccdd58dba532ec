package fakellm

import (
	"fmt"
	"strings"

	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/text"
)

// Fault is a mistake models really make, planted by the fake in the posts
// it writes so that tests see each quality check fail on realistic text.
type Fault string

// The faults, each named after what it breaks.
const (
	// FaultInventedPrice adds a price the profile and brief do not have.
	FaultInventedPrice Fault = "invented_price"
	// FaultWrongPhone adds a WhatsApp number that is not the business's.
	FaultWrongPhone Fault = "wrong_phone"
	// FaultGeneric replaces the text with copy that fits any business.
	FaultGeneric Fault = "generic"
	// FaultStockPhrases replaces the text with marketing clichés.
	FaultStockPhrases Fault = "stock_phrases"
	// FaultRepeatedHook opens every post with the same line: the business's
	// latest previous opening when the prompt lists one.
	FaultRepeatedHook Fault = "repeated_hook"
	// FaultNoOffer writes offers without anything on offer.
	FaultNoOffer Fault = "no_offer"
	// FaultEuropean writes European Portuguese.
	FaultEuropean Fault = "european"
)

// Faults lists every fault, for flags and errors.
var Faults = []Fault{FaultInventedPrice, FaultWrongPhone, FaultGeneric, FaultStockPhrases, FaultRepeatedHook, FaultNoOffer, FaultEuropean}

// Valid reports whether f is empty (no fault) or a known fault.
func (f Fault) Valid() bool {
	if f == "" {
		return true
	}
	for _, known := range Faults {
		if f == known {
			return true
		}
	}
	return false
}

func (f Fault) apply(r request, posts []content.Post) []content.Post {
	for i := range posts {
		p := &posts[i]
		switch f {
		case FaultInventedPrice:
			p.Caption = insertBeforeLast(p.Caption, fmt.Sprintf("Nesta semana, %s sai por %s.", r.productName(), inventedPrice(r)))
		case FaultWrongPhone:
			p.Caption = replaceLast(p.Caption, "Chama no WhatsApp "+wrongPhone(r)+".")
		case FaultGeneric:
			p.Hook = "Hoje o dia começou cedo por aqui."
			p.Caption = p.Hook + "\n\nA gente preparou tudo com calma, conferiu etapa por etapa e separou os pedidos um a um. É um trabalho que dá gosto de ver pronto e que a gente faz pensando em quem recebe.\n\nPedidos pelo WhatsApp."
		case FaultStockPhrases:
			p.Hook = r.name + ": cada detalhe pensado pra você."
			p.Caption = p.Hook + "\n\nA gente escolhe cada ingrediente com cuidado e faz tudo com qualidade e excelência, feito com muito amor em " + r.place() + ". Venha conferir!\n\nPedidos pelo WhatsApp."
		case FaultRepeatedHook:
			hook := "Olha o que saiu hoje por aqui!"
			if len(r.previousHooks) > 0 {
				hook = r.previousHooks[0]
			}
			p.Caption = hook + strings.TrimPrefix(p.Caption, p.Hook)
			p.Hook = hook
		case FaultNoOffer:
			if p.Role == content.RoleOffer {
				p.Caption = join(p.Hook, "Passa aqui em "+r.place()+" e conversa com a gente sobre o "+r.productName()+".", r.contact())
			}
		case FaultEuropean:
			p.Caption = insertBeforeLast(p.Caption, "Estamos a preparar tudo com a nossa equipa; ligue para o nosso telemóvel.")
		}
	}
	return posts
}

// inventedPrice is a round price in reais that no listed price, nor any
// number of the brief, is.
func inventedPrice(r request) string {
	taken := text.Fold(r.brief + " " + r.notes + " " + strings.Join(r.facts, " "))
	for _, p := range r.products {
		taken += " " + p.price
	}
	for v := 37; ; v += 10 {
		s := fmt.Sprintf("%d,90", v)
		if !strings.Contains(taken, s) {
			return "R$ " + s
		}
	}
}

// wrongPhone is a valid-looking number that is not the business's.
func wrongPhone(r request) string {
	if strings.HasSuffix(r.phone, "912345678") {
		return "(11) 98765-0000"
	}
	return "(11) 91234-5678"
}

// insertBeforeLast puts a paragraph before the closing call to action.
func insertBeforeLast(caption, paragraph string) string {
	i := strings.LastIndex(caption, "\n\n")
	if i < 0 {
		return caption + "\n\n" + paragraph
	}
	return caption[:i] + "\n\n" + paragraph + caption[i:]
}

// replaceLast replaces the closing paragraph.
func replaceLast(caption, paragraph string) string {
	i := strings.LastIndex(caption, "\n\n")
	if i < 0 {
		return caption + "\n\n" + paragraph
	}
	return caption[:i] + "\n\n" + paragraph
}
