package main

import "time"

// Task counts of one generation in the dependency graph of a run: the
// WritePosts call, then every vote on its posts, which can only start once
// the posts exist. With --chain the next generation of the same business
// also waits for this one (it needs the hooks).
type genTask struct {
	votes int // judge calls unlocked by this generation
	next  int // index of the chained generation it unlocks, or -1
}

// criticalPath is the shortest possible wall time of the run's calls when
// every call takes latency and at most slots run at once: the makespan of
// list scheduling in rounds, generations before votes (the ready queue the
// pipeline's FIFO limiter approximates). With unit-length tasks and this
// two-level graph that schedule is optimal: a round is idle only while
// nothing is ready, which no schedule can avoid.
func criticalPath(gens []genTask, roots []int, slots int, latency time.Duration) (time.Duration, int) {
	type task struct {
		gen int // >= 0: a generation; -1: a vote
	}
	var genQ, voteQ []task
	for _, r := range roots {
		genQ = append(genQ, task{gen: r})
	}
	rounds := 0
	for len(genQ) > 0 || len(voteQ) > 0 {
		rounds++
		var running []task
		for len(running) < slots && len(genQ) > 0 {
			running = append(running, genQ[0])
			genQ = genQ[1:]
		}
		for len(running) < slots && len(voteQ) > 0 {
			running = append(running, voteQ[0])
			voteQ = voteQ[1:]
		}
		for _, t := range running {
			if t.gen < 0 {
				continue
			}
			g := gens[t.gen]
			if g.next >= 0 {
				genQ = append(genQ, task{gen: g.next})
			}
			for range g.votes {
				voteQ = append(voteQ, task{gen: -1})
			}
		}
	}
	return time.Duration(rounds) * latency, rounds
}
