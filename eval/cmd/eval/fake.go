package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/rekan/rekan/eval/content"
	"github.com/rekan/rekan/eval/fakellm"
	"github.com/rekan/rekan/eval/stack"
)

// fakeMode says when a run talks to fakellm, served in process, instead of
// the configured provider: never (the default), always (--fake) or only
// when no provider is configured (--fake=auto, what `make eval` passes).
type fakeMode int

const (
	fakeNever fakeMode = iota
	fakeAlways
	fakeAuto
)

func (m *fakeMode) String() string {
	switch *m {
	case fakeAlways:
		return "true"
	case fakeAuto:
		return "auto"
	}
	return "false"
}

func (m *fakeMode) Set(s string) error {
	if s == "auto" {
		*m = fakeAuto
		return nil
	}
	on, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true, false or auto")
	}
	*m = fakeNever
	if on {
		*m = fakeAlways
	}
	return nil
}

// IsBoolFlag lets a bare --fake mean --fake=true.
func (m *fakeMode) IsBoolFlag() bool { return true }

// errCalibrateUnconfigured: in auto mode --calibrate refuses the fake
// before starting it; agreement measured against the fake would look like
// a result.
var errCalibrateUnconfigured = errors.New("--calibrate needs a real provider: REKAN_LLM_API_KEY is empty (see .env.example); it never measures the judges against fakellm")

// fakeBanner goes to stderr whenever a run uses the fake, --quiet or not.
const fakeBanner = `================================================================================
eval: %s
      Every answer comes from a FAKE provider; the scores below say nothing
      about prompt quality. %s
================================================================================
`

// withFake starts fakellm in process when o asks for it and returns the
// environment the run then reads (the provider variables pointing at the
// fake, the rest from getenv) and how to stop the fake. Otherwise getenv is
// returned as it is.
func withFake(o options, getenv func(string) string, stderr io.Writer) (func(string) string, func(), bool, error) {
	configured := content.ProviderFromEnv(getenv).Configured()
	if o.fake == fakeNever || (o.fake == fakeAuto && configured) {
		return getenv, func() {}, false, nil
	}
	if o.calibrate { // only in auto mode: parseFlags refuses --fake --calibrate
		return nil, nil, false, errCalibrateUnconfigured
	}
	if o.fake == fakeAuto {
		fmt.Fprintf(stderr, fakeBanner, "no provider configured (REKAN_LLM_API_KEY is empty): using fakellm.",
			"Set REKAN_LLM_API_KEY (see .env.example) to judge\n      prompts for real.")
	} else {
		fmt.Fprintf(stderr, fakeBanner, "--fake: using fakellm instead of any configured provider.",
			"Drop --fake and --fake-fault to judge prompts\n      with the configured provider.")
	}

	fake := fakellm.New()
	fake.SetFault(o.fakeFault)
	served, err := stack.ServeFake(fake)
	if err != nil {
		return nil, nil, false, fmt.Errorf("fakellm: %w", err)
	}
	// No fallback: the fake answers everything.
	fakeEnv := stack.Getenv(append(served.Env(),
		"REKAN_LLM_FALLBACK_BASE_URL=", "REKAN_LLM_FALLBACK_API_KEY=", "REKAN_WRITER_FALLBACK_MODEL="), getenv)
	return fakeEnv, served.Stop, true, nil
}
