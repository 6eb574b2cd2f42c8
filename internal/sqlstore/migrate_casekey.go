package sqlstore

import (
	"context"
	"fmt"
)

// fillCaseKeys sets number_key and contract_no_key (see numberKey) where
// they are NULL: on cases stored before migration 00013, and on any written
// since by an older binary, which does not know the columns. It runs each
// time the store is migrated at open; once every key is set it only reads.
func (db *DB) fillCaseKeys(ctx context.Context) error {
	type row struct{ id, number, contractNo string }
	var missing []row
	rows, err := db.sql.QueryContext(ctx, `SELECT id, number, contract_no FROM cases
		WHERE number_key IS NULL OR contract_no_key IS NULL`)
	if err != nil {
		return fmt.Errorf("sqlstore: fill case keys: %w", err)
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.number, &r.contractNo); err != nil {
			rows.Close()
			return fmt.Errorf("sqlstore: fill case keys: %w", err)
		}
		missing = append(missing, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: fill case keys: %w", err)
	}
	if len(missing) == 0 {
		return nil
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: fill case keys: %w", err)
	}
	defer tx.Rollback()
	for _, r := range missing {
		// Only if the numbers are still those read: a server already
		// running on this database may have renumbered the case (and set
		// its keys) meanwhile.
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET number_key=$2, contract_no_key=$3
			WHERE id=$1 AND number=$4 AND contract_no=$5`,
			r.id, numberKey(r.number), numberKey(r.contractNo), r.number, r.contractNo); err != nil {
			return fmt.Errorf("sqlstore: fill case keys: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: fill case keys: %w", err)
	}
	return nil
}
