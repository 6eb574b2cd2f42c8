package indexer

import (
	"context"
	"fmt"
	"time"

	"github.com/dossier/dossier/internal/dossier"
)

// QueueCase queues every live evidence item of a case for indexing again.
// Each indexed item carries its case's number and party names, so an edit
// of them must reach the index; st is the transaction of the edit, so the
// jobs commit with it and a crash cannot lose them. The workers pick the
// jobs up from the job table like any other.
func QueueCase(ctx context.Context, st dossier.EvidenceStore, caseID string, now time.Time) error {
	jobs, ok := st.(dossier.IndexJobStore)
	if !ok {
		return fmt.Errorf("indexer: queue case: the store keeps no index jobs")
	}
	f := dossier.EvidenceFilter{CaseID: caseID, Page: dossier.Page{Limit: 500}}
	for {
		items, _, next, err := st.ListEvidence(ctx, f)
		if err != nil {
			return fmt.Errorf("indexer: queue case: %w", err)
		}
		for _, e := range items {
			if err := jobs.EnqueueIndex(ctx, e.ID, now); err != nil {
				return fmt.Errorf("indexer: queue case: %w", err)
			}
		}
		if next == "" {
			return nil
		}
		f.Cursor = next
	}
}
