package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/dossier/dossier/internal/dossier"
)

var _ dossier.RecoveryStore = (*DB)(nil)

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// AddPayment appends a ledger entry.
func (db *DB) AddPayment(ctx context.Context, p *dossier.Payment) error {
	if p.ID == "" {
		p.ID = dossier.NewID()
	}
	flags, _ := json.Marshal(p.Flags)
	_, err := db.q.ExecContext(ctx, `INSERT INTO payments (id, case_id, paid_at, amount, method, reference,
		evidence_id, reason, reverses, flags, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		p.ID, p.CaseID, tm(p.PaidAt), int64(p.Amount), p.Method, p.Reference, nullStr(p.EvidenceID),
		p.Reason, nullStr(p.Reverses), string(flags), p.CreatedBy, tm(p.CreatedAt))
	if err != nil && p.Reverses != "" && dossier.ErrorCode(db.wrap("", err)) == dossier.ECONFLICT {
		return &dossier.Error{Code: dossier.ECONFLICT, Message: "that payment was already reversed",
			Fields: []dossier.FieldError{{Field: "reverses", Message: "was already reversed"}}, Err: err}
	}
	return db.wrap("add payment", err)
}

const paymentColumns = `p.id, p.case_id, p.paid_at, p.amount, p.method, p.reference, p.evidence_id, p.reason,
	p.reverses, p.flags, p.created_by, p.created_at, r.id`

// paymentFrom joins each entry to the entry reversing it, if any.
const paymentFrom = ` FROM payments p LEFT JOIN payments r ON r.reverses = p.id`

func scanPayment(s scanner) (*dossier.Payment, error) {
	var p dossier.Payment
	var paid, created, flags string
	var amount int64
	var ev, rev, by sql.NullString
	if err := s.Scan(&p.ID, &p.CaseID, &paid, &amount, &p.Method, &p.Reference, &ev, &p.Reason, &rev,
		&flags, &p.CreatedBy, &created, &by); err != nil {
		return nil, err
	}
	p.PaidAt, p.CreatedAt, p.Amount = parseTm(paid), parseTm(created), dossier.Money(amount)
	p.EvidenceID, p.Reverses, p.ReversedBy = ev.String, rev.String, by.String
	_ = json.Unmarshal([]byte(flags), &p.Flags)
	if p.Flags == nil {
		p.Flags = []string{}
	}
	return &p, nil
}

// Payment returns one ledger entry.
func (db *DB) Payment(ctx context.Context, id string) (*dossier.Payment, error) {
	p, err := scanPayment(db.q.QueryRowContext(ctx, `SELECT `+paymentColumns+paymentFrom+` WHERE p.id=$1`, id))
	if err == sql.ErrNoRows {
		return nil, dossier.NotFound("payment")
	}
	return p, db.wrap("payment", err)
}

// Payments lists a case's ledger.
func (db *DB) Payments(ctx context.Context, caseID string) ([]*dossier.Payment, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT `+paymentColumns+paymentFrom+
		` WHERE p.case_id=$1 ORDER BY p.paid_at, p.created_at, p.id`, caseID)
	if err != nil {
		return nil, db.wrap("payments", err)
	}
	return collect(rows, scanPayment, "payments", db)
}

// AddPlan stores an installment plan and its schedule.
func (db *DB) AddPlan(ctx context.Context, p *dossier.InstallmentPlan) error {
	if p.ID == "" {
		p.ID = dossier.NewID()
	}
	sched, _ := json.Marshal(p.Schedule)
	_, err := db.q.ExecContext(ctx, `INSERT INTO installment_plans (id, case_id, total, installments,
		first_due_date, agreed_on, document_id, evidence_id, schedule, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		p.ID, p.CaseID, int64(p.Total), p.Installments, p.FirstDueDate.String(), p.AgreedOn.String(),
		p.DocumentID, nullStr(p.EvidenceID), string(sched), p.CreatedBy, tm(p.CreatedAt))
	return db.wrap("add plan", err)
}

const planColumns = `id, case_id, total, installments, first_due_date, agreed_on, document_id, evidence_id,
	schedule, created_by, created_at`

func scanPlan(s scanner) (*dossier.InstallmentPlan, error) {
	var p dossier.InstallmentPlan
	var total int64
	var first, agreed, sched, created string
	var ev sql.NullString
	if err := s.Scan(&p.ID, &p.CaseID, &total, &p.Installments, &first, &agreed, &p.DocumentID, &ev,
		&sched, &p.CreatedBy, &created); err != nil {
		return nil, err
	}
	p.Total, p.EvidenceID, p.CreatedAt = dossier.Money(total), ev.String, parseTm(created)
	p.FirstDueDate, _ = dossier.ParseDate(first)
	p.AgreedOn, _ = dossier.ParseDate(agreed)
	_ = json.Unmarshal([]byte(sched), &p.Schedule)
	return &p, nil
}

// Plans lists a case's plans, oldest first.
func (db *DB) Plans(ctx context.Context, caseID string) ([]*dossier.InstallmentPlan, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT `+planColumns+` FROM installment_plans WHERE case_id=$1
		ORDER BY created_at, id`, caseID)
	if err != nil {
		return nil, db.wrap("plans", err)
	}
	return collect(rows, scanPlan, "plans", db)
}

