package post

import (
	"regexp"
	"slices"
	"strings"

	"github.com/rekan/rekan/eval/content"
)

// TypeReason says why automático picks a type, in Portuguese: the operator
// reads it before generating.
type TypeReason struct {
	Type   content.Role `json:"type"`
	Reason string       `json:"reason"`
}

// Suggestion is what automático picks for a brief.
type Suggestion struct {
	// Types, one per post.
	Types []content.Role `json:"types"`
	// Fitting are the types the brief fits, in the rules' order; the
	// rotation stays among them.
	Fitting []content.Role `json:"fitting"`
	Reasons []TypeReason   `json:"reasons"`
}

// typeRules are automático's rules, in priority order: a type fits when its
// pattern is found in the brief (lower case). The first two are always
// among the picks when they fit.
var typeRules = []struct {
	role    content.Role
	pattern *regexp.Regexp
	reason  string
}{
	{content.RoleOffer, regexp.MustCompile(`r\$\s*\d|\d+\s*(%|reais)|desconto|promo|grátis|só (hoje|amanhã|nest[ae]|até|est[ae])|até (o dia|amanhã|hoje|domingo|segunda|terça|quarta|quinta|sexta|sábado|\d)|nest[ae] (segunda|terça|quarta|quinta|sexta|sábado|domingo|semana)|últimos dias|por tempo limitado|\b\d{1,2}/\d{1,2}\b`),
		"O pedido fala de preço ou prazo: uma oferta, com motivo para agir agora."},
	{content.RoleProduct, nil, "O pedido é sobre um produto (tem foto ou cita um item do cardápio): um post do produto."},
	{content.RoleTip, regexp.MustCompile(`\bdica|como (fazer|cuidar|escolher|usar|guardar|conservar)|cuidados|passo a passo|aprenda|sabia que`),
		"O pedido pede um conselho: uma dica do ofício."},
	{content.RoleBackstage, regexp.MustCompile(`bastidor|preparando|produção|feito à mão|processo|por trás|na cozinha|no ateliê`),
		"O pedido mostra o trabalho por trás: bastidores."},
	{content.RoleStory, regexp.MustCompile(`história|anos de|começou|cliente (que|contou)|lembr|homenag`),
		"O pedido conta um momento ou uma pessoa: uma história."},
	{content.RoleCommunity, regexp.MustCompile(`bairro|feira|evento|comunidade|vizinh|doação|parceria|quermesse|festa junina`),
		"O pedido fala do bairro ou de um evento: comunidade."},
}

// SuggestTypes is automático: the types that fit brief (a price or a
// deadline makes an oferta fit, photos or a named offering a produto, and
// so on; nothing specific makes every type fit), and n of them rotating
// after the business's recent types, so openings still vary. A fitting
// oferta or produto is always among the picks.
func SuggestTypes(brief string, photos int, offerings []string, recent []content.Role, n int) Suggestion {
	lower := strings.ToLower(brief)
	var s Suggestion
	var first []content.Role // fitting oferta, produto: always picked
	for _, rule := range typeRules {
		fits := false
		if rule.pattern != nil {
			fits = rule.pattern.MatchString(lower)
		} else {
			fits = photos > 0 || slices.ContainsFunc(offerings, func(o string) bool {
				o = strings.ToLower(strings.TrimSpace(o))
				return o != "" && strings.Contains(lower, o)
			})
		}
		if fits {
			if rule.role == content.RoleOffer || rule.role == content.RoleProduct {
				first = append(first, rule.role)
			}
			s.Fitting = append(s.Fitting, rule.role)
			s.Reasons = append(s.Reasons, TypeReason{rule.role, rule.reason})
		}
	}
	if len(s.Fitting) == 0 {
		s.Fitting = slices.Clone(content.Roles)
		s.Reasons = []TypeReason{{"", "Nada no pedido pede um tipo: todos servem, em rodízio."}}
	}
	if n <= 0 {
		return s
	}
	// Rotate among the fitting types, starting after the latest recent one.
	start := 0
	for _, r := range recent {
		if i := slices.Index(s.Fitting, r); i >= 0 {
			start = i + 1
			break
		}
	}
	rotation := slices.Clone(first)
	for i := range s.Fitting {
		if r := s.Fitting[(start+i)%len(s.Fitting)]; !slices.Contains(first, r) {
			rotation = append(rotation, r)
		}
	}
	for i := range n {
		s.Types = append(s.Types, rotation[i%len(rotation)])
	}
	return s
}
