package fakellm

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestReviseReply(t *testing.T) {
	prompt := `Perfil do negócio:
  Negócio: Barbearia do Zé

    Post atual (papel "oferta"):
    Legenda:
    Corte na régua, do jeito que você gosta. Só R$ 35 nesta terça. Chama no WhatsApp.
    Hashtags: #barbearia #recife #corte
    Nota de produção: Foto da cadeira.

    Pedido de ajuste do cliente:
    tira o preço

    Responda só com JSON neste formato:`
	reply, ok := reviseReply(prompt)
	if !ok {
		t.Fatal("not recognised as ReviseFromNote")
	}
	var post struct {
		Role, Caption, ProductionNote string
		Hashtags                      []string
	}
	if err := json.Unmarshal([]byte(reply), &post); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(post.Caption, "R$") || !strings.HasPrefix(post.Caption, "Corte na régua") || !strings.Contains(post.Caption, "Chama no WhatsApp.") {
		t.Errorf("caption: %q", post.Caption)
	}
	if post.Role != "oferta" || len(post.Hashtags) != 3 {
		t.Errorf("post: %+v", post)
	}
	if _, ok := reviseReply(`Post 1: papel "produto"`); ok {
		t.Error("a WritePosts prompt taken for a revision")
	}
}
