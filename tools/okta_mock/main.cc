// okta-mock: a local imitation of an Okta org for tests and benchmarks. See --help.
#include <iostream>
#include <string>
#include <vector>

#include "tools/build_info.h"
#include "tools/okta_mock/mock_options.h"
#include "tools/okta_mock/mock_server.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "--version") {
    std::cout << okta_bulk::VersionText("okta-mock");
    return 0;
  }
  std::string error;
  auto options = okta_bulk::mock::ParseMockOptions(args, &error);
  if (!options) {
    std::cerr << "okta-mock: " << error << "\n";
    return 2;
  }
  if (options->help) {
    std::cout << okta_bulk::mock::MockUsage();
    return 0;
  }
  return okta_bulk::mock::RunMockServer(*options, std::cout);
}