// AddFiling stores a court filing.
func (db *DB) AddFiling(ctx context.Context, f *dossier.Filing) error {
	if f.ID == "" {
		f.ID = dossier.NewID()
	}
	_, err := db.q.ExecContext(ctx, `INSERT INTO filings (id, case_id, kind, filed_on, court, reference,
		evidence_id, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		f.ID, f.CaseID, f.Kind, f.FiledOn.String(), f.Court, f.Reference, nullStr(f.EvidenceID),
		f.CreatedBy, tm(f.CreatedAt))
	return db.wrap("add filing", err)
}

const filingColumns = `id, case_id, kind, filed_on, court, reference, evidence_id, created_by, created_at`

func scanFiling(s scanner) (*dossier.Filing, error) {
	var f dossier.Filing
	var filed, created string
	var ev sql.NullString
	if err := s.Scan(&f.ID, &f.CaseID, &f.Kind, &filed, &f.Court, &f.Reference, &ev, &f.CreatedBy,
		&created); err != nil {
		return nil, err
	}
	f.FiledOn, _ = dossier.ParseDate(filed)
	f.EvidenceID, f.CreatedAt = ev.String, parseTm(created)
	return &f, nil
}

// Filings lists a case's filings by date.
func (db *DB) Filings(ctx context.Context, caseID string) ([]*dossier.Filing, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT `+filingColumns+` FROM filings WHERE case_id=$1
		ORDER BY filed_on, created_at, id`, caseID)
	if err != nil {
		return nil, db.wrap("filings", err)
	}
	return collect(rows, scanFiling, "filings", db)
}

func collect[T any](rows *sql.Rows, scan func(scanner) (T, error), op string, db *DB) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, db.wrap(op, err)
		}
		out = append(out, v)
	}
	return out, db.wrap(op, rows.Err())
}

// caseChunk bounds the IN lists of CaseRecords (PostgreSQL allows 65535
// parameters, SQLite 32766).
const caseChunk = 500

