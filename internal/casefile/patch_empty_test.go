package casefile_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dossier/dossier/internal/casefile"
	"github.com/dossier/dossier/internal/dossier"
)

// A PATCH that sets stage or currency to "" is refused naming the field.
// It was taken as "the default": a case in litigation went back to
// negotiation, and one kept in USD became CNY, with no error.
func TestUpdateEmptyStageOrCurrency(t *testing.T) {
	ctx := context.Background()
	empty := ""
	litigation, usd := dossier.StageLitigation, "USD"
	tests := []struct {
		name  string
		patch dossier.CasePatch
		field string
	}{
		{"ErrEmptyStage", dossier.CasePatch{Stage: new(dossier.Stage)}, "stage"},
		{"ErrEmptyCurrency", dossier.CasePatch{Currency: &empty}, "currency"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := &casefile.Service{Store: mustStore(t), Now: time.Now}
			c := newCase(t, svc)
			if _, err := svc.Update(ctx, admin, c.ID, &dossier.CasePatch{Stage: &litigation, Currency: &usd}); err != nil {
				t.Fatal(err)
			}
			_, err := svc.Update(ctx, admin, c.ID, &tc.patch)
			var de *dossier.Error
			if !errors.As(err, &de) || de.Code != dossier.EINVALID || len(de.Fields) != 1 || de.Fields[0].Field != tc.field {
				t.Fatalf("got %v (%+v), want EINVALID on %s", err, de, tc.field)
			}
			got, err := svc.Get(ctx, admin, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Stage != litigation || got.Currency != usd {
				t.Fatalf("stored stage %q, currency %q; want them unchanged", got.Stage, got.Currency)
			}
		})
	}
}
