package checks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/checks"
	"github.com/rekan/rekan/eval/content"
)

// bakery is a profile with the optional fields: units, delivery areas and
// opening hours, and notes that deny things.
func bakery() checks.Context {
	p := func(v float64) *float64 { return &v }
	return checks.Context{
		Business: content.Business{
			Name: "Pão da Serra", Segment: "padaria", City: "Juiz de Fora", State: "MG", Neighbourhood: "São Mateus",
			Services: []content.Offering{
				{Name: "pão de queijo", PriceBRL: p(80), Unit: "cento"},
				{Name: "bolo de fubá", PriceBRL: p(18), Unit: "unidade"},
			},
			Facts:        []string{"a receita do bolo de fubá é da dona Cida"},
			Notes:        "não faz entrega, só retirada no balcão; não abre aos domingos",
			OpeningHours: "segunda a sábado, 6h às 20h",
		},
		Brief: "saiu fornada nova de pão de queijo e o bolo de fubá da dona Cida voltou",
	}
}

func bakeryPost(caption string) checks.Input {
	return checks.Input{Context: bakery(), Post: content.Post{
		Role: content.RoleProduct, Hook: strings.Split(caption, "\n")[0], Caption: caption,
		Hashtags:       []string{"#padariapaodaserra", "#juizdefora", "#paodequeijo"},
		ProductionNote: "Foto da bandeja de pão de queijo no balcão, luz da manhã.",
	}}
}

const bakeryGood = "Fornada nova de pão de queijo no balcão da Pão da Serra, em São Mateus.\n\nO cento sai por R$ 80 e o bolo de fubá da dona Cida voltou, R$ 18 a unidade. Passa aqui antes das 20h."

func TestClaims(t *testing.T) {
	cases := []struct {
		name, caption string
		want          want
	}{
		{"backed", bakeryGood, pass},
		{"delivery the notes deny", bakeryGood + " Entregamos na sua casa.", warn.with("o perfil diz: \u201cnão faz entrega")},
		{"diet claim is an error", bakeryGood + " Agora sem glúten!", fail.with("saúde ou dieta \u201csem glúten\u201d")},
		{"award is an error", bakeryGood + " Padaria premiada de Juiz de Fora.", fail.with("prêmio")},
		{"link in bio", bakeryGood + " Cardápio no link na bio.", warn.with("link na bio")},
		{"payment terms", bakeryGood + " Dá pra parcelar no cartão.", warn.with("forma de pagamento")},
		{"product of the segment not in the profile", bakeryGood + " E tem coxinha quentinha.", warn.with("produto ou serviço fora do perfil \u201ccoxinha\u201d")},
		{"place not in the profile", bakeryGood + " Entregamos no Centro e no Bom Pastor.", warn.with("lugar \u201cCentro\u201d")},
		{"a negated claim is no claim", bakeryGood + " Não fazemos entrega: é só retirar no balcão.", pass},
	}
	for _, c := range cases {
		assertResult(t, c.name, resultIn(t, bakeryPost(c.caption), checks.IDClaimsBacked), c.want)
	}
}

func TestClaimsNotApplicableWithoutClaims(t *testing.T) {
	r := resultIn(t, bakeryPost("Fornada nova de pão de queijo no balcão da Pão da Serra, em São Mateus, e o bolo de fubá da dona Cida voltou."), checks.IDClaimsBacked)
	if !r.Passed || !r.NotApplicable {
		t.Errorf("a caption without claims: %+v", r)
	}
	if r := resultIn(t, bakeryPost(bakeryGood+" Aqui no São Mateus é só retirar no balcão."), checks.IDClaimsBacked); !r.Passed || r.NotApplicable {
		t.Errorf("a caption naming the profile's neighbourhood applies and passes: %+v", r)
	}
}

func TestConfirmedClaimBacksTheCaption(t *testing.T) {
	in := bakeryPost(bakeryGood + " Entregamos na sua casa.")
	r := resultIn(t, in, checks.IDClaimsBacked)
	if r.Passed || !slices.Contains(r.Claims, "entregamos") {
		t.Fatalf("want the delivery claim listed: %+v", r)
	}
	in.Confirmed = r.Claims
	assertResult(t, "confirmed", resultIn(t, in, checks.IDClaimsBacked), pass)
}

func TestPriceUnits(t *testing.T) {
	cases := []struct {
		name, caption string
		want          want
	}{
		{"same unit", bakeryGood, pass},
		{"a hundred's price per kilo", "Pão de queijo de fornada nova em São Mateus: R$ 80 o quilo.", fail.with("é o preço por cento")},
		{"a cake's price per slice", "O bolo de fubá da dona Cida voltou a São Mateus: R$ 18 a fatia.", fail.with("por unidade")},
		{"no unit written", "Pão de queijo de fornada nova em São Mateus: R$ 80, e o bolo de fubá voltou.", pass},
	}
	for _, c := range cases {
		assertResult(t, c.name, resultIn(t, bakeryPost(c.caption), checks.IDNothingInvented), c.want)
	}
}

