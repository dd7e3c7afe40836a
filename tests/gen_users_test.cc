// gen-users, the data generator, as a child process.
#include <gtest/gtest.h>

#include "tests/testing/subprocess.h"

namespace okta_bulk::testing {
namespace {

TEST(GenUsersTest, HelpPrintsTheUsageOnStdoutAndExitsZero) {
  for (const char* flag : {"--help", "-h"}) {
    ProcessResult run = RunProcess({GEN_USERS_PATH, flag});
    EXPECT_EQ(run.exit_code, 0) << flag << ": " << run.err;
    EXPECT_EQ(run.out.rfind("usage: gen-users --count N", 0), 0u) << flag << ": " << run.out;
    EXPECT_EQ(run.err, "") << flag;
  }
}

TEST(GenUsersTest, AMistakePrintsTheUsageOnStderrAndExitsTwo) {
  ProcessResult run = RunProcess({GEN_USERS_PATH, "--frobnicate"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err.rfind("usage: gen-users", 0), 0u) << run.err;
}

}  // namespace
}  // namespace okta_bulk::testing
