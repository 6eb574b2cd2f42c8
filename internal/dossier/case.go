package dossier

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Stage is where a case stands in the recovery process.
type Stage string

const (
	StageNegotiation  Stage = "negotiation"
	StageLawyerLetter Stage = "lawyer_letter"
	StageInstallment  Stage = "installment"
	StagePaymentOrder Stage = "payment_order"
	StageLitigation   Stage = "litigation"
	StageArbitration  Stage = "arbitration"
	StageEnforcement  Stage = "enforcement"
	StageClosed       Stage = "closed"
)

// Stages lists every stage in process order.
var Stages = []Stage{StageNegotiation, StageLawyerLetter, StageInstallment, StagePaymentOrder,
	StageLitigation, StageArbitration, StageEnforcement, StageClosed}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool {
	for _, v := range Stages {
		if v == s {
			return true
		}
	}
	return false
}

// Bucket is the aging bucket of an overdue receivable.
type Bucket string

const (
	BucketNormal    Bucket = "normal"    // < 30 days overdue
	BucketAttention Bucket = "attention" // 30–59
	BucketWarning   Bucket = "warning"   // 60–89
	BucketDanger    Bucket = "danger"    // ≥ 90
)

// Buckets lists the buckets from least to most overdue.
var Buckets = []Bucket{BucketNormal, BucketAttention, BucketWarning, BucketDanger}

// BucketFor returns the aging bucket for a number of days overdue.
func BucketFor(days int) Bucket {
	switch {
	case days >= 90:
		return BucketDanger
	case days >= 60:
		return BucketWarning
	case days >= 30:
		return BucketAttention
	}
	return BucketNormal
}

// BucketRange returns the due-date window [from, to] (inclusive, zero = open)
// whose cases fall in bucket b on day today.
func BucketRange(b Bucket, today Date) (from, to Date, ok bool) {
	switch b {
	case BucketNormal:
		return today.AddDays(-29), Date{}, true
	case BucketAttention:
		return today.AddDays(-59), today.AddDays(-30), true
	case BucketWarning:
		return today.AddDays(-89), today.AddDays(-60), true
	case BucketDanger:
		return Date{}, today.AddDays(-90), true
	}
	return Date{}, Date{}, false
}

// PartyKind tells a company from a natural person; personal data of persons is
// masked for roles that do not need it.
type PartyKind string

const (
	PartyCompany PartyKind = "company"
	PartyPerson  PartyKind = "person"
)

// Party is a creditor or debtor with the particulars court documents need.
type Party struct {
	Name           string    `json:"name"`
	Kind           PartyKind `json:"kind"`
	IDNumber       string    `json:"id_number,omitempty"` // unified social credit code or ID card number
	Address        string    `json:"address,omitempty"`
	Representative string    `json:"representative,omitempty"`
	Phone          string    `json:"phone,omitempty"`
	Aliases        []string  `json:"aliases,omitempty"` // short forms the party is known by
}

func (p *Party) validate(prefix string, f *Fields) {
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" {
		f.Add(prefix+".name", "is required")
	} else if utf8.RuneCountInString(p.Name) > 200 {
		f.Add(prefix+".name", "must be at most 200 characters")
	}
	if p.Kind == "" {
		p.Kind = PartyCompany
	}
	if p.Kind != PartyCompany && p.Kind != PartyPerson {
		f.Add(prefix+".kind", "must be company or person")
	}
	if p.IDNumber != "" && !idNumberRE.MatchString(p.IDNumber) {
		f.Add(prefix+".id_number", "must be an 18-character unified social credit code or ID number")
	}
	if p.Phone != "" && !phoneRE.MatchString(p.Phone) {
		f.Add(prefix+".phone", "must be a phone number")
	}
}

var (
	idNumberRE = regexp.MustCompile(`^[0-9A-Z]{15,18}$`)
	phoneRE    = regexp.MustCompile(`^\+?[0-9][0-9 \-]{4,19}$`)
)

// Case is one overdue receivable being recovered.
type Case struct {
	ID         string    `json:"id"`
	Number     string    `json:"number"`
	Title      string    `json:"title"`
	Creditor   Party     `json:"creditor"`
	Debtor     Party     `json:"debtor"`
	Principal  Money     `json:"principal"`
	Interest   Money     `json:"interest"`
	Currency   string    `json:"currency"`
	ContractNo string    `json:"contract_no"`
	DueDate    Date      `json:"due_date"`
	Stage      Stage     `json:"stage"`
	CreatedBy  string    `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`

	// Computed on read; never stored.
	DaysOverdue int    `json:"days_overdue"`
	Bucket      Bucket `json:"bucket"`
}

