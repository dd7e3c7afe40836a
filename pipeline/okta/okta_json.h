// Okta request encoding and response reading. Pure functions; no I/O.
// Responses are read with simdjson On-Demand; what is kept is copied out, so no parsed
// document outlives the call.
#pragma once
#include <simdjson.h>

#include <string>
#include <string_view>

#include "net/json_text.h"  // AppendJsonString

namespace okta_bulk {

// `body` as simdjson reads it in place: simdjson needs SIMDJSON_PADDING readable bytes after
// the document, so the string's capacity grows when it has less (its content is unchanged).
// The view lives as long as `body` is not changed. The one copy of this helper.
simdjson::padded_string_view PaddedJson(std::string& body);

// Percent-encodes a path segment (RFC 3986 unreserved characters stay as they are), so a
// login like "a+b@x.com" becomes "a%2Bb%40x.com".
std::string UrlEncodePathSegment(std::string_view s);
// Percent-encodes a query value.
std::string UrlEncodeQueryValue(std::string_view s);

// The parts of an Okta User object the pipeline records.
struct UserSummary {
  std::string id;
  std::string status;
  std::string created;  // "2026-11-29T10:00:00.000Z", as sent
  std::string login;    // profile.login, "" when the answer has none
};

// Whether `user`, read from an answer, is the user the request asked for: the same id when
// `asked_id` is set, else a login that folds like `asked_login` (Okta also finds a user by
// the part of the login before '@' when the row gives only that). An answer without a login
// is not judged by login. A mismatch means the answer belongs to another request (a hostile
// or broken peer shifted the pairing, issue 13): it must never be recorded for this row.
bool IsAnswerFor(const UserSummary& user, std::string_view asked_id, std::string_view asked_login);

// The parts of an Okta error body (contract §3).
struct OktaError {
  std::string code;     // "E0000001", or "" when the body is not an Okta error
  std::string summary;  // errorSummary
  std::string causes;   // every errorCauses[].errorSummary, joined with "; "
  // "summary: causes" (or whichever is present), for the results file.
  std::string Describe() const;
  bool LoginAlreadyExists() const;  // E0000001 whose causes say the login exists
};

// Reuses one simdjson parser (one per worker). Not thread-safe.
class ResponseReader {
 public:
  // Reads a User object. Returns false (and sets `error`) when the body is not a JSON
  // object with a string "id".
  bool ReadUser(std::string& body, UserSummary* out, std::string* error);
  // Reads an Okta error body; a body that is not an Okta error yields code "" and a
  // summary that quotes the start of the body.
  OktaError ReadError(std::string& body);

 private:
  simdjson::ondemand::parser parser_;
};

}  // namespace okta_bulk
