package content

import "time"

// GenerationTimeout bounds one generation (the server's posts:generate and
// its retries): BAML's retry policy fits inside it. The server's drain
// bound is derived from it, so a stopping server never gives up on a
// generation before the generation's own timeout would.
const GenerationTimeout = 90 * time.Second