// Compute fills the read-only fields for the given day.
func (c *Case) Compute(today Date) {
	c.DaysOverdue = 0
	if !c.DueDate.IsZero() {
		if d := c.DueDate.DaysUntil(today); d > 0 {
			c.DaysOverdue = d
		}
	}
	c.Bucket = BucketFor(c.DaysOverdue)
}

// Total is principal plus interest.
func (c *Case) Total() Money { return c.Principal + c.Interest }

// caseNumberRE: a firm's own reference (2026-HZ-0001) or, once the matter is
// in court, the court's number as the court writes it, year in brackets first
// ((2026)京0105民初1234号, （2026）…, 〔2026〕…).
var caseNumberRE = regexp.MustCompile(`^[\p{Han}A-Za-z0-9(（〔][\p{Han}A-Za-z0-9\-_/()（）〔〕]{0,63}$`)

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// Validate normalises c and returns EINVALID listing every bad field.
func (c *Case) Validate() error {
	var f Fields
	c.Number = strings.TrimSpace(c.Number)
	c.Title = strings.TrimSpace(c.Title)
	if c.Number == "" {
		f.Add("number", "is required")
	} else if !caseNumberRE.MatchString(c.Number) {
		f.Add("number", "must be 1–64 letters, Chinese characters, digits, '-', '_', '/' or brackets around the year")
	}
	if utf8.RuneCountInString(c.Title) > 300 {
		f.Add("title", "must be at most 300 characters")
	}
	c.Creditor.validate("creditor", &f)
	c.Debtor.validate("debtor", &f)
	if c.Principal <= 0 {
		f.Add("principal", "must be greater than zero")
	} else if c.Principal > MaxMoney {
		f.Add("principal", "must be at most 999999999999.99")
	}
	if c.Interest < 0 {
		f.Add("interest", "must not be negative")
	} else if c.Interest > MaxMoney {
		f.Add("interest", "must be at most 999999999999.99")
	}
	if c.Currency == "" {
		c.Currency = "CNY"
	}
	if !currencyRE.MatchString(c.Currency) {
		f.Add("currency", "must be an ISO 4217 code such as CNY")
	}
	if utf8.RuneCountInString(c.ContractNo) > 100 {
		f.Add("contract_no", "must be at most 100 characters")
	}
	if c.DueDate.IsZero() {
		f.Add("due_date", "is required")
	} else if c.DueDate.Year() < 1990 || c.DueDate.Year() > 2200 {
		f.Add("due_date", "is out of range")
	}
	if c.Stage == "" {
		c.Stage = StageNegotiation
	}
	if !c.Stage.Valid() {
		f.Add("stage", "must be one of negotiation, lawyer_letter, installment, payment_order, litigation, arbitration, enforcement, closed")
	}
	return f.Err()
}

// CasePatch is a partial update: nil fields are left alone.
type CasePatch struct {
	Number     *string `json:"number"`
	Title      *string `json:"title"`
	Creditor   *Party  `json:"creditor"`
	Debtor     *Party  `json:"debtor"`
	Principal  *Money  `json:"principal"`
	Interest   *Money  `json:"interest"`
	Currency   *string `json:"currency"`
	ContractNo *string `json:"contract_no"`
	DueDate    *Date   `json:"due_date"`
	Stage      *Stage  `json:"stage"`
}

// Validate refuses a stage or currency set to "": on a new case that means
// the default, but an edit must not quietly move a case in litigation back
// to negotiation or turn its USD amounts into CNY.
func (p *CasePatch) Validate() error {
	var f Fields
	if p.Stage != nil && *p.Stage == "" {
		f.Add("stage", "must be one of negotiation, lawyer_letter, installment, payment_order, litigation, arbitration, enforcement, closed")
	}
	if p.Currency != nil && *p.Currency == "" {
		f.Add("currency", "must be an ISO 4217 code such as CNY")
	}
	return f.Err()
}

// Apply copies the set fields of p onto c.
func (p *CasePatch) Apply(c *Case) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&c.Number, p.Number)
	set(&c.Title, p.Title)
	set(&c.Currency, p.Currency)
	set(&c.ContractNo, p.ContractNo)
	if p.Creditor != nil {
		c.Creditor = *p.Creditor
	}
	if p.Debtor != nil {
		c.Debtor = *p.Debtor
	}
	if p.Principal != nil {
		c.Principal = *p.Principal
	}
	if p.Interest != nil {
		c.Interest = *p.Interest
	}
	if p.DueDate != nil {
		c.DueDate = *p.DueDate
	}
	if p.Stage != nil {
		c.Stage = *p.Stage
	}
}

