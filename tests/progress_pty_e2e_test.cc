// The live progress line as a terminal shows it: okta-bulk runs on a pseudo-terminal
// (forkpty) against okta-mock, the window is set to 120, 80 and 60 columns with TIOCSWINSZ
// while it runs, and what it drew is read back from the terminal's master side: which fields
// survive at each width, that no line is wider than the terminal, and that after the window
// shrinks the next redraw first clears the rows the longer line now takes (issue 19).
// okta-mock on 127.0.0.1, port 0.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/testing/import_fixture.h"

namespace okta_bulk::testing {
namespace {

struct Phase {
  int columns;
  std::string output;  // what was read while the window had these columns
};

std::string Users(int n) {
  std::string csv = "login,email,firstName,lastName\n";
  for (int i = 0; i < n; ++i) {
    const std::string login = "p" + std::to_string(i) + "@example.com";
    csv += login + "," + login + ",P,User" + std::to_string(i) + "\n";
  }
  return csv;
}

// The progress lines drawn in `output`: the text after each "\r\x1b[J" up to the next
// control character.
std::vector<std::string> DrawnLines(const std::string& output) {
  std::vector<std::string> lines;
  const std::string mark = "\r\x1b[J";
  for (std::size_t at = output.find(mark); at != std::string::npos; at = output.find(mark, at)) {
    at += mark.size();
    std::size_t end = at;
    while (end < output.size() && static_cast<unsigned char>(output[end]) >= 0x20) ++end;
    if (end > at) lines.push_back(output.substr(at, end - at));
  }
  return lines;
}

bool Has(const std::string& line, const char* text) { return line.find(text) != std::string::npos; }

TEST(ProgressPtyEndToEndTest, FieldsSurviveByPriorityAsTheTerminalNarrowsAndResizesLeaveNoFragment) {
  TempDir dir;
  // 300 creates at 50 a second: about 6 s, the create bucket the limit.
  MockProcess mock({"--window", "1", "--limits", "create=50", "--latency-ms", "5"});
  ASSERT_NE(mock.port(), 0);
  dir.Write("users.csv", Users(300));

  winsize ws{};
  ws.ws_row = 24;
  ws.ws_col = 120;
  int master = -1;
  const std::string results = dir.File("results.csv"), input = dir.File("users.csv");
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &ws);
  if (pid < 0) GTEST_SKIP() << "no pseudo-terminal available here";
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::setenv("OKTA_CLIENT_ORGURL", mock.base_url().c_str(), 1);
    ::setenv("OKTA_CLIENT_TOKEN", "test-token", 1);
    ::setenv("NO_COLOR", "1", 1);  // plain text: columns are characters
    ::execl(OKTA_BULK_PATH, OKTA_BULK_PATH, "import", input.c_str(), "-o", results.c_str(),
            "--concurrency", "8", static_cast<char*>(nullptr));
    ::_exit(127);
  }

  std::vector<Phase> phases = {{120, {}}, {80, {}}, {60, {}}};
  std::size_t phase = 0;
  const auto start = std::chrono::steady_clock::now();
  auto phase_started = start;
  int status = 0;
  bool exited = false;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    ASSERT_LT(now - start, std::chrono::seconds(120)) << "okta-bulk did not finish";
    if (phase + 1 < phases.size() && now - phase_started > std::chrono::milliseconds(1500)) {
      ++phase;
      phase_started = now;
      ws.ws_col = static_cast<unsigned short>(phases[phase].columns);
      ASSERT_EQ(::ioctl(master, TIOCSWINSZ, &ws), 0);
    }
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) {
      char buf[4096];
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n > 0) {
        phases[phase].output.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (exited) break;  // EIO: the child side is closed and everything was read
    }
    if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) exited = true;
    else if (exited && p.revents == 0) break;
  }
  ::close(master);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << phases[0].output << phases[1].output << phases[2].output;
  ASSERT_EQ(phase, 2u) << "the run ended before the last resize";

  for (const Phase& ph : phases) {
    std::vector<std::string> lines = DrawnLines(ph.output);
    ASSERT_GE(lines.size(), 3u) << ph.columns << " columns:\n" << ph.output;
    // The first line of a phase may have been drawn just before the resize.
    lines.erase(lines.begin());
    bool any_limit = false, any_in_flight = false;
    for (const std::string& line : lines) {
      SCOPED_TRACE(std::to_string(ph.columns) + " columns: '" + line + "'");
      EXPECT_LT(line.size(), static_cast<std::size_t>(ph.columns)) << "the last column stays free";
      EXPECT_TRUE(Has(line, "/300")) << "done/total";
      EXPECT_TRUE(Has(line, "/s")) << "rate";
      EXPECT_TRUE(Has(line, "ETA ")) << "ETA";
      EXPECT_TRUE(Has(line, "429s ")) << "429s";
      if (ph.columns == 60) {
        // In 60 columns the limiting factor leaves no room for in flight, nor for elapsed.
        if (Has(line, "limit:")) {
          EXPECT_FALSE(Has(line, "in flight"));
        }
        EXPECT_FALSE(Has(line, "elapsed"));
      }
      if (ph.columns == 120) {
        EXPECT_TRUE(Has(line, "in flight")) << "in flight";
      }
      // A field is only ever shown with every more useful one before it.
      if (Has(line, "in flight") && Has(line, "limit:")) {
        EXPECT_LT(line.find("limit:"), line.find("in flight"));
      }
      if (Has(line, "elapsed")) {
        EXPECT_TRUE(Has(line, "in flight"));
      }
      any_limit |= Has(line, "limit:");
      any_in_flight |= Has(line, "in flight");
    }
    if (ph.columns == 120) {
      EXPECT_TRUE(any_limit) << "the create bucket limits this run";
      EXPECT_TRUE(any_in_flight);
    }
  }
  // A line about 100 columns wide drawn at 120 takes two rows at 80 and at 60 on a terminal
  // that re-wraps: the first redraw after each shrink goes up a row before clearing.
  for (std::size_t i = 1; i < phases.size(); ++i)
    EXPECT_NE(phases[i].output.find("\x1b[1A\r\x1b[J"), std::string::npos)
        << phases[i].columns << " columns:\n" << phases[i].output;
}

}  // namespace
}  // namespace okta_bulk::testing
