// Test helpers that start the project's own executables (okta-mock, okta-bulk, gen-users)
// as child processes on this machine. Only loopback servers are ever started.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace okta_bulk::testing {

// A running okta-mock child: started with `--port 0` plus `args`; the constructor reads the
// first stdout line to learn the base URL. The destructor kills (SIGTERM, then SIGKILL) and
// reaps the child. Fails the current test (ADD_FAILURE) and leaves port()==0 when startup fails.
class MockProcess {
 public:
  explicit MockProcess(std::vector<std::string> args = {});
  ~MockProcess();
  MockProcess(const MockProcess&) = delete;
  MockProcess& operator=(const MockProcess&) = delete;

  const std::string& base_url() const { return base_url_; }  // "http://127.0.0.1:<port>"
  uint16_t port() const { return port_; }
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  uint16_t port_ = 0;
  std::string base_url_;
};

struct ProcessResult {
  int exit_code = -1;      // WEXITSTATUS, or 128+signal when killed by a signal
  std::string out;         // everything written to stdout
  std::string err;         // everything written to stderr
};

// Runs `argv` (argv[0] is the executable path) with `env` added to the current environment,
// waits for it (killing it after `timeout_seconds`), and returns its exit code and output.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         int timeout_seconds = 300);

}  // namespace okta_bulk::testing
