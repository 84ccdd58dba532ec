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

func TestProviderKeyStaysWithItsOrigin(t *testing.T) {
	provider := func(vars map[string]string) content.Provider {
		return content.ProviderFromEnv(func(k string) string { return vars[k] })
	}
	primary := map[string]string{"REKAN_LLM_BASE_URL": "https://openrouter.ai/api/v1", "REKAN_LLM_API_KEY": "sk-primary"}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range primary {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	cases := []struct {
		name    string
		vars    map[string]string
		wantErr bool
		wantKey string
	}{
		{"another host without a key", with(map[string]string{"REKAN_LLM_FALLBACK_BASE_URL": "https://api.example.com/v1"}), true, ""},
		{"another port", with(map[string]string{"REKAN_LLM_FALLBACK_BASE_URL": "https://openrouter.ai:8443/api/v1"}), true, ""},
		{"another scheme", with(map[string]string{"REKAN_LLM_FALLBACK_BASE_URL": "http://openrouter.ai/api/v1"}), true, ""},
		{"credentials in the URL are another origin too", with(map[string]string{"REKAN_LLM_FALLBACK_BASE_URL": "https://openrouter.ai@evil.example/v1"}), true, ""},
		{"same origin, other path", with(map[string]string{"REKAN_LLM_FALLBACK_BASE_URL": "https://OpenRouter.ai:443/api/v2"}), false, "sk-primary"},
		{"another host with its own key", with(map[string]string{"REKAN_LLM_FALLBACK_BASE_URL": "https://api.example.com/v1", "REKAN_LLM_FALLBACK_API_KEY": "sk-other"}), false, "sk-other"},
		{"just another model", with(map[string]string{"REKAN_WRITER_FALLBACK_MODEL": "m2"}), false, "sk-primary"},
	}
	for _, c := range cases {
		p := provider(c.vars)
		err := p.Validate()
		if c.wantErr {
			if err == nil || !strings.Contains(err.Error(), "REKAN_LLM_FALLBACK_BASE_URL") || !strings.Contains(err.Error(), "REKAN_LLM_BASE_URL") ||
				!strings.Contains(err.Error(), "REKAN_LLM_FALLBACK_API_KEY") || strings.Contains(err.Error(), "sk-primary") {
				t.Errorf("%s: error %v", c.name, err)
			}
		} else if err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		env := strings.Join(p.RuntimeEnv(), "\n") + "\n"
		if !strings.Contains(env, "REKAN_LLM_FALLBACK_API_KEY="+c.wantKey+"\n") {
			t.Errorf("%s: runtime env gives the fallback the wrong key:\n%s", c.name, env)
		}
	}
}
