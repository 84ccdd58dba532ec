package content_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/rekan/rekan/eval/content"
)

func TestProviderFromEnvDefaults(t *testing.T) {
	p := content.ProviderFromEnv(func(string) string { return "" })
	if p.BaseURL != content.DefaultBaseURL || p.WriterModel != content.DefaultWriterModel {
		t.Errorf("defaults: %+v", p)
	}
	if !slices.Equal(p.JudgeModels, []string{"openai/gpt-4o-mini", "google/gemini-2.0-flash-001"}) {
		t.Errorf("judges: %q", p.JudgeModels)
	}
	if p.Configured() || p.HasFallback() {
		t.Errorf("empty env: Configured=%v HasFallback=%v", p.Configured(), p.HasFallback())
	}
}

func TestProviderRuntimeEnv(t *testing.T) {
	env := map[string]string{
		"REKAN_LLM_BASE_URL":          "http://127.0.0.1:9/v1",
		"REKAN_LLM_API_KEY":           " k1 ",
		"REKAN_WRITER_MODEL":          "m1",
		"REKAN_WRITER_FALLBACK_MODEL": "m2",
		"REKAN_JUDGE_MODELS":          " ja , jb ,",
	}
	p := content.ProviderFromEnv(func(k string) string { return env[k] })
	if !p.Configured() || !p.HasFallback() {
		t.Fatalf("Configured=%v HasFallback=%v", p.Configured(), p.HasFallback())
	}
	got := strings.Join(p.RuntimeEnv(), "\n")
	for _, want := range []string{
		"REKAN_LLM_API_KEY=k1",
		// A fallback of just another model inherits the primary endpoint.
		"REKAN_LLM_FALLBACK_BASE_URL=http://127.0.0.1:9/v1",
		"REKAN_LLM_FALLBACK_API_KEY=k1",
		"REKAN_WRITER_FALLBACK_MODEL=m2",
		"REKAN_JUDGE_A_MODEL=ja",
		"REKAN_JUDGE_B_MODEL=jb",
	} {
		if !strings.Contains(got, want+"\n") && !strings.HasSuffix(got, want) {
			t.Errorf("RuntimeEnv lacks %q:\n%s", want, got)
		}
	}

	single := content.Provider{APIKey: "k", BaseURL: "u", WriterModel: "w", JudgeModels: []string{"only"}}
	if got := strings.Join(single.RuntimeEnv(), "\n"); !strings.Contains(got, "REKAN_JUDGE_B_MODEL=only") {
		t.Errorf("one judge model should judge twice:\n%s", got)
	}
}
