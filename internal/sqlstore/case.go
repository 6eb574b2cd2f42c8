package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/dossier/dossier/internal/dossier"
)

const communicationColumns = `id, case_id, occurred_at, channel, summary, outcome,
	promise_amount, promise_date, evidence_ids, flags, created_by, created_at, interruption`

const caseColumns = `id, number, title, creditor, debtor, principal, interest, currency, contract_no,
	due_date, stage, created_by, created_at, updated_at`

// CreateCase inserts c with a new ID.
func (db *DB) CreateCase(ctx context.Context, c *dossier.Case) error {
	if c.ID == "" {
		c.ID = dossier.NewID()
	}
	cred, _ := json.Marshal(c.Creditor)
	debt, _ := json.Marshal(c.Debtor)
	_, err := db.q.ExecContext(ctx, `INSERT INTO cases (id, number, title, creditor, debtor, creditor_name,
		debtor_name, principal, interest, currency, contract_no, due_date, stage, created_by, created_at, updated_at,
		number_key, contract_no_key)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)`,
		c.ID, c.Number, c.Title, string(cred), string(debt), c.Creditor.Name, c.Debtor.Name,
		int64(c.Principal), int64(c.Interest), c.Currency, c.ContractNo, c.DueDate.String(), string(c.Stage),
		c.CreatedBy, tm(c.CreatedAt), tm(c.UpdatedAt), numberKey(c.Number), numberKey(c.ContractNo))
	if dossier.ErrorCode(db.wrap("", err)) == dossier.ECONFLICT {
		return &dossier.Error{Code: dossier.ECONFLICT, Message: "a case with this number already exists",
			Fields: []dossier.FieldError{{Field: "number", Message: "is already used by another case"}}, Err: err}
	}
	return db.wrap("create case", err)
}

// UpdateCase stores every field of c.
func (db *DB) UpdateCase(ctx context.Context, c *dossier.Case) error {
	cred, _ := json.Marshal(c.Creditor)
	debt, _ := json.Marshal(c.Debtor)
	res, err := db.q.ExecContext(ctx, `UPDATE cases SET number=$2, title=$3, creditor=$4, debtor=$5,
		creditor_name=$6, debtor_name=$7, principal=$8, interest=$9, currency=$10, contract_no=$11,
		due_date=$12, stage=$13, updated_at=$14, number_key=$15, contract_no_key=$16 WHERE id=$1`,
		c.ID, c.Number, c.Title, string(cred), string(debt), c.Creditor.Name, c.Debtor.Name,
		int64(c.Principal), int64(c.Interest), c.Currency, c.ContractNo, c.DueDate.String(), string(c.Stage),
		tm(c.UpdatedAt), numberKey(c.Number), numberKey(c.ContractNo))
	if err != nil {
		if dossier.ErrorCode(db.wrap("", err)) == dossier.ECONFLICT {
			return &dossier.Error{Code: dossier.ECONFLICT, Message: "a case with this number already exists",
				Fields: []dossier.FieldError{{Field: "number", Message: "is already used by another case"}}, Err: err}
		}
		return db.wrap("update case", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return dossier.NotFound("case")
	}
	return nil
}

// Case returns one case.
func (db *DB) Case(ctx context.Context, id string) (*dossier.Case, error) {
	c, err := scanCase(db.q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id=$1`, id))
	if err == sql.ErrNoRows {
		return nil, dossier.NotFound("case")
	}
	return c, db.wrap("case", err)
}

// ListCases returns a page of cases, newest first.
func (db *DB) ListCases(ctx context.Context, f dossier.CaseFilter) ([]*dossier.Case, int, string, error) {
	limit, cur, err := listPage(f.Page)
	if err != nil {
		return nil, 0, "", err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + itoa(len(args))
	}
	if f.Restricted {
		if len(f.Visible) == 0 {
			return []*dossier.Case{}, 0, "", nil
		}
		ph := make([]string, len(f.Visible))
		for i, id := range f.Visible {
			ph[i] = arg(id)
		}
		where = append(where, "id IN ("+strings.Join(ph, ",")+")")
	}
	if f.Stage != "" {
		where = append(where, "stage = "+arg(string(f.Stage)))
	}
	if f.Bucket != "" {
		from, to, _ := dossier.BucketRange(f.Bucket, f.Today)
		if !from.IsZero() {
			where = append(where, "due_date >= "+arg(from.String()))
		}
		if !to.IsZero() {
			where = append(where, "due_date <= "+arg(to.String()))
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p := arg("%" + escapeLike(strings.ToLower(q)) + "%")
		match := "LOWER(number) LIKE " + p + " ESCAPE '\\' OR LOWER(title) LIKE " + p +
			" ESCAPE '\\' OR LOWER(contract_no) LIKE " + p + " ESCAPE '\\' OR LOWER(creditor_name) LIKE " + p +
			" ESCAPE '\\' OR LOWER(debtor_name) LIKE " + p + " ESCAPE '\\'"
		// A number typed with other separators, brackets or widths than
		// stored (2026HZ0001, (2026)…, full-width) matches by its key.
		if k := numberKey(q); k != "" {
			pk := arg("%" + escapeLike(k) + "%")
			match += " OR number_key LIKE " + pk + " ESCAPE '\\' OR contract_no_key LIKE " + pk + " ESCAPE '\\'"
		}
		where = append(where, "("+match+")")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := db.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`+cond, args...).Scan(&total); err != nil {
		return nil, 0, "", db.wrap("count cases", err)
	}
	// Newest first: cases created while a client pages come before its
	// cursor and do not push rows it has seen onto the next page.
	if c, a := cur.after(len(args)+1, true); c != "" {
		if cond == "" {
			cond = " WHERE " + c
		} else {
			cond += " AND " + c
		}
		args = append(args, a...)
	}
	rows, err := db.q.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases`+cond+
		` ORDER BY created_at DESC, id DESC`+cur.sql(limit), args...)
	if err != nil {
		return nil, 0, "", db.wrap("list cases", err)
	}
	defer rows.Close()
	items := []*dossier.Case{}
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, 0, "", db.wrap("scan case", err)
		}
		items = append(items, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, "", db.wrap("list cases", err)
	}
	items, next := endPage(items, limit, func(c *dossier.Case) (time.Time, string) { return c.CreatedAt, c.ID })
	return items, total, next, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanCase(s scanner) (*dossier.Case, error) {
	var c dossier.Case
	var cred, debt, due, stage, created, updated string
	var principal, interest int64
	if err := s.Scan(&c.ID, &c.Number, &c.Title, &cred, &debt, &principal, &interest, &c.Currency,
		&c.ContractNo, &due, &stage, &c.CreatedBy, &created, &updated); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(cred), &c.Creditor)
	_ = json.Unmarshal([]byte(debt), &c.Debtor)
	c.Principal, c.Interest = dossier.Money(principal), dossier.Money(interest)
	c.DueDate, _ = dossier.ParseDate(due)
	c.Stage = dossier.Stage(stage)
	c.CreatedAt, c.UpdatedAt = parseTm(created), parseTm(updated)
	return &c, nil
}

// AddCommunication appends a communication record.
func (db *DB) AddCommunication(ctx context.Context, m *dossier.Communication) error {
	if m.ID == "" {
		m.ID = dossier.NewID()
	}
	ev, _ := json.Marshal(m.EvidenceIDs)
	flags, _ := json.Marshal(m.Flags)
	var amount any
	if m.PromiseAmount != nil {
		amount = int64(*m.PromiseAmount)
	}
	var pdate any
	if m.PromiseDate != nil && !m.PromiseDate.IsZero() {
		pdate = m.PromiseDate.String()
	}
	_, err := db.q.ExecContext(ctx, `INSERT INTO communications (id, case_id, occurred_at, channel, summary,
		outcome, promise_amount, promise_date, evidence_ids, flags, created_by, created_at, interruption)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		m.ID, m.CaseID, tm(m.OccurredAt), string(m.Channel), m.Summary, m.Outcome, amount, pdate,
		string(ev), string(flags), m.CreatedBy, tm(m.CreatedAt), m.Interruption)
	return db.wrap("add communication", err)
}