func TestNegatedWeekdayIsNotBacked(t *testing.T) {
	r := resultIn(t, bakeryPost(bakeryGood+" Vale até domingo."), checks.IDNothingInvented)
	assertResult(t, "closed on Sundays", r, fail.with("domingo"))
	r = resultIn(t, bakeryPost(bakeryGood+" Vale até sábado."), checks.IDNothingInvented)
	assertResult(t, "open on Saturdays", r, pass)
}

func TestLanguage(t *testing.T) {
	cases := []struct {
		name, caption string
		want          want
	}{
		{"english", "Fresh cheese bread just came out of the oven at Pão da Serra in São Mateus! Come by and grab yours while it is still warm.", fail.with("inglês")},
		{"spanish", "¡Llegó el pan de queso a Pão da Serra, en São Mateus! Es nuestro orgullo y hoy hay bolo de fubá.", fail.with("espanhol")},
		{"loanwords", bakeryGood + " Happy hour de pão de queijo, delivery não.", pass},
	}
	for _, c := range cases {
		assertResult(t, c.name, resultIn(t, bakeryPost(c.caption), checks.IDBrazilianPortuguese), c.want)
	}
}

func TestHashtagsOnTopic(t *testing.T) {
	in := bakeryPost(bakeryGood)
	in.Post.Hashtags = []string{"#love", "#instagood", "#paodaserra"}
	assertResult(t, "spam", resultIn(t, in, checks.IDHashtags), warn.with("#love"))
	in.Post.Hashtags = []string{"#bomdemais", "#cafezinho", "#manha"}
	assertResult(t, "off topic", resultIn(t, in, checks.IDHashtags), warn.with("Nenhuma hashtag fala do negócio"))
}

func TestBusinessName(t *testing.T) {
	cases := []struct {
		name, caption string
		want          want
		na            bool
	}{
		{"spelt right", bakeryGood, pass, false},
		{"misspelt", "Fornada nova na Pão da Sera, em São Mateus: o pão de queijo saiu agora.", fail.with("\u201cSera\u201d"), false},
		{"not named", "Fornada nova de pão de queijo em São Mateus, e o bolo de fubá da dona Cida voltou.", pass, true},
	}
	for _, c := range cases {
		r := resultIn(t, bakeryPost(c.caption), checks.IDBusinessName)
		assertResult(t, c.name, r, c.want)
		if r.NotApplicable != c.na {
			t.Errorf("%s: not applicable %v, want %v", c.name, r.NotApplicable, c.na)
		}
	}
}

func TestAddressesBrief(t *testing.T) {
	assertResult(t, "on the brief", resultIn(t, bakeryPost(bakeryGood), checks.IDAddressesBrief), pass)
	off := bakeryPost("Aqui em São Mateus o francês sai do forno três vezes por dia, e o fermento é alimentado desde 2011.")
	assertResult(t, "off the brief", resultIn(t, off, checks.IDAddressesBrief), warn)
	short := bakeryPost(bakeryGood)
	short.Brief = "essa aqui"
	if r := resultIn(t, short, checks.IDAddressesBrief); !r.Passed || !r.NotApplicable {
		t.Errorf("a short brief (photos) is not applicable: %+v", r)
	}
}

func TestTone(t *testing.T) {
	assertResult(t, "neighbourly", resultIn(t, bakeryPost(bakeryGood), checks.IDTone), pass)
	assertResult(t, "formal notice", resultIn(t, bakeryPost("Prezados clientes, informamos que a Pão da Serra, em São Mateus, tem pão de queijo."), checks.IDTone), warn.with("comunicado formal"))
	assertResult(t, "jab", resultIn(t, bakeryPost(bakeryGood+" Diferente de outras padarias, aqui é tudo fresco."), checks.IDTone), warn.with("concorrência"))
	formal := bakeryPost("Prezados clientes, informamos que a Pão da Serra, em São Mateus, tem pão de queijo.")
	formal.Business.Voice = "formal e respeitosa"
	assertResult(t, "formal voice", resultIn(t, formal, checks.IDTone), pass)
}

func TestNotApplicableIsNotAnError(t *testing.T) {
	rs := checks.Run(bakeryPost(bakeryGood))
	na := 0
	for _, r := range rs {
		if r.NotApplicable {
			na++
			if !r.Passed {
				t.Errorf("%s: not applicable but failed", r.ID)
			}
		}
	}
	// No earlier hooks, no other post: at least those two do not apply.
	if na < 2 {
		t.Errorf("want new_hook and distinct_posts not applicable, got %d", na)
	}
}

func TestPlacesAfterLinkingWords(t *testing.T) {
	in := bakeryPost(bakeryGood + " E agora entregamos também no Centro e no Bom Pastor.")
	assertResult(t, "também no", resultIn(t, in, checks.IDClaimsBacked), warn.with("lugar \u201cCentro\u201d e lugar \u201cBom Pastor\u201d"))
	in = bakeryPost(bakeryGood + " Aqui no São Mateus é R$ 80 o cento.")
	assertResult(t, "é is not a list", resultIn(t, in, checks.IDClaimsBacked), pass)
}
