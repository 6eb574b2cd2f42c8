package sqlstore

// CountEventsQuery is the statement CountEvents runs, for plan tests.
var CountEventsQuery = countEventsQuery
