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
	// Types, one per post, all different (a request asks one post per type).
	Types []content.Role `json:"types"`
	// Order is every type, most fitting first: the posts left on automático
	// next to types the operator chose get the first ones not chosen.
	Order []content.Role `json:"order"`
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
	// Rotate among the fitting types, starting after the latest recent one;
	// a fitting oferta or produto first, since it is what the brief is about.
	s.Order = slices.Clone(first)
	s.Order = appendRotation(s.Order, s.Fitting, recent)
	// Posts beyond the fitting types follow the usual rotation: a request
	// never asks for one type twice.
	others := slices.DeleteFunc(slices.Clone(content.Roles), func(r content.Role) bool { return slices.Contains(s.Fitting, r) })
	if len(s.Fitting) < n && len(others) > 0 {
		s.Reasons = append(s.Reasons, TypeReason{"", "Os outros posts seguem o rodízio de tipos, sem repetir."})
	}
	s.Order = appendRotation(s.Order, others, recent)
	s.Types = slices.Clone(s.Order[:min(max(n, 0), len(s.Order))])
	return s
}

// appendRotation appends the types of pool not yet in out, starting after
// the latest of recent found in pool.
func appendRotation(out, pool, recent []content.Role) []content.Role {
	start := 0
	for _, r := range recent {
		if i := slices.Index(pool, r); i >= 0 {
			start = i + 1
			break
		}
	}
	for i := range pool {
		if r := pool[(start+i)%len(pool)]; !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// FillTypes gives each post its type: the one the operator chose, or, for
// a post left on automático (""), the first of order nobody chose.
func FillTypes(chosen []string, order []content.Role, n int) []content.Role {
	if len(chosen) == 0 {
		return slices.Clone(order[:n])
	}
	free := slices.DeleteFunc(slices.Clone(order), func(r content.Role) bool { return slices.Contains(chosen, string(r)) })
	out := make([]content.Role, 0, len(chosen))
	for _, t := range chosen {
		if t == "" {
			t, free = string(free[0]), free[1:]
		}
		out = append(out, content.Role(t))
	}
	return out
}
