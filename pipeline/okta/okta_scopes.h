// Which OAuth scope an Okta API request needs, and what to tell the user when a request was
// refused for the lack of it (403 E0000006 under OAuth, issue 19). Pure; any thread.
#pragma once
#include <string>
#include <string_view>

namespace okta_bulk {

// The scope the Okta API reference gives the operation (`security: oauth2: [...]` in the
// management OpenAPI description), for the requests okta-bulk sends: "okta.users.read",
// "okta.users.manage", "okta.groups.read", "okta.groups.manage", "okta.schemas.read".
// `target` is the path, with or without a query. "" for a path not in the table.
std::string_view RequiredScope(std::string_view method, std::string_view target);

// The sentence added to a 403 E0000006 under OAuth: the scope the request needed and how to
// grant it, e.g. "GET /api/v1/groups needs the OAuth scope okta.groups.read: grant it to
// the app (Admin Console: Applications > the app > Okta API Scopes), then include it in
// --scopes". The query is left out (it may hold a login). A generic sentence naming the
// Admin Console page when the path is not in the table.
std::string MissingScopeAdvice(std::string_view method, std::string_view target);

}  // namespace okta_bulk
