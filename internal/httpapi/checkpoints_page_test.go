package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// GET /api/v1/audit/checkpoints answered the newest 20 whatever limit and
// cursor said, while its schema promised pages: an auditor could never read
// an older checkpoint back, the one handed to them a year ago. It now pages
// newest first, limit (default 20) and cursor as every list does, and total
// counts them all.
func TestCheckpointsPaged(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	if err := e.audit.Close(ctx); err != nil { // no checkpoint of its own meanwhile
		t.Fatal(err)
	}
	base, err := e.store.CountCheckpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 45; i++ {
		cp := &dossier.Checkpoint{Seq: int64(1000 + i), Head: strings.Repeat(fmt.Sprintf("%02x", i), 32),
			At: time.Now().UTC(), PublicKey: "pk", Signature: "sig"}
		if err := e.store.AddCheckpoint(ctx, cp); err != nil {
			t.Fatal(err)
		}
	}
	admin := e.login("admin", adminPassword)
	type page struct {
		Items []dossier.Checkpoint `json:"items"`
		Total int                  `json:"total"`
		Next  string               `json:"next"`
	}
	get := func(q string) page {
		t.Helper()
		r := e.do("GET", "/api/v1/audit/checkpoints"+q, admin, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", q, r.Status, r.Body)
		}
		var p page
		r.json(t, &p)
		return p
	}
	first := get("")
	if len(first.Items) != 20 || first.Items[0].Seq != 1045 || first.Total != 45+base || first.Next == "" {
		t.Fatalf("first page: %d items from %d, total %d, next %q", len(first.Items), first.Items[0].Seq, first.Total, first.Next)
	}
	var seqs []int64
	for q := "?limit=16"; ; {
		p := get(q)
		for _, c := range p.Items {
			seqs = append(seqs, c.Seq)
		}
		if p.Next == "" {
			break
		}
		q = "?limit=16&cursor=" + p.Next
	}
	if len(seqs) != 45+base || seqs[0] != 1045 || seqs[44] != 1001 {
		t.Fatalf("paged through %d checkpoints (%v), want %d from 1045 down", len(seqs), seqs, 45+base)
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] >= seqs[i-1] {
			t.Fatalf("not newest first at %d: %v", i, seqs)
		}
	}
	for _, q := range []string{"?limit=0", "?limit=501", "?cursor=x", "?cursor=-3", "?cursor=0"} {
		r := e.do("GET", "/api/v1/audit/checkpoints"+q, admin, nil)
		if p := r.problem(t); r.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 ||
			p.Errors[0].Field != strings.Split(strings.TrimPrefix(q, "?"), "=")[0] {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
}
