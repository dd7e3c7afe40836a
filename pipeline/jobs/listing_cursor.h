// Where a paged GET listing is (users, groups, a group's members): the page to ask for next,
// read from the rel="next" link of the page before and checked before it is followed, and
// every page asked for so far, so that a link back to one of them stops the listing instead of
// looping. Used by the export, groups export and org look-up tasks.
#pragma once
#include <set>
#include <string>

#include "net/http_client.h"
#include "net/http_transport.h"
#include "pipeline/okta/task_request.h"

namespace okta_bulk {

// Where a listing goes after a page: its rel="next" link, checked before it is followed.
struct NextLink {
  std::string target;  // the path and query to ask for next; "" on the last page or on error
  std::string error;   // why the link may not be followed (a sentence naming it); "" when it may
};

// The page after `response`: the target of its rel="next" link, from any `link` line (a line
// may hold several links, as a proxy that merges them sends). The link must be an absolute
// URL on the org's scheme, host and port made of URL characters only (net/link_header.h),
// and its path and query must not be among `fetched` (the targets asked for already in this
// run): a server that points back would otherwise make the export write its users for ever.
NextLink NextLinkTarget(const HttpResponse& response, const OrgUrl& org,
                        const std::set<std::string>& fetched);

// One listing's pages within a run. Single-threaded; `org` must outlive it.
class ListingCursor {
 public:
  explicit ListingCursor(const OrgUrl& org) : org_(org) {}

  // The GET of `target`, in the bucket Okta counts it in; `target` counts as fetched.
  TaskRequest Get(std::string target);
  // Counts `target` as fetched without asking for it (a resumed listing's first page).
  void Remember(std::string target) { fetched_.insert(std::move(target)); }
  // The page after `response` (see NextLinkTarget).
  NextLink NextAfter(const HttpResponse& response) const {
    return NextLinkTarget(response, org_, fetched_);
  }

 private:
  const OrgUrl& org_;
  std::set<std::string> fetched_;  // every target asked for in this run (one per page)
};

}  // namespace okta_bulk
