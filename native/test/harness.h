// The harness every native/test/*_driver_test.cc shares: the PASS/FAIL lines that
// scripts/test-counts.mjs reads (one check per line; numbers in a line do not name the check), the
// failure count, the check that sk::cuda's launchers throw cleanly where no device is usable, the
// device and ISA lines, and the closing summary line that is main's exit status.
//
// A test defines SK_TEST_DRIVERS as its domain's driver header before including this one, which
// declares that driver twice: as sk::cpu (the CPU loops) and as sk::cuda (the Thrust launchers).
#pragma once

#ifndef SK_TEST_DRIVERS
#error "define SK_TEST_DRIVERS (e.g. \"drivers/quat.h\") before including test/harness.h"
#endif
#undef SK_DRIVER_NS
#define SK_DRIVER_NS sk::cpu
#include SK_TEST_DRIVERS
#undef SK_DRIVER_NS
#define SK_DRIVER_NS sk::cuda
#include SK_TEST_DRIVERS
#undef SK_DRIVER_NS

#include <stdio.h>

#include <stdexcept>
#include <string>

#include "cpu/dispatch.h"
#include "cuda/status.h"

namespace sk_test {

inline int failures = 0;  // failing check lines so far

/** "PASS what" or "FAIL what: detail"; a failure counts. */
inline void report(bool ok, const std::string& what, const std::string& detail = "") {
  printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", what.c_str(), detail.empty() ? "" : ": ", detail.c_str());
  failures += !ok;
}

/** A check of one driver, its name in a column: "PASS sk::cpu    what". */
inline void report(bool ok, const char* driver, const std::string& what) {
  printf("%s %-9s %s\n", ok ? "PASS" : "FAIL", driver, what.c_str());
  failures += !ok;
}

/**
 * Whether sk::cuda has a usable device. Without one, prints "SKIP cuda: <reason>" and checks that
 * `launch()` (one call of the launcher named `launcher`) throws std::runtime_error carrying the
 * reason — never aborts, returns, or throws anything else.
 */
template <class Launch>
bool cuda_usable(const char* launcher, Launch launch) {
  std::string reason;
  if (sk::cuda::available(&reason)) {
    printf("cuda: %s\n", sk::cuda::device_summary().c_str());
    return true;
  }
  printf("SKIP cuda: %s\n", reason.c_str());
  const std::string what = std::string("sk::cuda unavailable: ") + launcher;
  try {
    launch();
    report(false, what + " did not throw");
  } catch (const std::runtime_error& e) {
    report(std::string(e.what()).find(reason) != std::string::npos, what + " throws std::runtime_error carrying the reason", e.what());
  } catch (...) {
    report(false, what + " threw something other than std::runtime_error");
  }
  return false;
}

/** "sk::cpu ISA: <level>" — a run started with SPATIALKIT_ISA must report that level or lower. */
inline void print_isa() { printf("sk::cpu ISA: %s\n", sk::isa_name(sk::isa())); }

/** The closing line and main's exit status. */
inline int finish(const char* test) {
  printf("%s %s: %d failing line(s)\n", failures ? "FAIL" : "PASS", test, failures);
  return failures ? 1 : 0;
}

}  // namespace sk_test
