#include "pipeline/okta/okta_json.h"

#include "net/url_encoding.h"
#include "pipeline/rows/login_fold.h"

#include <cstdio>

namespace okta_bulk {

simdjson::padded_string_view PaddedJson(std::string& body) {
  if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING)
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
}

namespace {

std::string Excerpt(std::string_view body) {
  std::string out;
  for (unsigned char c : body.substr(0, 120)) out.push_back(c < 0x20 ? ' ' : static_cast<char>(c));
  if (body.size() > 120) out += "...";
  return out;
}

}  // namespace

std::string UrlEncodePathSegment(std::string_view s) { return PercentEncode(s); }
std::string UrlEncodeQueryValue(std::string_view s) { return PercentEncode(s); }

std::string OktaError::Describe() const {
  if (summary.empty()) return causes;
  if (causes.empty() || causes == summary) return summary;
  // "Api validation failed: password" with the cause "password: Password requirements...":
  // the field once, "Api validation failed: password: Password requirements...".
  const std::size_t colon = summary.rfind(": ");
  if (colon != std::string::npos) {
    const std::string_view field = std::string_view(summary).substr(colon + 2);
    if (!field.empty() && causes.size() > field.size() && causes.starts_with(field) &&
        causes[field.size()] == ':')
      return summary.substr(0, colon) + ": " + causes;
  }
  if (summary.back() == '.') return summary + " " + causes;  // a sentence, then its causes
  return summary + ": " + causes;
}

bool OktaError::LoginAlreadyExists() const {
  return code == "E0000001" && causes.find("already exists") != std::string::npos &&
         (causes.find("login") != std::string::npos || summary.find("login") != std::string::npos);
}

bool ResponseReader::ReadUser(std::string& body, UserSummary* out, std::string* error) {
  using namespace simdjson;
  ondemand::document doc;
  if (parser_.iterate(PaddedJson(body)).get(doc)) {
    *error = "response is not JSON: " + Excerpt(body);
    return false;
  }
  ondemand::object obj;
  if (doc.get_object().get(obj)) {
    *error = "response is not a JSON object: " + Excerpt(body);
    return false;
  }
  out->id.clear();
  out->status.clear();
  out->created.clear();
  out->login.clear();
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) break;
    std::string_view value;
    if (key == "id") {
      if (!field.value().get_string().get(value)) out->id = value;
    } else if (key == "status") {
      if (!field.value().get_string().get(value)) out->status = value;
    } else if (key == "created") {
      if (!field.value().get_string().get(value)) out->created = value;
    } else if (key == "profile") {
      ondemand::object profile;
      if (field.value().get_object().get(profile)) continue;
      for (auto attribute : profile) {
        std::string_view name;
        if (attribute.unescaped_key().get(name)) break;
        if (name == "login" && !attribute.value().get_string().get(value)) out->login = value;
      }
    }
  }
  if (out->id.empty()) {
    *error = "response has no user id: " + Excerpt(body);
    return false;
  }
  return true;
}

bool IsAnswerFor(const UserSummary& user, std::string_view asked_id, std::string_view asked_login) {
  if (!asked_id.empty()) return user.id == asked_id;
  if (user.login.empty() || asked_login.empty()) return true;
  const std::string answered = FoldLogin(user.login), asked = FoldLogin(asked_login);
  if (answered == asked) return true;
  // GET /api/v1/users/{login shortname}: "isaac" finds the user whose login is
  // "isaac@<domain>" (Okta: "ID, login, or login shortname").
  return asked.find('@') == std::string::npos && answered.size() > asked.size() &&
         answered.compare(0, asked.size(), asked) == 0 && answered[asked.size()] == '@';
}

OktaError ResponseReader::ReadError(std::string& body) {
  using namespace simdjson;
  OktaError e;
  ondemand::document doc;
  ondemand::object obj;
  if (parser_.iterate(PaddedJson(body)).get(doc) || doc.get_object().get(obj)) {
    e.summary = body.empty() ? "empty response body" : "unexpected response: " + Excerpt(body);
    return e;
  }
  bool ok = true;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) {
      ok = false;
      break;
    }
    std::string_view value;
    if (key == "errorCode") {
      if (!field.value().get_string().get(value)) e.code = value;
    } else if (key == "errorSummary") {
      if (!field.value().get_string().get(value)) e.summary = value;
    } else if (key == "errorCauses") {
      ondemand::array causes;
      if (field.value().get_array().get(causes)) continue;
      for (auto cause : causes) {
        ondemand::object c;
        if (cause.get_object().get(c)) continue;
        std::string_view s;
        if (c["errorSummary"].get_string().get(s)) continue;
        if (!e.causes.empty()) e.causes += "; ";
        e.causes += s;
      }
    } else if (key == "error_description" || key == "error") {
      // OAuth-shaped errors (token endpoint, Bearer/DPoP failures).
      if (!field.value().get_string().get(value)) {
        if (key == "error" && e.code.empty()) e.code = value;
        if (key == "error_description") e.summary = value;
      }
    }
  }
  if (!ok && e.summary.empty()) e.summary = "malformed error body: " + Excerpt(body);
  return e;
}

}  // namespace okta_bulk
