package judges

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rekan/rekan/eval/content"
)

// Clients are the BAML clients of the panel (eval/baml_src/clients.baml),
// in the order of the models in REKAN_JUDGE_MODELS.
var Clients = []string{"JudgeA", "JudgeB"}

// PanelOf seats the provider's judge models (content.Provider.JudgePair) on
// the panel's clients, in the order RuntimeEnv hands them to the runtime.
func PanelOf(p content.Provider) ([]Judge, error) {
	a, b, err := p.JudgePair()
	if err != nil {
		return nil, err
	}
	return []Judge{{Client: Clients[0], Model: a}, {Client: Clients[1], Model: b}}, nil
}

// RenderBusiness writes the profile the way an account manager's briefing
// sheet would read, which is what the judges compare posts against.
func RenderBusiness(b content.Business) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Nome: %s (%s)\n", b.Name, b.Segment)
	place := b.City + " - " + b.State
	if b.Neighbourhood != "" {
		place = b.Neighbourhood + ", " + place
	}
	fmt.Fprintf(&sb, "Local: %s\n", place)
	if b.Audience != "" {
		fmt.Fprintf(&sb, "Público: %s\n", b.Audience)
	}
	if b.Voice != "" {
		fmt.Fprintf(&sb, "Voz do dono: %s\n", b.Voice)
	}
	if len(b.Services) > 0 {
		sb.WriteString("Serviços:\n")
		for _, s := range b.Services {
			if s.PriceBRL != nil {
				fmt.Fprintf(&sb, "- %s (R$ %s)\n", s.Name, formatBRL(*s.PriceBRL))
			} else {
				fmt.Fprintf(&sb, "- %s\n", s.Name)
			}
		}
	}
	if len(b.Facts) > 0 {
		sb.WriteString("Fatos:\n")
		for _, f := range b.Facts {
			fmt.Fprintf(&sb, "- %s\n", f)
		}
	}
	if b.Notes != "" {
		fmt.Fprintf(&sb, "Observações: %s\n", b.Notes)
	}
	return strings.TrimRight(sb.String(), "\n")
}

// RenderPost shows a post as the operator sees it before publishing. The
// labels are Portuguese and never the JSON field names, so the prompt reads
// naturally (and fakellm tells judge prompts from writer prompts).
func RenderPost(p content.Post) string {
	var sb strings.Builder
	if p.Role != "" {
		fmt.Fprintf(&sb, "Papel: %s\n", p.Role)
	}
	fmt.Fprintf(&sb, "Gancho: %s\n", p.Hook)
	fmt.Fprintf(&sb, "Legenda:\n%s\n", p.Caption)
	fmt.Fprintf(&sb, "Hashtags: %s\n", strings.Join(p.Hashtags, " "))
	fmt.Fprintf(&sb, "Nota de produção: %s", p.ProductionNote)
	return sb.String()
}

// RenderPhotoPost is RenderPost for a post written from photos: it says
// so first, since the production note then fixes the photos sent instead
// of planning a shoot (JudgeActionability reads it that way).
func RenderPhotoPost(p content.Post, photos int) string {
	if photos == 0 {
		return RenderPost(p)
	}
	return fmt.Sprintf("Fotos: %d foto(s) do dono enviadas com o pedido\n", photos) + RenderPost(p)
}

func formatBRL(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimSuffix(s, ".00")
	return strings.Replace(s, ".", ",", 1)
}
