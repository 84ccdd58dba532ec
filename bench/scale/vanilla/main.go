// Command vanilla is PocketBase with nothing of Rekan: the baseline the
// scale bench starts over the same data directory.
package main

import (
	"log"

	"github.com/pocketbase/pocketbase"
)

func main() {
	if err := pocketbase.New().Start(); err != nil {
		log.Fatal(err)
	}
}
