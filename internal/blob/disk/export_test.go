package disk

// NewBuffered is New with direct I/O off, for the contract suite's run of
// the fallback path.
func NewBuffered(root string) (*Store, error) {
	s, err := New(root)
	if err != nil {
		return nil, err
	}
	s.buffered = true
	return s, nil
}
