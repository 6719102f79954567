// Package store implements moderation's storage interfaces on SQLite (mattn/go-sqlite3): an
// embedded, numbered, forward-only schema migration, hand-written SQL, one transaction per
// exported write (except batched comment inserts, below), and driver errors translated to
// moderation's error kinds. It persists and decides nothing: every rule lives in package
// moderation.
//
// Layout: one single-connection pool writes (transactions take turns first come, first
// served), a pool of query-only connections reads, and a goroutine checkpoints the WAL beside
// the writer. Times are stored as UTC text in one fixed-width format, so text order is time
// order. Comments carry two denormalised columns, status (the effective verdict) and stance
// (the top stance of the current scores), that every write changing them keeps in step; the
// review queue, per-article listings and counts are answered from partial or covering indices.
// The whole write path, from the write turn to the audit row, is in write.go.
//
// # Batched inserts (group commit)
//
// A write transaction costs ~160 µs of CPU under the write lock, about half of it the commit
// (writing the WAL frames), and handing the lock between goroutines adds latency: with one
// transaction per comment the single writer tops out near 5,000 inserts/s. So InsertComment
// encodes its rows, queues them and waits; one committer goroutine takes every insert waiting
// (at most maxBatch), writes them in one transaction with a savepoint each, commits once and
// only then wakes each caller with its own result. Nothing waits for a batch to fill: under no
// load a batch holds one insert, under load whatever queued during the previous commit.
//
// A failing insert (an unknown article, a constraint) rolls back only its own savepoint; later
// inserts in the batch see the rows of earlier ones, so idempotency keys stay exact within a
// batch. A caller whose context ends while its insert is still queued is removed and stores
// nothing; once its batch has started it gets the batch's outcome.
//
// Readings of the contract where it leaves room: a zero CreatedAt (comments, decisions,
// moderators, API keys) is set from the clock, a set one is kept (imports); a lease has ended
// when until <= now; Claim does not offer a moderator the items they already hold; a stored
// decision's Override is true exactly when it replaced an earlier decision; list methods
// return empty slices, never nil, and take a non-positive limit as 50 (at most 1000).
package store
