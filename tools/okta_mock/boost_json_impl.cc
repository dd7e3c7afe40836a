// The one translation unit that compiles Boost.JSON (header-only mode via src.hpp). Anything
// linked with okta_mock_lib may include <boost/json.hpp> and use it; nothing else in the
// project may include <boost/json/src.hpp>, or the symbols would be defined twice.
#include <boost/json/src.hpp>