// CaseFilter selects cases for a list.
type CaseFilter struct {
	Bucket Bucket
	Stage  Stage
	Q      string // substring of number, title, contract number or party names
	// Visible restricts the list to these case IDs when Restricted is set
	// (an external user sees only granted cases).
	Restricted bool
	Visible    []string
	Today      Date // for bucket windows
	Page
}

// Page is the common list window: Limit (1–500, default 50) and an opaque
// Cursor from the previous page.
type Page struct {
	Limit  int
	Cursor string
}

// Channel is how a communication with the debtor took place.
type Channel string

// Channels lists the accepted communication channels.
var Channels = []Channel{"phone", "sms", "email", "visit", "letter", "wechat", "other"}

// Communication is one append-only contact record with the debtor.
type Communication struct {
	ID            string    `json:"id"`
	CaseID        string    `json:"case_id"`
	OccurredAt    time.Time `json:"occurred_at"`
	Channel       Channel   `json:"channel"`
	Summary       string    `json:"summary"`
	Outcome       string    `json:"outcome"`
	PromiseAmount *Money    `json:"promise_amount"`
	PromiseDate   *Date     `json:"promise_date"`
	EvidenceIDs   []string  `json:"evidence_ids"`
	// Interruption is "demand", "acknowledgment" or empty: what this contact
	// means for the limitation period (see recovery.go).
	Interruption string    `json:"interruption"`
	Flags        []string  `json:"flags"` // compliance flags, e.g. outside_hours
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// MinDate is the earliest date a record of the debt may carry: an earlier
// one is a typing error (0000-01-01), and a contact or a piece of evidence
// dated so would date a limitation period.
var MinDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// ClockSkew is how far after the server's clock a time the client gives
// for something that already happened (a contact, a piece of evidence) may
// lie: the two clocks may differ by that much.
const ClockSkew = 5 * time.Minute

// Validate checks a new communication. Its time is a full RFC 3339 time:
// one later than now (beyond ClockSkew) has not happened yet. A contact
// dated a day ahead would have moved the limitation deadline it
// interrupts by a day.
func (m *Communication) Validate(now time.Time) error {
	var f Fields
	if m.OccurredAt.IsZero() {
		f.Add("occurred_at", "is required (RFC 3339)")
	} else if m.OccurredAt.After(now.Add(ClockSkew)) {
		f.Add("occurred_at", "must not be in the future")
	} else if m.OccurredAt.Before(MinDate) {
		f.Add("occurred_at", "must not be before 1900-01-01")
	}
	ok := false
	for _, c := range Channels {
		ok = ok || c == m.Channel
	}
	if !ok {
		f.Add("channel", "must be one of phone, sms, email, visit, letter, wechat, other")
	}
	m.Summary = strings.TrimSpace(m.Summary)
	if m.Summary == "" {
		f.Add("summary", "is required")
	} else if utf8.RuneCountInString(m.Summary) > 10000 {
		f.Add("summary", "must be at most 10000 characters")
	}
	if m.PromiseAmount != nil && *m.PromiseAmount <= 0 {
		f.Add("promise_amount", "must be greater than zero")
	}
	if m.Interruption != "" && m.Interruption != InterruptionDemand && m.Interruption != InterruptionAcknowledgment {
		f.Add("interruption", "must be demand, acknowledgment or empty")
	}
	if m.EvidenceIDs == nil {
		m.EvidenceIDs = []string{}
	}
	if m.Flags == nil {
		m.Flags = []string{}
	}
	return f.Err()
}

// CaseStore keeps cases and their communications.
type CaseStore interface {
	// CreateCase stores c with a new ID. ECONFLICT if the number is taken.
	CreateCase(ctx context.Context, c *Case) error
	// Case returns the case with id. ENOTFOUND if there is none.
	Case(ctx context.Context, id string) (*Case, error)
	// ListCases returns one page of matching cases, the total and the next cursor.
	ListCases(ctx context.Context, f CaseFilter) (items []*Case, total int, next string, err error)
	// UpdateCase stores every field of c. ENOTFOUND, or ECONFLICT on a taken number.
	UpdateCase(ctx context.Context, c *Case) error
	// AddCommunication appends m. ENOTFOUND if the case is absent.
	AddCommunication(ctx context.Context, m *Communication) error
	// Communications lists a case's communications, oldest first.
	Communications(ctx context.Context, caseID string) ([]*Communication, error)
	// DebtorCommunications lists the communications, across all cases, with
	// the debtor of that name that occurred in [from, to), oldest first.
	DebtorCommunications(ctx context.Context, debtorName string, from, to time.Time) ([]*Communication, error)
}
