package recovery

// SetMaxInList lets tests force the scanning path of NearDeadline.
func SetMaxInList(n int) (restore func()) {
	old := maxInList
	maxInList = n
	return func() { maxInList = old }
}
