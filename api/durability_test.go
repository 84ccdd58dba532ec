package main

import (
	"testing"
	"time"

	"github.com/rekan/rekan/eval/stack"
	"github.com/rekan/rekan/eval/stack/durability"
)

// TestAcknowledgedWritesSurviveBackupAdminCommandAndKill is issue 11's
// reproduction: writers on the real binary, a backup through the API and the
// admin command against the live data directory while they write, SIGKILL,
// restart. Every write the clients got a 2xx for must be there.
func TestAcknowledgedWritesSurviveBackupAdminCommandAndKill(t *testing.T) {
	res, err := durability.Run(durability.Config{
		Binary:        binary,
		DataDir:       t.TempDir(),
		Writers:       4,
		Before:        700 * time.Millisecond,
		After:         2000 * time.Millisecond,
		Backup:        true,
		AdminCommands: 6,
		Env:           stack.Env(stack.NoRuntime),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("acknowledged %d creates and %d updates (%d after the admin command, backup %v); admin command exit %d: %s",
		res.Creates, res.Updates, res.AckedAfterAdmin, res.BackupTime, res.AdminExit, res.AdminOutput)
	if res.AdminExit != 0 {
		t.Errorf("admin command: exit %d: %s", res.AdminExit, res.AdminOutput)
	}
	if res.Creates == 0 || res.Updates == 0 {
		t.Fatalf("the writers wrote nothing: %+v", res)
	}
	// A server that stops taking writes after the admin command would pass
	// the loss check by writing nothing.
	if res.AckedAfterAdmin == 0 {
		t.Errorf("no write was acknowledged after the admin command")
	}
	// Today's main sometimes dies outright after the admin command.
	if res.ProbeErr != nil {
		t.Errorf("a write after the admin command failed: %v", res.ProbeErr)
	}
	if res.Lost() != 0 {
		t.Errorf("lost %d of %d acknowledged writes (%d creates, %d updates)", res.Lost(), res.Acked(), res.LostCreates, res.LostUpdates)
	}
}
