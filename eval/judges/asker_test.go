package judges

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/content"
)

func TestParseOpinion(t *testing.T) {
	tests := []struct {
		body string
		want Opinion
		ok   bool
	}{
		{`{"reasoning": " Soa como o dono. ", "pass": true}`, Opinion{Reasoning: "Soa como o dono.", Pass: true}, true},
		{`{"reasoning": "Genérico.", "pass": false}`, Opinion{Reasoning: "Genérico.", Pass: false}, true},
		{`{"reasoning": "Sem veredito."}`, Opinion{}, false},
		{`{"pass": true}`, Opinion{}, false},
		{`{"reasoning": "  ", "pass": true}`, Opinion{}, false},
		{`não é JSON`, Opinion{}, false},
	}
	for _, tt := range tests {
		got, err := parseOpinion("JudgeHook", []byte(tt.body))
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("parseOpinion(%s) = %+v, %v", tt.body, got, err)
		}
		if err != nil && !errors.Is(err, content.ErrInvalidOutput) {
			t.Errorf("parseOpinion(%s): error %v is not ErrInvalidOutput", tt.body, err)
		}
	}
}

func TestClassifyRuntimeErrors(t *testing.T) {
	secret := "sk-live-123"
	tests := []struct {
		status   int
		body     string
		sentinel error
		must     string
		mustNot  string
	}{
		{500, `{"error":"validation_failure","message":"Prompt: Você é gerente... raw output: oops"}`, content.ErrInvalidOutput, "JudgeVerdict", "gerente"},
		{502, `{"error":"client_error","message":"401 invalid key sk-live-123\nStack backtrace: ..."}`, content.ErrProvider, "[redacted]", "sk-live-123"},
		{502, `{"error":"client_error","message":"line one\nStack backtrace: secret stuff"}`, content.ErrProvider, "line one", "backtrace"},
		{403, `{"error":"forbidden"}`, content.ErrRuntimeUnavailable, "password", ""},
		{503, `upstream down`, content.ErrRuntimeUnavailable, "503", ""},
		{500, `{"error":"internal_error","message":"` + strings.Repeat("é", 301) + `"}`, content.ErrProvider, "…", ""},
	}
	for _, tt := range tests {
		err := classify("JudgeHook", tt.status, []byte(tt.body), []string{"", secret})
		if !errors.Is(err, tt.sentinel) {
			t.Errorf("%d %s: %v is not %v", tt.status, tt.body, err, tt.sentinel)
		}
		if !strings.Contains(err.Error(), tt.must) || (tt.mustNot != "" && strings.Contains(err.Error(), tt.mustNot)) {
			t.Errorf("%d: error %q (must have %q, not %q)", tt.status, err, tt.must, tt.mustNot)
		}
		if !strings.Contains(err.Error(), "JudgeHook") {
			t.Errorf("error does not name the function: %v", err)
		}
	}
}

func TestPhotoMatchNeedsPhotos(t *testing.T) {
	if got := CriteriaFor(0); len(got) != len(PostCriteria) {
		t.Errorf("CriteriaFor(0) = %v", got)
	}
	if got := CriteriaFor(2); len(got) != len(PostCriteria)+1 || got[len(got)-1] != PhotoMatch || len(PostCriteria) != 4 {
		t.Errorf("CriteriaFor(2) = %v (PostCriteria %v)", got, PostCriteria)
	}
	// Refused before any call: nothing listens on port 1.
	a := &BAMLAsker{BaseURL: func() string { return "http://127.0.0.1:1" }}
	_, err := a.Ask(context.Background(), Judge{Client: "JudgeA"}, PhotoMatch, Subject{Business: "b", Posts: []string{"p"}})
	if err == nil || !strings.Contains(err.Error(), "0 photos") {
		t.Errorf("photo_match without photos: %v", err)
	}
}

func TestRenderPhotoPost(t *testing.T) {
	p := content.Post{Hook: "h", Caption: "c", Hashtags: []string{"#a"}, ProductionNote: "recorte em 4:5"}
	if RenderPhotoPost(p, 0) != RenderPost(p) {
		t.Error("without photos the post renders as RenderPost")
	}
	if got := RenderPhotoPost(p, 2); !strings.HasPrefix(got, "Fotos: 2 foto(s) do dono") || !strings.HasSuffix(got, RenderPost(p)) {
		t.Errorf("RenderPhotoPost = %q", got)
	}
}
