package content

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/rekan/rekan/eval/text"
)

// Defaults match .env.example.
const (
	DefaultBaseURL     = "https://openrouter.ai/api/v1"
	DefaultWriterModel = "openai/gpt-4o-mini"
	DefaultJudgeModels = "openai/gpt-4o-mini,google/gemini-2.0-flash-001"
)

// Provider is the LLM configuration: an OpenAI-compatible endpoint, the
// writer model, an optional second provider the writer falls back to, and
// the judge panel of the eval pipeline.
type Provider struct {
	BaseURL     string
	APIKey      string
	WriterModel string

	// Fallback*: any of them set enables the fallback; an empty one inherits
	// the primary's value (so a fallback can be just another model), except
	// the key, which only goes to the primary's own origin (see Validate).
	FallbackBaseURL string
	FallbackAPIKey  string
	FallbackModel   string

	JudgeModels []string
}

// ProviderFromEnv reads the REKAN_LLM_*, REKAN_WRITER_* and
// REKAN_JUDGE_MODELS variables (see .env.example); getenv is os.Getenv in
// production.
func ProviderFromEnv(getenv func(string) string) Provider {
	value := func(name, fallback string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return fallback
	}
	return Provider{
		BaseURL:         value("REKAN_LLM_BASE_URL", DefaultBaseURL),
		APIKey:          strings.TrimSpace(getenv("REKAN_LLM_API_KEY")),
		WriterModel:     value("REKAN_WRITER_MODEL", DefaultWriterModel),
		FallbackBaseURL: value("REKAN_LLM_FALLBACK_BASE_URL", ""),
		FallbackAPIKey:  value("REKAN_LLM_FALLBACK_API_KEY", ""),
		FallbackModel:   value("REKAN_WRITER_FALLBACK_MODEL", ""),
		JudgeModels:     text.SplitList(value("REKAN_JUDGE_MODELS", DefaultJudgeModels)),
	}
}

// Configured reports whether posts can be generated at all.
func (p Provider) Configured() bool {
	return p.APIKey != "" && p.BaseURL != ""
}

// HasFallback reports whether a second provider or model is configured.
func (p Provider) HasFallback() bool {
	return p.FallbackBaseURL != "" || p.FallbackAPIKey != "" || p.FallbackModel != ""
}

// RuntimeEnv is the provider part of the BAML runtime's environment: the
// variables clients.baml reads. The fallback variables are always set
// (inheriting the primary's values) so the fallback client resolves even
// when no fallback is configured; HTTPWriter then bypasses it.
// REKAN_JUDGE_A_MODEL and REKAN_JUDGE_B_MODEL are derived from JudgeModels.
func (p Provider) RuntimeEnv() []string {
	fallbackBaseURL, fallbackKey, fallbackModel := p.fallback()
	judgeA, judgeB := p.judges()
	return []string{
		"REKAN_LLM_BASE_URL=" + p.BaseURL,
		"REKAN_LLM_API_KEY=" + p.APIKey,
		"REKAN_WRITER_MODEL=" + p.WriterModel,
		"REKAN_LLM_FALLBACK_BASE_URL=" + fallbackBaseURL,
		"REKAN_LLM_FALLBACK_API_KEY=" + fallbackKey,
		"REKAN_WRITER_FALLBACK_MODEL=" + fallbackModel,
		"REKAN_JUDGE_MODELS=" + strings.Join(p.JudgeModels, ","),
		"REKAN_JUDGE_A_MODEL=" + judgeA,
		"REKAN_JUDGE_B_MODEL=" + judgeB,
	}
}

// Validate refuses a configuration that would send the primary key to
// another host: a fallback base URL on a different origin (scheme, host,
// port) without a key of its own.
func (p Provider) Validate() error {
	if p.FallbackBaseURL == "" || p.FallbackAPIKey != "" || p.APIKey == "" || sameOrigin(p.BaseURL, p.FallbackBaseURL) {
		return nil
	}
	return fmt.Errorf("REKAN_LLM_FALLBACK_BASE_URL (%s) is not on the origin of REKAN_LLM_BASE_URL (%s) and REKAN_LLM_FALLBACK_API_KEY is empty: "+
		"the primary key is never sent to another host; set REKAN_LLM_FALLBACK_API_KEY or point the fallback at the primary's origin",
		origin(p.FallbackBaseURL), origin(p.BaseURL))
}

func (p Provider) fallback() (baseURL, apiKey, model string) {
	baseURL, apiKey, model = p.FallbackBaseURL, p.FallbackAPIKey, p.FallbackModel
	if baseURL == "" {
		baseURL = p.BaseURL
	}
	// Validate refuses the other case; never leak the key even without it.
	if apiKey == "" && sameOrigin(p.BaseURL, baseURL) {
		apiKey = p.APIKey
	}
	if model == "" {
		model = p.WriterModel
	}
	return baseURL, apiKey, model
}

// JudgePair names the two models of the judge panel (clients JudgeA and
// JudgeB): a single configured model judges twice. No model, or more models
// than the panel has seats, is an error rather than a silent choice.
func (p Provider) JudgePair() (a, b string, err error) {
	switch len(p.JudgeModels) {
	case 0:
		return "", "", errors.New("no judge models: set REKAN_JUDGE_MODELS to two comma-separated models")
	case 1:
		return p.JudgeModels[0], p.JudgeModels[0], nil
	case 2:
		return p.JudgeModels[0], p.JudgeModels[1], nil
	}
	return "", "", fmt.Errorf("the judge panel has 2 seats, REKAN_JUDGE_MODELS lists %d models (%s)", len(p.JudgeModels), strings.Join(p.JudgeModels, ","))
}

// judges fills the judge clients' variables even when the panel is
// misconfigured, because the runtime resolves every client's variables; the
// eval CLI reports JudgePair's error before any judge is called.
func (p Provider) judges() (a, b string) {
	if a, b, err := p.JudgePair(); err == nil {
		return a, b
	}
	return p.WriterModel, p.WriterModel
}

// Secrets are the values no error message or log line may contain.
func (p Provider) Secrets() []string {
	var out []string
	for _, s := range []string{p.APIKey, p.FallbackAPIKey} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// sameOrigin compares scheme, host and port (default ports made explicit,
// host case-insensitive). Unparsable URLs are never the same origin.
func sameOrigin(a, b string) bool {
	oa, ob := origin(a), origin(b)
	return oa != "" && oa == ob
}

// origin is scheme://host:port of a URL, "" when it has none. Only the
// origin ever appears in messages: a URL may carry credentials.
func origin(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" || u.Hostname() == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}
