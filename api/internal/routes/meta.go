package routes

import (
	"context"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rekan/rekan/api/internal/clock"
)

// ConfigResponse is GET /api/rekan/config; the web app's RuntimeConfig is
// generated from it (api/cmd/webfacts).
type ConfigResponse struct {
	AppName       string `json:"app_name"`
	LLMConfigured bool   `json:"llm_configured"`
	ContactPhone  string `json:"contact_phone"`
	Version       string `json:"version"`
	// TimeZone and Today let the browser compute dates in the instance's
	// zone, and show the server's "today" (which a test can set).
	TimeZone string `json:"timezone"`
	Today    string `json:"today"`
}

// config answers the per-instance values the static web build must not bake.
func (h *handler) config(e *core.RequestEvent) error {
	return e.JSON(http.StatusOK, ConfigResponse{
		AppName:       e.App.Settings().Meta.AppName,
		LLMConfigured: h.deps.Content.LLMConfigured(),
		ContactPhone:  h.deps.ContactPhone,
		Version:       h.deps.Version,
		TimeZone:      clock.Zone().String(),
		Today:         clock.Today(),
	})
}

// HealthResponse is GET /api/rekan/health; its TypeScript twin is generated
// (api/cmd/webfacts).
type HealthResponse struct {
	Status        string `json:"status"`
	Database      string `json:"database"`
	BAMLRuntime   string `json:"baml_runtime"`
	LLMConfigured bool   `json:"llm_configured"`
	Reason        string `json:"reason,omitempty"`
}

const healthProbeTimeout = 2 * time.Second

// health is degraded when the database or the BAML runtime does not answer.
// A missing LLM key is reported but is not a fault of this instance: the
// server works, generation just says so. The endpoint is public, so the
// reason names the failing part only; the error itself (paths, addresses)
// goes to the log.
func (h *handler) health(e *core.RequestEvent) error {
	ctx, cancel := context.WithTimeout(e.Request.Context(), healthProbeTimeout)
	defer cancel()

	res := HealthResponse{Status: "ok", Database: "ok", BAMLRuntime: "ok", LLMConfigured: h.deps.Content.LLMConfigured()}
	var reasons []string
	if _, err := e.App.DB().NewQuery("SELECT 1").WithContext(ctx).Execute(); err != nil {
		res.Database = "error"
		reasons = append(reasons, "database not answering")
		e.App.Logger().Warn("health: database", "error", err)
	}
	if err := h.deps.Content.Ping(ctx); err != nil {
		res.BAMLRuntime = "error"
		reasons = append(reasons, "baml runtime not answering")
		e.App.Logger().Warn("health: baml runtime", "error", err)
	}
	if len(reasons) == 0 {
		return e.JSON(http.StatusOK, res)
	}
	res.Status = "degraded"
	for i, reason := range reasons {
		if i > 0 {
			res.Reason += "; "
		}
		res.Reason += reason
	}
	return e.JSON(http.StatusServiceUnavailable, res)
}