// Communications lists a case's communications, oldest first.
func (db *DB) Communications(ctx context.Context, caseID string) ([]*dossier.Communication, error) {
	return db.communications(ctx, `WHERE case_id=$1`, caseID)
}

// DebtorCommunications lists communications with a debtor across its cases.
func (db *DB) DebtorCommunications(ctx context.Context, debtorName string, from, to time.Time) ([]*dossier.Communication, error) {
	return db.communications(ctx, `WHERE occurred_at >= $2 AND occurred_at < $3 AND case_id IN
		(SELECT id FROM cases WHERE debtor_name = $1)`, debtorName, tm(from), tm(to))
}

func (db *DB) communications(ctx context.Context, where string, args ...any) ([]*dossier.Communication, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT `+communicationColumns+` FROM communications `+where+
		` ORDER BY occurred_at, id`, args...)
	if err != nil {
		return nil, db.wrap("communications", err)
	}
	defer rows.Close()
	out := []*dossier.Communication{}
	for rows.Next() {
		var m dossier.Communication
		var occurred, channel, ev, flags, created string
		var amount sql.NullInt64
		var pdate sql.NullString
		if err := rows.Scan(&m.ID, &m.CaseID, &occurred, &channel, &m.Summary, &m.Outcome, &amount, &pdate,
			&ev, &flags, &m.CreatedBy, &created, &m.Interruption); err != nil {
			return nil, db.wrap("scan communication", err)
		}
		m.OccurredAt, m.CreatedAt, m.Channel = parseTm(occurred), parseTm(created), dossier.Channel(channel)
		if amount.Valid {
			a := dossier.Money(amount.Int64)
			m.PromiseAmount = &a
		}
		if pdate.Valid {
			if d, err := dossier.ParseDate(pdate.String); err == nil {
				m.PromiseDate = &d
			}
		}
		_ = json.Unmarshal([]byte(ev), &m.EvidenceIDs)
		_ = json.Unmarshal([]byte(flags), &m.Flags)
		out = append(out, &m)
	}
	return out, db.wrap("communications", rows.Err())
}

// numberKey is how the cases list matches a case or contract number however
// it is typed: NFKC (full-width letters and digits made ASCII), lower case,
// and only letters and digits, so brackets, separators, spaces and 号 drop
// out: 2026-HZ-0001, 2026HZ0001 and ２０２６ｈｚ０００１ are all 2026hz0001;
// （2026）京0105民初1234号 and 〔2026〕京0105民初1234 are 2026京0105民初1234.
// Computed in Go, never in SQL, so SQLite and PostgreSQL agree; stored in
// number_key and contract_no_key (migration 00013). A change to it needs a
// migration that sets those to NULL, so that fillCaseKeys recomputes them.
func numberKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '号' || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return -1
		}
		return r
	}, strings.ToLower(norm.NFKC.String(s)))
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
