#include "pipeline/okta/okta_scopes.h"

#include <initializer_list>

namespace okta_bulk {
namespace {

constexpr std::string_view kUsers = "/api/v1/users";
constexpr std::string_view kGroups = "/api/v1/groups";
constexpr std::string_view kSchemas = "/api/v1/meta/schemas/user";

bool Under(std::string_view path, std::string_view prefix) {
  return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

// The path with the collection's prefix taken off, split into at most 4 segments; the count.
int Segments(std::string_view rest, std::string_view* seg) {
  int n = 0;
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  while (!rest.empty() && n < 4) {
    std::size_t slash = rest.find('/');
    seg[n++] = rest.substr(0, slash);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return n;
}

}  // namespace

std::string_view RequiredScope(std::string_view method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const bool read = method == "GET";
  std::string_view seg[4];
  if (Under(path, kUsers)) {
    const int n = Segments(path.substr(kUsers.size()), seg);
    // GET /users, /users/{id}, /users/{id}/groups read; creates, updates, deletes and the
    // lifecycle calls manage. Roles and risk have scopes of their own (not sent by okta-bulk).
    if (n >= 2 && (seg[1] == "roles" || seg[1] == "risk")) return {};
    return read ? "okta.users.read" : "okta.users.manage";
  }
  if (Under(path, kGroups)) {
    const int n = Segments(path.substr(kGroups.size()), seg);
    if (n >= 2 && seg[1] == "roles") return {};
    return read ? "okta.groups.read" : "okta.groups.manage";
  }
  if (Under(path, kSchemas)) {
    const int n = Segments(path.substr(kSchemas.size()), seg);
    if (n >= 1 && seg[0] == "linkedObjects") return {};
    return read ? "okta.schemas.read" : "okta.schemas.manage";
  }
  return {};
}

// The operation's path as the API reference spells it: ids and logins become {id},
// {groupId}, {userId} (a message must not hold a login, and the same refusal reads the same
// for every row).
std::string PathTemplate(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  std::string_view seg[4];
  std::string out;
  auto join = [&](std::string_view prefix, int n, std::initializer_list<std::string_view> names) {
    out = prefix;
    int i = 0;
    for (std::string_view name : names) {
      if (i >= n) break;
      out += '/';
      out += name.empty() ? seg[i] : name;
      ++i;
    }
    for (; i < n; ++i) {
      out += '/';
      out += seg[i];
    }
  };
  if (Under(path, kUsers)) {
    join(kUsers, Segments(path.substr(kUsers.size()), seg), {"{id}"});
  } else if (Under(path, kGroups)) {
    join(kGroups, Segments(path.substr(kGroups.size()), seg), {"{groupId}", "", "{userId}"});
  } else {
    out = path;
  }
  return out;
}

std::string MissingScopeAdvice(std::string_view method, std::string_view target) {
  const std::string_view scope = RequiredScope(method, target);
  std::string out(method);
  out += ' ';
  out += PathTemplate(target);
  if (scope.empty()) {
    out += " needs an OAuth scope the app's token does not have";
  } else {
    out += " needs the OAuth scope ";
    out += scope;
    // A .manage scope also grants reading: name both so that either is granted.
    if (scope.ends_with(".read")) {
      out += " (or ";
      out += scope.substr(0, scope.size() - 4);
      out += "manage)";
    }
  }
  out += ": grant it to the service app (Admin Console: Applications > the app > Okta API Scopes), "
         "then include it in --scopes";
  return out;
}

}  // namespace okta_bulk
