// Presenting facts: readable text for people, JSON for scripts. The JSON
// keys are the documented interface of `shelf inspect --json`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "inspect/facts.h"

namespace shelf::inspect {

nlohmann::ordered_json to_json(const Facts& facts);
std::string to_text(const Facts& facts);

}  // namespace shelf::inspect
