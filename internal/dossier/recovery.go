package dossier

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Interruption classifies a communication for the limitation period (Civil
// Code art. 195): a creditor's demand that reached the debtor, or the
// debtor's acknowledgment of the debt. Empty means the record does not
// interrupt (a promise to pay still counts as an acknowledgment).
const (
	InterruptionDemand         = "demand"
	InterruptionAcknowledgment = "acknowledgment"
)

// PaymentMethods lists how a payment can be made.
var PaymentMethods = []string{"bank_transfer", "cash", "cheque", "acceptance_bill", "offset", "other"}

// Payment is one append-only entry of a case's payment ledger. A correction is
// a negative entry that Reverses an earlier payment in full and gives a Reason.
type Payment struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	PaidAt     time.Time `json:"paid_at"`
	Amount     Money     `json:"amount"`
	Method     string    `json:"method"`
	Reference  string    `json:"reference"`
	EvidenceID string    `json:"evidence_id"`
	Reason     string    `json:"reason"`
	Reverses   string    `json:"reverses"`
	// Flags: "overpayment" when the ledger exceeds the case total.
	Flags     []string  `json:"flags"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`

	// ReversedBy is the ID of the entry that reversed this one; computed on read.
	ReversedBy string `json:"reversed_by,omitempty"`
}

// Validate checks the fields of a new entry that need no other record.
func (p *Payment) Validate() error {
	var f Fields
	if p.PaidAt.IsZero() {
		f.Add("paid_at", "is required (RFC 3339)")
	}
	p.Reason = strings.TrimSpace(p.Reason)
	p.Reference = strings.TrimSpace(p.Reference)
	switch {
	case p.Amount == 0:
		f.Add("amount", "must not be zero")
	case p.Amount > MaxMoney || p.Amount < -MaxMoney:
		f.Add("amount", "must be at most 999999999999.99")
	case p.Amount < 0:
		if p.Reverses == "" {
			f.Add("reverses", "a negative entry must name the payment it reverses")
		}
		if p.Reason == "" {
			f.Add("reason", "a negative entry must give a reason")
		}
	case p.Reverses != "":
		f.Add("reverses", "only a negative entry can reverse a payment")
	}
	if p.Method == "" {
		p.Method = "bank_transfer"
	}
	ok := false
	for _, m := range PaymentMethods {
		ok = ok || m == p.Method
	}
	if !ok {
		f.Add("method", "must be one of %s", strings.Join(PaymentMethods, ", "))
	}
	if utf8.RuneCountInString(p.Reference) > 200 {
		f.Add("reference", "must be at most 200 characters")
	}
	if utf8.RuneCountInString(p.Reason) > 2000 {
		f.Add("reason", "must be at most 2000 characters")
	}
	if p.Flags == nil {
		p.Flags = []string{}
	}
	return f.Err()
}

// ScheduledInstallment is one row of a plan's agreed schedule.
type ScheduledInstallment struct {
	N       int   `json:"n"`
	DueDate Date  `json:"due_date"`
	Amount  Money `json:"amount"`
}

// InstallmentPlan is an agreed repayment schedule (分期还款协议). It is
// immutable once stored; its live status is computed from the payments.
type InstallmentPlan struct {
	ID           string                 `json:"id"`
	CaseID       string                 `json:"case_id"`
	Total        Money                  `json:"total"`
	Installments int                    `json:"installments"`
	FirstDueDate Date                   `json:"first_due_date"`
	AgreedOn     Date                   `json:"agreed_on"`
	DocumentID   string                 `json:"document_id"`
	EvidenceID   string                 `json:"evidence_id"`
	Schedule     []ScheduledInstallment `json:"-"`
	CreatedBy    string                 `json:"created_by"`
	CreatedAt    time.Time              `json:"created_at"`
}

// FilingKinds lists the court steps that interrupt the limitation period.
var FilingKinds = []string{"payment_order", "litigation", "arbitration"}

// Filing records that the creditor applied for a payment order, sued or
// started arbitration (art. 195 (3)).
type Filing struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	Kind       string    `json:"kind"`
	FiledOn    Date      `json:"filed_on"`
	Court      string    `json:"court"`
	Reference  string    `json:"reference"`
	EvidenceID string    `json:"evidence_id"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Validate checks a new filing.
func (x *Filing) Validate() error {
	var f Fields
	ok := false
	for _, k := range FilingKinds {
		ok = ok || k == x.Kind
	}
	if !ok {
		f.Add("kind", "must be one of payment_order, litigation, arbitration")
	}
	if x.FiledOn.IsZero() {
		f.Add("filed_on", "is required (YYYY-MM-DD)")
	}
	x.Court, x.Reference = strings.TrimSpace(x.Court), strings.TrimSpace(x.Reference)
	if utf8.RuneCountInString(x.Court) > 200 {
		f.Add("court", "must be at most 200 characters")
	}
	if utf8.RuneCountInString(x.Reference) > 200 {
		f.Add("reference", "must be at most 200 characters")
	}
	return f.Err()
}

// CaseRecords is what the limitation engine and the dashboard read about one
// case. Communications holds only records that can interrupt the limitation
// period (an interruption or a promise); Evidence holds live items with only
// ID, CaseID, Kind, Title, Description, OccurredAt and CreatedAt set (the
// title and description say whether an item proves a letter was served, so
// Description is set only for the kinds that can: letter, other, email,
// chat and photo);
// Agreements holds the generated installment_agreement documents, whole
// (their Fields state the demand period a plan made from one is rated on).
type CaseRecords struct {
	Case           *Case
	Communications []*Communication
	Evidence       []*Evidence
	Payments       []*Payment
	Plans          []*InstallmentPlan
	Filings        []*Filing
	Agreements     []*Document
}

// RecoveryStore keeps payments, installment plans and filings. It is not part
// of Store: the recovery capability asks for it alongside.
type RecoveryStore interface {
	// AddPayment appends p. ENOTFOUND if the case is absent; ECONFLICT if the
	// payment p reverses was already reversed.
	AddPayment(ctx context.Context, p *Payment) error
	// Payment returns one entry; ENOTFOUND if there is none.
	Payment(ctx context.Context, id string) (*Payment, error)
	// Payments lists a case's ledger by PaidAt, then creation.
	Payments(ctx context.Context, caseID string) ([]*Payment, error)
	// AddPlan stores p with its schedule. ENOTFOUND if the case is absent.
	AddPlan(ctx context.Context, p *InstallmentPlan) error
	// Plans lists a case's plans, oldest first.
	Plans(ctx context.Context, caseID string) ([]*InstallmentPlan, error)
	// AddFiling stores f. ENOTFOUND if the case is absent.
	AddFiling(ctx context.Context, f *Filing) error
	// Filings lists a case's filings by date.
	Filings(ctx context.Context, caseID string) ([]*Filing, error)
	// CaseRecords loads the records of the cases with the given IDs, or of
	// every case when all is true, keyed by case ID. Absent IDs are skipped.
	CaseRecords(ctx context.Context, all bool, ids []string) (map[string]*CaseRecords, error)
}
