// Package stack starts Rekan's real stack the one way every test,
// benchmark and check does: the fake LLM (in process, or bin/fakellm
// through its -port-file), `api serve` with its BAML runtime child on a
// free loopback port, and optionally Caddy before it with the module's
// site block. It returns what a caller needs: the base URL, the fake's URL
// and controls, the accounts it created, a JSON call and a stop that takes
// the whole process tree down.
//
// It is a tool package: the server (bin/api) never imports it. api's
// tests, the bench modules and eval/cmd/stack (which prints the same as
// JSON for the Playwright setup and the shell checks) do.
package stack