// CaseRecords loads, table by table, the records the limitation engine and
// the dashboard read, so a dashboard over N cases costs seven queries per
// chunk instead of seven per case.
func (db *DB) CaseRecords(ctx context.Context, all bool, ids []string) (map[string]*dossier.CaseRecords, error) {
	out := map[string]*dossier.CaseRecords{}
	if all {
		return out, db.loadRecords(ctx, out, "", nil)
	}
	for start := 0; start < len(ids); start += caseChunk {
		chunk := ids[start:min(start+caseChunk, len(ids))]
		ph := make([]string, len(chunk))
		args := make([]any, len(chunk))
		for i, id := range chunk {
			ph[i], args[i] = "$"+itoa(i+1), id
		}
		if err := db.loadRecords(ctx, out, " IN ("+strings.Join(ph, ",")+")", args); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// loadRecords fills out with the cases whose ID matches in (" IN (...)", or
// "" for every case).
func (db *DB) loadRecords(ctx context.Context, out map[string]*dossier.CaseRecords, in string, args []any) error {
	where := func(col string) string {
		if in == "" {
			return ""
		}
		return " WHERE " + col + in
	}
	and := func(col string) string {
		if in == "" {
			return " WHERE "
		}
		return " WHERE " + col + in + " AND "
	}
	each := func(q, op string, fn func(*sql.Rows) error) error {
		rows, err := db.q.QueryContext(ctx, q, args...)
		if err != nil {
			return db.wrap(op, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows); err != nil {
				return db.wrap(op, err)
			}
		}
		return db.wrap(op, rows.Err())
	}
	err := each(`SELECT `+caseColumns+` FROM cases`+where("id"), "records: cases", func(r *sql.Rows) error {
		c, err := scanCase(r)
		if err == nil {
			out[c.ID] = &dossier.CaseRecords{Case: c}
		}
		return err
	})
	if err != nil {
		return err
	}
	rec := func(id string) *dossier.CaseRecords {
		if r := out[id]; r != nil {
			return r
		}
		return &dossier.CaseRecords{} // a row added after the cases were read
	}
	err = each(`SELECT id, case_id, occurred_at, channel, promise_amount, promise_date, evidence_ids,
		interruption FROM communications`+and("case_id")+
		`(interruption <> '' OR promise_amount IS NOT NULL OR promise_date IS NOT NULL)
		ORDER BY occurred_at, id`, "records: communications", func(r *sql.Rows) error {
		var m dossier.Communication
		var occurred, ev string
		var amount sql.NullInt64
		var pdate sql.NullString
		if err := r.Scan(&m.ID, &m.CaseID, &occurred, &m.Channel, &amount, &pdate, &ev, &m.Interruption); err != nil {
			return err
		}
		m.OccurredAt = parseTm(occurred)
		if amount.Valid {
			a := dossier.Money(amount.Int64)
			m.PromiseAmount = &a
		}
		if d, err := dossier.ParseDate(pdate.String); pdate.Valid && err == nil {
			m.PromiseDate = &d
		}
		_ = json.Unmarshal([]byte(ev), &m.EvidenceIDs)
		x := rec(m.CaseID)
		x.Communications = append(x.Communications, &m)
		return nil
	})
	if err != nil {
		return err
	}
	// The description only of the kinds that can prove a letter was served
	// (recovery's serviceKinds): it runs to 10,000 characters and this loads
	// every case's evidence for the dashboard.
	err = each(`SELECT id, case_id, kind, title, CASE WHEN kind IN ('letter', 'other', 'email', 'chat', 'photo')
		THEN description ELSE '' END, occurred_at, created_at FROM evidence`+and("case_id")+
		`deleted_at IS NULL ORDER BY created_at, id`, "records: evidence", func(r *sql.Rows) error {
		var e dossier.Evidence
		var occurred sql.NullString
		var created string
		if err := r.Scan(&e.ID, &e.CaseID, &e.Kind, &e.Title, &e.Description, &occurred, &created); err != nil {
			return err
		}
		e.OccurredAt, e.CreatedAt = parseTmPtr(occurred), parseTm(created)
		x := rec(e.CaseID)
		x.Evidence = append(x.Evidence, &e)
		return nil
	})
	if err != nil {
		return err
	}
	err = each(`SELECT `+paymentColumns+paymentFrom+where("p.case_id")+` ORDER BY p.paid_at, p.created_at, p.id`,
		"records: payments", func(r *sql.Rows) error {
			p, err := scanPayment(r)
			if err == nil {
				x := rec(p.CaseID)
				x.Payments = append(x.Payments, p)
			}
			return err
		})
	if err != nil {
		return err
	}
	err = each(`SELECT `+planColumns+` FROM installment_plans`+where("case_id")+` ORDER BY created_at, id`,
		"records: plans", func(r *sql.Rows) error {
			p, err := scanPlan(r)
			if err == nil {
				x := rec(p.CaseID)
				x.Plans = append(x.Plans, p)
			}
			return err
		})
	if err != nil {
		return err
	}
	err = each(`SELECT `+filingColumns+` FROM filings`+where("case_id")+` ORDER BY filed_on, created_at, id`,
		"records: filings", func(r *sql.Rows) error {
			f, err := scanFiling(r)
			if err == nil {
				x := rec(f.CaseID)
				x.Filings = append(x.Filings, f)
			}
			return err
		})
	if err != nil {
		return err
	}
	// With their fields: a plan made from an agreement is rated on the
	// demand period it states (demand_days).
	return each(`SELECT `+documentColumns+` FROM documents`+and("case_id")+
		`template = 'installment_agreement' ORDER BY created_at, id`, "records: documents", func(r *sql.Rows) error {
		d, err := scanDocument(r)
		if err != nil {
			return err
		}
		x := rec(d.CaseID)
		x.Agreements = append(x.Agreements, d)
		return nil
	})
}
