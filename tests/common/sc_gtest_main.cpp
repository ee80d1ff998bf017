// GoogleTest entry point for binaries that link SystemC: SystemC owns main()
// and calls sc_main, so the tests run from here. ctest runs each discovered
// test in its own process, which gives every test a fresh SystemC kernel.
#include <gtest/gtest.h>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
