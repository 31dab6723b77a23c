// libsystemc's own main() calls sc_main(); whichever main() the linker picks (SystemC's or
// gtest_main's), the tests run.
#include <gtest/gtest.h>
#include <systemc>  // declares sc_main extern "C"

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
