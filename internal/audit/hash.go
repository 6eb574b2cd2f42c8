// Package audit keeps Dossier's tamper-evident audit trail. Events are chained:
// each stores the sha256 of its canonical form, which includes its sequence
// number and the previous event's hash, so altering, removing or reordering a
// stored event breaks the chain at that event. Every Options.CheckpointEvery
// events, and at Close, the head is signed with an ed25519 key kept in the
// data directory, so a head handed to an auditor can be checked later and a
// rewritten tail betrays itself. Log pipelines writing: requests enqueue, one
// goroutine chains and stores events in batches. Verify recomputes the chain.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// Genesis is the PrevHash of the first event.
var Genesis = strings.Repeat("0", 64)

// TimeLayout is how event and checkpoint times enter hashes and signatures:
// RFC 3339, UTC, fixed microseconds — the precision the store keeps, so a
// stored time reproduces the hashed text exactly.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// canonicalVersion is the first field of every canonical form; a new layout
// gets a new version instead of silently changing old hashes.
const canonicalVersion = "dossier-audit-event-v1"

// Hash returns the hex sha256 of e's canonical form: every field except Hash,
// in this order — the version tag "dossier-audit-event-v1", seq, at
// (TimeLayout, UTC), actor, role, action, object_type, object_id, case_id, ip,
// user_agent, request_id, status, outcome, detail, prev_hash — each written as
// its decimal byte length, ':' and its bytes, so no two different events share
// an encoding whatever the fields contain.
func Hash(e *dossier.Event) string {
	h, _ := hashBuf(nil, e)
	return h
}

// hashBuf is Hash reusing buf for the canonical form; Verify calls it a
// million times.
func hashBuf(buf []byte, e *dossier.Event) (string, []byte) {
	buf = appendCanonical(buf[:0], e)
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:]), buf
}

func appendCanonical(buf []byte, e *dossier.Event) []byte {
	var num [24]byte
	field := func(s string) {
		buf = strconv.AppendInt(buf, int64(len(s)), 10)
		buf = append(buf, ':')
		buf = append(buf, s...)
	}
	field(canonicalVersion)
	field(string(strconv.AppendInt(num[:0], e.Seq, 10)))
	field(e.At.UTC().Format(TimeLayout))
	field(e.Actor)
	field(e.Role)
	field(e.Action)
	field(e.ObjectType)
	field(e.ObjectID)
	field(e.CaseID)
	field(e.IP)
	field(e.UserAgent)
	field(e.RequestID)
	field(string(strconv.AppendInt(num[:0], int64(e.Status), 10)))
	field(e.Outcome)
	field(e.Detail)
	field(e.PrevHash)
	return buf
}

// Chain assigns e the sequence number after prevSeq, links it to prevHash and
// sets its hash. It also truncates e.At to the stored precision so the event
// in memory equals the event read back. Log uses it; tests and tools that
// write chained events straight to a store use it too.
func Chain(e *dossier.Event, prevSeq int64, prevHash string) {
	e.Seq = prevSeq + 1
	e.PrevHash = prevHash
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Hash = Hash(e)
}
