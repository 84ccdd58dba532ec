// Command nixfacts writes nix/facts.gen.json: the server's defaults the
// NixOS module (nix/module.nix) restates as option defaults (app name, LLM
// base URL, port, admin allow-list, drain bound), taken from the Go
// constants that define them. `make generate` runs it; `make
// check-generated` fails when the committed file differs.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rekan/rekan/api/internal/drain"
	"github.com/rekan/rekan/api/internal/settings"
	"github.com/rekan/rekan/eval/content"
)

// facts is the JSON document; its keys are the module's names.
type facts struct {
	Generated          string   `json:"_generated"`
	AppName            string   `json:"appName"`
	LLMBaseURL         string   `json:"llmBaseURL"`
	Port               int      `json:"port"`
	AdminAllowedIPs    []string `json:"adminAllowedIPs"`
	DrainTimeoutSec    int      `json:"drainTimeoutSec"`
	GenerationTimeoutS int      `json:"generationTimeoutSec"`
}

func main() {
	if err := write(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "nixfacts:", err)
		os.Exit(1)
	}
}

func write(w io.Writer) error {
	out, err := json.MarshalIndent(facts{
		Generated:          "by `make generate` (api/cmd/nixfacts) from the server's Go constants; do not edit",
		AppName:            settings.DefaultAppName,
		LLMBaseURL:         content.DefaultBaseURL,
		Port:               settings.DefaultPort,
		AdminAllowedIPs:    settings.DefaultAdminAllowedIPs,
		DrainTimeoutSec:    int(drain.DefaultTimeout / time.Second),
		GenerationTimeoutS: int(content.GenerationTimeout / time.Second),
	}, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", out)
	return err
}
