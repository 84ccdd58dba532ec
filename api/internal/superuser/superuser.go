// Package superuser is Rekan's `api superuser` command. It replaces
// PocketBase's own (which prints through a global colour writer and so
// cannot answer through the server's admin socket) with the same verbs,
// writing to the command's own output.
package superuser

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// NewCommand returns `superuser` with upsert, create, update and delete.
func NewCommand(app core.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "superuser",
		Short: "Manage superusers (the PocketBase admin UI accounts)",
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:     "upsert <email> <password>",
			Short:   "Create a superuser, or set the password of an existing one",
			Example: "  api superuser upsert admin@example.com 'a-long-password'",
			RunE: withEmail(2, func(cmd *cobra.Command, email string, args []string) error {
				record, err := find(app, email)
				if err != nil {
					if record, err = newRecord(app); err != nil {
						return err
					}
					record.SetEmail(email)
				}
				return save(cmd, app, record, args[1], "saved")
			}),
		},
		&cobra.Command{
			Use:   "create <email> <password>",
			Short: "Create a superuser",
			RunE: withEmail(2, func(cmd *cobra.Command, email string, args []string) error {
				if _, err := find(app, email); err == nil {
					return fmt.Errorf("superuser %s already exists (use update or upsert)", email)
				}
				record, err := newRecord(app)
				if err != nil {
					return err
				}
				record.SetEmail(email)
				return save(cmd, app, record, args[1], "created")
			}),
		},
		&cobra.Command{
			Use:   "update <email> <password>",
			Short: "Set a superuser's password",
			RunE: withEmail(2, func(cmd *cobra.Command, email string, args []string) error {
				record, err := find(app, email)
				if err != nil {
					return err
				}
				return save(cmd, app, record, args[1], "updated")
			}),
		},
		&cobra.Command{
			Use:   "delete <email>",
			Short: "Delete a superuser",
			RunE: withEmail(1, func(cmd *cobra.Command, email string, _ []string) error {
				record, err := find(app, email)
				if err != nil {
					return err
				}
				if err := app.Delete(record); err != nil {
					return fmt.Errorf("delete superuser: %w", err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "superuser %s deleted\n", email)
				return nil
			}),
		},
	)
	return cmd
}

// withEmail checks the argument count and normalises the email.
func withEmail(nargs int, fn func(cmd *cobra.Command, email string, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != nargs {
			return fmt.Errorf("expected %d argument(s), got %d; usage: %s", nargs, len(args), cmd.UseLine())
		}
		email := strings.ToLower(strings.TrimSpace(args[0]))
		if email == "" || is.EmailFormat.Validate(email) != nil {
			return fmt.Errorf("invalid email %q", args[0])
		}
		return fn(cmd, email, args)
	}
}

func find(app core.App, email string) (*core.Record, error) {
	record, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, email)
	if err != nil {
		return nil, fmt.Errorf("no superuser with email %s", email)
	}
	return record, nil
}

func newRecord(app core.App) (*core.Record, error) {
	collection, err := app.FindCachedCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return nil, fmt.Errorf("find the superusers collection: %w", err)
	}
	return core.NewRecord(collection), nil
}

func save(cmd *cobra.Command, app core.App, record *core.Record, password, verb string) error {
	if password == "" {
		return errors.New("the password must not be empty")
	}
	record.SetPassword(password)
	if err := app.Save(record); err != nil {
		return fmt.Errorf("save superuser: %w", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "superuser %s %s\n", record.Email(), verb)
	return nil
}
