// gen-users: writes a CSV of N generated users for demos, tests and benchmarks.
//   gen-users --count 100000 [--groups 00g1,00g2] [--groups-per-user K] [--awkward] [--typed]
//             [--hashes] [--start K] [-o users.csv]
// Rows are deterministic (user<K>@example.com ...). --awkward puts commas, doubled quotes,
// embedded newlines and non-ASCII letters in the name and custom columns, all valid data.
// --groups-per-user K gives each user K of the groups (default 1). --typed adds typed
// custom columns (age:integer, score:number, vip:boolean, tags:string[]). --hashes replaces
// the password with a bcrypt string in passwordHash (well-formed, not a real hash).
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <cstdio>
#include <string>
#include <vector>

#include "pipeline/csv/csv_writer.h"
#include "tools/build_info.h"

namespace {

// On stdout for --help (asked for, exit 0), on stderr after a mistake (exit 2).
void Usage(std::FILE* to = stderr) {
  std::fputs("usage: gen-users --count N [--start K] [--groups ID,ID,...] [--groups-per-user K]\n"
             "                 [--awkward] [--typed] [--hashes] [-o PATH]\n"
             "       gen-users --version\n",
             to);
}

}  // namespace

int main(int argc, char** argv) {
  long long count = -1, start = 1;
  std::string out_path = "-";
  std::vector<std::string> groups;
  bool awkward = false, typed = false, hashes = false;
  long long groups_per_user = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        Usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      Usage(stdout);
      return 0;
    } else if (a == "--version") {
      std::fputs(okta_bulk::VersionText("gen-users").c_str(), stdout);
      return 0;
    } else if (a == "--count") {
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
    } else if (a == "--typed") {
      typed = true;
    } else if (a == "--hashes") {
      hashes = true;
    } else if (a == "--groups-per-user") {
      groups_per_user = std::atoll(value().c_str());
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
  std::vector<std::string> header = {"login", "email", "firstName", "lastName",
                                     hashes ? "passwordHash" : "password",
                                     "groupId", "department", "employeeNumber"};
  if (typed) header.insert(header.end(), {"age:integer", "score:number", "vip:boolean", "tags:string[]"});
  okta_bulk::AppendCsvRecord(&buf, std::span<const std::string>(header));
  static const char* kFirst[] = {"Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances"};
  static const char* kLast[] = {"Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen"};
  static const char* kAwkFirst[] = {"José", "Zoë, Jr.", "Ann \"Annie\"", "Ümit"};
  static const char* kAwkDept[] = {"R&D, Europe", "Sales\nNorth", "\"Ops\"", "Zürich"};
  static const char kRadix64[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (long long i = start; i < start + count; ++i) {
    std::string n = std::to_string(i);
    std::string login = "user" + n + "@example.com";
    std::string first = awkward ? kAwkFirst[i % 4] : kFirst[i % 8];
    std::string last = kLast[(i / 8) % 8];
    std::string password = "Pw" + n + "-secret-Ab9";
    if (hashes) {
      password = "$2b$10$";
      uint64_t x = static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull + 1;
      for (int k = 0; k < 53; ++k) {
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9ull;
        password.push_back(kRadix64[(x >> 40) % 64]);
      }
    }
    std::string group;
    for (long long k = 0; k < groups_per_user && k < static_cast<long long>(groups.size()); ++k) {
      if (!group.empty()) group.push_back(';');
      group += groups[(i + k) % groups.size()];
    }
    std::string dept = awkward ? kAwkDept[i % 4] : "Dept " + std::to_string(i % 17);
    std::vector<std::string> row = {login, login, first, last, password, group, dept, n};
    if (typed) {
      row.push_back(std::to_string(18 + i % 60));
      row.push_back(std::to_string(i % 1000) + "." + std::to_string(i % 7) + "5");
      row.push_back(i % 3 ? "true" : "false");
      row.push_back(i % 5 ? "t" + std::to_string(i % 4) + ";shared" : "");
    }
    okta_bulk::AppendCsvRecord(&buf, std::span<const std::string>(row));
    if (buf.size() > (1 << 16)) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
  if (out != stdout) std::fclose(out);
  return 0;
}
