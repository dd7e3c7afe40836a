// Reading the org's user schema, GET /api/v1/meta/schemas/user/default (the Schemas API of
// the 2026 management OpenAPI description: UserSchema, UserSchemaAttribute), into the model
// the rows check against (pipeline/rows/profile_schema.h). Pure; no I/O.
#pragma once
#include <string>
#include <string_view>

#include "pipeline/rows/profile_schema.h"

namespace okta_bulk {

inline constexpr std::string_view kUserSchemaTarget = "/api/v1/meta/schemas/user/default";

// Reads definitions.base and definitions.custom: every property with its type (string,
// integer, number, boolean, array with items.type), required (the property's own flag or the
// definition's `required` list), mutability, enum / oneOf const values (also items.enum for
// arrays), minLength, maxLength. Unknown keys are ignored. Returns false with `error` when the
// body is not such a schema (not JSON, no definitions, a property that is not an object).
bool ParseUserSchema(std::string_view body, ProfileSchema* out, std::string* error);

}  // namespace okta_bulk
