// Package testenv starts and finds the real backends that integration tests
// run against (PostgreSQL, MinIO), as restic's tests start a live
// `minio server`. A backend that is not available skips the test, unless
// DOSSIER_TEST_REQUIRE names it (`make test` sets
// DOSSIER_TEST_REQUIRE=postgres,minio), in which case the test fails: CI
// cannot pass by silently skipping.
//
// Packages that start servers should stop them when the test binary ends:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		testenv.Stop()
//		os.Exit(code)
//	}
package testenv
