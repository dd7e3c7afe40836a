#include "pipeline/jobs/listing_cursor.h"

#include <optional>

#include "net/link_header.h"
#include "net/okta_buckets.h"

namespace okta_bulk {

NextLink NextLinkTarget(const HttpResponse& response, const OrgUrl& org,
                        const std::set<std::string>& fetched) {
  NextLink out;
  std::optional<std::string> url = FindLinkTarget(response, "next");
  if (!url) return out;  // the last page
  std::string why;
  std::optional<std::string> target =
      TargetOnOrigin(*url, LinkOrigin{org.tls, org.host, org.port}, &why);
  if (target && fetched.contains(*target)) {
    why = "points back to a page already fetched in this run (it would loop)";
    target.reset();
  }
  if (!target) {
    out.error = "refusing to follow the server's next-page link <" + PrintableLink(*url) +
                ">: it " + why + " (the org is " + org.Origin() + ")";
    return out;
  }
  out.target = std::move(*target);
  return out;
}

TaskRequest ListingCursor::Get(std::string target) {
  fetched_.insert(target);
  TaskRequest request;
  request.bucket = ClassifyRequest("GET", target);
  request.http.method = "GET";
  request.http.target = std::move(target);
  return request;
}

}  // namespace okta_bulk
