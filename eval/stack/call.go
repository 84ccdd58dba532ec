package stack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Call sends body as JSON to url, with token as PocketBase's Authorization
// header when set, and returns the status, the headers and the trimmed
// body. A nil client is http.DefaultClient.
func Call(ctx context.Context, client *http.Client, method, url, token, body string) (int, http.Header, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return 0, nil, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, strings.TrimSpace(string(raw)), err
}

// Client calls a server's HTTP API as one account.
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client
}

// Do sends body (marshalled to JSON when not nil) and decodes a 2xx JSON
// answer into out (when not nil). Any other status is an error too.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) (int, error) {
	raw := ""
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		raw = string(b)
	}
	status, _, answer, err := Call(ctx, c.HTTP, method, c.Base+path, c.Token, raw)
	if err != nil {
		return status, err
	}
	if status/100 != 2 {
		return status, fmt.Errorf("%s %s: %d %s", method, path, status, answer)
	}
	if out != nil && answer != "" {
		if err := json.Unmarshal([]byte(answer), out); err != nil {
			return status, fmt.Errorf("decode %s %s: %w", method, path, err)
		}
	}
	return status, nil
}

// Login authenticates an account of collection ("users", "_superusers")
// and returns a client for it and the account's record id.
func Login(ctx context.Context, base, collection, email, password string) (*Client, string, error) {
	var auth struct {
		Token  string `json:"token"`
		Record struct {
			ID string `json:"id"`
		} `json:"record"`
	}
	c := &Client{Base: base}
	if _, err := c.Do(ctx, "POST", "/api/collections/"+collection+"/auth-with-password",
		map[string]string{"identity": email, "password": password}, &auth); err != nil {
		return nil, "", fmt.Errorf("login %s: %w", email, err)
	}
	c.Token = auth.Token
	return c, auth.Record.ID, nil
}
