package bundle

// SetRawLimit lets tests send small originals down the path large ones take.
func SetRawLimit(n int64) (restore func()) {
	old := rawLimit
	rawLimit = n
	return func() { rawLimit = old }
}
