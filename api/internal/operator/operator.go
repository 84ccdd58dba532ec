// Package operator is the `api operator` command: operators (the users
// collection) are created from the shell, since nobody can sign up.
package operator

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Collection holds the operators.
const Collection = "users"

// MinPasswordLength matches PocketBase's own minimum for auth records.
const MinPasswordLength = 8

// NewCommand returns `operator` with add, list, passwd and remove. Each
// subcommand applies pending migrations first, so it works on a fresh data
// directory before the server ever ran. They return their errors; the admin
// package turns them into exit codes, in the CLI and through the server.
func NewCommand(app core.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "operator",
		Short: "Manage operators (the people who log in to Rekan)",
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:     "add <email> <password|->",
			Short:   "Create an operator (password '-' reads it from stdin)",
			Args:    cobra.ArbitraryArgs,
			Example: "  api operator add you@example.com 'a-long-password'",
			RunE: run(app, 2, func(cmd *cobra.Command, args []string) error {
				password, err := readPassword(args[1], cmd.InOrStdin())
				if err != nil {
					return err
				}
				if err := Add(app, args[0], password); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "operator %s created\n", strings.ToLower(args[0]))
				return nil
			}),
		},
		&cobra.Command{
			Use:   "list",
			Short: "List operators",
			Args:  cobra.ArbitraryArgs,
			RunE: run(app, 0, func(cmd *cobra.Command, _ []string) error {
				emails, err := List(app)
				if err != nil {
					return err
				}
				if len(emails) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "no operators yet; create one with: api operator add <email> <password>")
					return nil
				}
				for _, email := range emails {
					fmt.Fprintln(cmd.OutOrStdout(), email)
				}
				return nil
			}),
		},
		&cobra.Command{
			Use:   "passwd <email> <password|->",
			Short: "Set an operator's password (password '-' reads it from stdin)",
			Args:  cobra.ArbitraryArgs,
			RunE: run(app, 2, func(cmd *cobra.Command, args []string) error {
				password, err := readPassword(args[1], cmd.InOrStdin())
				if err != nil {
					return err
				}
				if err := SetPassword(app, args[0], password); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "password of %s changed\n", strings.ToLower(args[0]))
				return nil
			}),
		},
		&cobra.Command{
			Use:   "remove <email>",
			Short: "Remove an operator and, with them, their businesses and posts",
			Args:  cobra.ArbitraryArgs,
			RunE: run(app, 1, func(cmd *cobra.Command, args []string) error {
				removed, err := Remove(app, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "operator %s removed (with %d businesses)\n", strings.ToLower(args[0]), removed)
				return nil
			}),
		},
	)
	return cmd
}

// run checks the argument count itself (with a usage line cobra's own
// checks would not give) and applies pending migrations before fn.
func run(app core.App, nargs int, fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != nargs {
			return fmt.Errorf("expected %d argument(s), got %d; usage: %s", nargs, len(args), cmd.UseLine())
		}
		if err := app.RunAllMigrations(); err != nil {
			return fmt.Errorf("apply migrations: %w", err)
		}
		return fn(cmd, args)
	}
}

func readPassword(arg string, stdin io.Reader) (string, error) {
	if arg != "-" {
		return arg, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func validate(email, password string) error {
	if err := validation.Validate(email, validation.Required, is.EmailFormat); err != nil {
		return fmt.Errorf("invalid email %q", email)
	}
	if len(password) < MinPasswordLength {
		return fmt.Errorf("password must have at least %d characters", MinPasswordLength)
	}
	if len(password) > 71 {
		return errors.New("password must have at most 71 characters")
	}
	return nil
}

// Add creates an operator with a verified email.
func Add(app core.App, email, password string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if err := validate(email, password); err != nil {
		return err
	}
	if _, err := app.FindAuthRecordByEmail(Collection, email); err == nil {
		return fmt.Errorf("operator %s already exists (use passwd to change the password)", email)
	}
	collection, err := app.FindCollectionByNameOrId(Collection)
	if err != nil {
		return fmt.Errorf("find %s collection: %w", Collection, err)
	}
	record := core.NewRecord(collection)
	record.SetEmail(email)
	record.SetPassword(password)
	record.SetVerified(true)
	if err := app.Save(record); err != nil {
		return fmt.Errorf("save operator: %w", err)
	}
	return nil
}

// List returns the operators' emails, oldest first.
func List(app core.App) ([]string, error) {
	records, err := app.FindAllRecords(Collection)
	if err != nil {
		return nil, fmt.Errorf("list operators: %w", err)
	}
	emails := make([]string, 0, len(records))
	for _, r := range records {
		emails = append(emails, r.Email())
	}
	return emails, nil
}

// SetPassword changes an operator's password (and so logs them out
// everywhere: PocketBase rotates the token key).
func SetPassword(app core.App, email, password string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if err := validate(email, password); err != nil {
		return err
	}
	record, err := app.FindAuthRecordByEmail(Collection, email)
	if err != nil {
		return fmt.Errorf("no operator with email %s", email)
	}
	record.SetPassword(password)
	if err := app.Save(record); err != nil {
		return fmt.Errorf("save operator: %w", err)
	}
	return nil
}

// Remove deletes an operator together with their businesses (and, through
// the cascade, their posts) in one transaction. It returns how many
// businesses went with them.
func Remove(app core.App, email string) (int, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	record, err := app.FindAuthRecordByEmail(Collection, email)
	if err != nil {
		return 0, fmt.Errorf("no operator with email %s", email)
	}
	removed := 0
	err = app.RunInTransaction(func(tx core.App) error {
		businesses, err := tx.FindAllRecords("businesses", dbx.HashExp{"owner": record.Id})
		if err != nil {
			return fmt.Errorf("list businesses: %w", err)
		}
		for _, b := range businesses {
			if err := tx.Delete(b); err != nil {
				return fmt.Errorf("delete business %s: %w", b.Id, err)
			}
			removed++
		}
		if err := tx.Delete(record); err != nil {
			return fmt.Errorf("delete operator: %w", err)
		}
		return nil
	})
	return removed, err
}
