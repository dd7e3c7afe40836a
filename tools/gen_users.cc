// gen-users: writes a CSV of N generated users for demos, tests and benchmarks.
//   gen-users --count 100000 [--groups 00g1,00g2] [--awkward] [--start K] [-o users.csv]
// Rows are deterministic (user<K>@example.com ...). --awkward puts commas, doubled quotes,
// embedded newlines and non-ASCII letters in the name and custom columns, all valid data.
#include <charconv>
#include <cstdio>
#include <string>
#include <vector>

#include "pipeline/csv_writer.h"

namespace {

void Usage() {
  std::fputs("usage: gen-users --count N [--start K] [--groups ID,ID,...] [--awkward] [-o PATH]\n",
             stderr);
}

}  // namespace

int main(int argc, char** argv) {
  long long count = -1, start = 1;
  std::string out_path = "-";
  std::vector<std::string> groups;
  bool awkward = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        Usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--count") {
      count = std::atoll(value().c_str());
    } else if (a == "--start") {
      start = std::atoll(value().c_str());
    } else if (a == "-o") {
      out_path = value();
    } else if (a == "--groups") {
      std::string v = value();
      std::size_t pos = 0;
      while (pos <= v.size()) {
        std::size_t comma = v.find(',', pos);
        std::string g = v.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        if (!g.empty()) groups.push_back(g);
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    } else if (a == "--awkward") {
      awkward = true;
    } else {
      Usage();
      return 2;
    }
  }
  if (count < 0) {
    Usage();
    return 2;
  }
  FILE* out = out_path == "-" ? stdout : std::fopen(out_path.c_str(), "w");
  if (!out) {
    std::perror(out_path.c_str());
    return 2;
  }
  std::string buf;
  okta_bulk::AppendCsvRecord(&buf, {"login", "email", "firstName", "lastName", "password",
                                    "groupId", "department", "employeeNumber"});
  static const char* kFirst[] = {"Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances"};
  static const char* kLast[] = {"Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen"};
  static const char* kAwkFirst[] = {"José", "Zoë, Jr.", "Ann \"Annie\"", "Ümit"};
  static const char* kAwkDept[] = {"R&D, Europe", "Sales\nNorth", "\"Ops\"", "Zürich"};
  for (long long i = start; i < start + count; ++i) {
    std::string n = std::to_string(i);
    std::string login = "user" + n + "@example.com";
    std::string first = awkward ? kAwkFirst[i % 4] : kFirst[i % 8];
    std::string last = kLast[(i / 8) % 8];
    std::string password = "Pw" + n + "-secret-Ab9";
    std::string group = groups.empty() ? "" : groups[i % groups.size()];
    std::string dept = awkward ? kAwkDept[i % 4] : "Dept " + std::to_string(i % 17);
    okta_bulk::AppendCsvRecord(&buf, {login, login, first, last, password, group, dept, n});
    if (buf.size() > (1 << 16)) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
  if (out != stdout) std::fclose(out);
  return 0;
}
