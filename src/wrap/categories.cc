#include "wrap/categories.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "wrap/error.h"

namespace shelf::wrap {

namespace {

struct Category {
  std::string_view name;
  bool main;
  bool needs_only_show_in;
  // Alternatives; each alternative is a ';'-separated set that must all be
  // present ("Graphics;2DGraphics"). Empty: no relation.
  std::array<std::string_view, 3> related;
};

// Desktop Menu Specification 1.1, "Registered Categories" (main) and
// "Additional Categories" with their related categories.
constexpr Category kCategories[] = {
    {"AudioVideo", true, false, {}},
    {"Audio", true, false, {"AudioVideo"}},
    {"Video", true, false, {"AudioVideo"}},
    {"Development", true, false, {}},
    {"Education", true, false, {}},
    {"Game", true, false, {}},
    {"Graphics", true, false, {}},
    {"Network", true, false, {}},
    {"Office", true, false, {}},
    {"Science", true, false, {}},
    {"Settings", true, false, {}},
    {"System", true, false, {}},
    {"Utility", true, false, {}},
    {"Building", false, false, {"Development"}},
    {"Debugger", false, false, {"Development"}},
    {"IDE", false, false, {"Development"}},
    {"GUIDesigner", false, false, {"Development"}},
    {"Profiling", false, false, {"Development"}},
    {"RevisionControl", false, false, {"Development"}},
    {"Translation", false, false, {"Development"}},
    {"Calendar", false, false, {"Office"}},
    {"ContactManagement", false, false, {"Office"}},
    {"Database", false, false, {"Office", "Development", "AudioVideo"}},
    {"Dictionary", false, false, {"Office", "TextTools"}},
    {"Chart", false, false, {"Office"}},
    {"Email", false, false, {"Office", "Network"}},
    {"Finance", false, false, {"Office"}},
    {"FlowChart", false, false, {"Office"}},
    {"PDA", false, false, {"Office"}},
    {"ProjectManagement", false, false, {"Office", "Development"}},
    {"Presentation", false, false, {"Office"}},
    {"Spreadsheet", false, false, {"Office"}},
    {"WordProcessor", false, false, {"Office"}},
    {"2DGraphics", false, false, {"Graphics"}},
    {"VectorGraphics", false, false, {"Graphics;2DGraphics"}},
    {"RasterGraphics", false, false, {"Graphics;2DGraphics"}},
    {"3DGraphics", false, false, {"Graphics"}},
    {"Scanning", false, false, {"Graphics"}},
    {"OCR", false, false, {"Graphics;Scanning"}},
    {"Photography", false, false, {"Graphics", "Office"}},
    {"Publishing", false, false, {"Graphics", "Office"}},
    {"Viewer", false, false, {"Graphics", "Office"}},
    {"TextTools", false, false, {"Utility"}},
    {"DesktopSettings", false, false, {"Settings"}},
    {"HardwareSettings", false, false, {"Settings"}},
    {"Printing", false, false, {"HardwareSettings;Settings"}},
    {"PackageManager", false, false, {"Settings"}},
    {"Dialup", false, false, {"Network"}},
    {"InstantMessaging", false, false, {"Network"}},
    {"Chat", false, false, {"Network"}},
    {"IRCClient", false, false, {"Network"}},
    {"Feed", false, false, {"Network"}},
    {"FileTransfer", false, false, {"Network"}},
    {"HamRadio", false, false, {"Network", "Audio"}},
    {"News", false, false, {"Network"}},
    {"P2P", false, false, {"Network"}},
    {"RemoteAccess", false, false, {"Network"}},
    {"Telephony", false, false, {"Network"}},
    {"TelephonyTools", false, false, {"Utility"}},
    {"VideoConference", false, false, {"Network"}},
    {"WebBrowser", false, false, {"Network"}},
    {"WebDevelopment", false, false, {"Network", "Development"}},
    {"Midi", false, false, {"AudioVideo;Audio"}},
    {"Mixer", false, false, {"AudioVideo;Audio"}},
    {"Sequencer", false, false, {"AudioVideo;Audio"}},
    {"Tuner", false, false, {"AudioVideo;Audio"}},
    {"TV", false, false, {"AudioVideo;Video"}},
    {"AudioVideoEditing", false, false, {"Audio", "Video", "AudioVideo"}},
    {"Player", false, false, {"Audio", "Video", "AudioVideo"}},
    {"Recorder", false, false, {"Audio", "Video", "AudioVideo"}},
    {"DiscBurning", false, false, {"Audio", "Video", "AudioVideo"}},
    {"ActionGame", false, false, {"Game"}},
    {"AdventureGame", false, false, {"Game"}},
    {"ArcadeGame", false, false, {"Game"}},
    {"BoardGame", false, false, {"Game"}},
    {"BlocksGame", false, false, {"Game"}},
    {"CardGame", false, false, {"Game"}},
    {"KidsGame", false, false, {"Game"}},
    {"LogicGame", false, false, {"Game"}},
    {"RolePlaying", false, false, {"Game"}},
    {"Shooter", false, false, {"Game"}},
    {"Simulation", false, false, {"Game"}},
    {"SportsGame", false, false, {"Game"}},
    {"StrategyGame", false, false, {"Game"}},
    {"Art", false, false, {"Education", "Science"}},
    {"Construction", false, false, {"Education", "Science"}},
    {"Music", false, false, {"AudioVideo", "Education"}},
    {"Languages", false, false, {"Education", "Science"}},
    {"ArtificialIntelligence", false, false, {"Education", "Science"}},
    {"Astronomy", false, false, {"Education", "Science"}},
    {"Biology", false, false, {"Education", "Science"}},
    {"Chemistry", false, false, {"Education", "Science"}},
    {"ComputerScience", false, false, {"Education", "Science"}},
    {"DataVisualization", false, false, {"Education", "Science"}},
    {"Economy", false, false, {"Education", "Science"}},
    {"Electricity", false, false, {"Education", "Science"}},
    {"Geography", false, false, {"Education", "Science"}},
    {"Geology", false, false, {"Education", "Science"}},
    {"Geoscience", false, false, {"Education", "Science"}},
    {"History", false, false, {"Education", "Science"}},
    {"Humanities", false, false, {"Education", "Science"}},
    {"ImageProcessing", false, false, {"Education", "Science"}},
    {"Literature", false, false, {"Education", "Science"}},
    {"Maps", false, false, {"Education", "Science", "Utility"}},
    {"Math", false, false, {"Education", "Science"}},
    {"NumericalAnalysis", false, false, {"Education;Math", "Science;Math"}},
    {"MedicalSoftware", false, false, {"Education", "Science"}},
    {"Physics", false, false, {"Education", "Science"}},
    {"Robotics", false, false, {"Education", "Science"}},
    {"Spirituality", false, false, {"Education", "Science", "Utility"}},
    {"Sports", false, false, {"Education", "Science"}},
    {"ParallelComputing", false, false, {"Education;ComputerScience", "Science;ComputerScience"}},
    {"Amusement", false, false, {}},
    {"Archiving", false, false, {"Utility"}},
    {"Compression", false, false, {"Utility;Archiving"}},
    {"Electronics", false, false, {}},
    {"Emulator", false, false, {"System", "Game"}},
    {"Engineering", false, false, {}},
    {"FileTools", false, false, {"Utility", "System"}},
    {"FileManager", false, false, {"System;FileTools"}},
    {"TerminalEmulator", false, false, {"System"}},
    {"Filesystem", false, false, {"System"}},
    {"Monitor", false, false, {"System", "Network"}},
    {"Security", false, false, {"Settings", "System"}},
    {"Accessibility", false, false, {"Settings", "Utility"}},
    {"Calculator", false, false, {"Utility"}},
    {"Clock", false, false, {"Utility"}},
    {"TextEditor", false, false, {"Utility"}},
    {"Documentation", false, false, {}},
    {"Adult", false, false, {}},
    {"Core", false, false, {}},
    {"KDE", false, false, {"Qt"}},
    {"GNOME", false, false, {"GTK"}},
    {"XFCE", false, false, {"GTK"}},
    {"GTK", false, false, {}},
    {"Qt", false, false, {}},
    {"Motif", false, false, {}},
    {"Java", false, false, {}},
    {"ConsoleOnly", false, false, {}},
    {"Screensaver", false, true, {}},
    {"TrayIcon", false, true, {}},
    {"Applet", false, true, {}},
    {"Shell", false, true, {}},
};

// Desktop Menu Specification, "Registered OnlyShowIn Environments".
constexpr std::string_view kDesktops[] = {
    "GNOME", "GNOME-Classic", "GNOME-Flashback", "KDE", "LXDE", "LXQt", "MATE", "Razor", "ROX", "TDE",
    "Unity", "XFCE", "EDE", "Cinnamon", "Pantheon", "Budgie", "Enlightenment", "DDE", "Endless", "Old"};

const Category* find(std::string_view name) {
  for (const Category& c : kCategories)
    if (c.name == name) return &c;
  return nullptr;
}

bool has_all(const std::vector<std::string>& present, std::string_view set) {
  size_t start = 0;
  while (start <= set.size()) {
    size_t end = set.find(';', start);
    if (end == std::string_view::npos) end = set.size();
    std::string_view one = set.substr(start, end - start);
    if (std::find(present.begin(), present.end(), one) == present.end()) return false;
    start = end + 1;
  }
  return true;
}

std::string describe_related(const Category& c) {
  std::string out;
  for (std::string_view alt : c.related) {
    if (alt.empty()) continue;
    if (!out.empty()) out += " or ";
    out += std::string(alt);
  }
  return out;
}

}  // namespace

bool is_registered_desktop(const std::string& name) {
  if (name.rfind("X-", 0) == 0 && name.size() > 2) return true;
  return std::find(std::begin(kDesktops), std::end(kDesktops), name) != std::end(kDesktops);
}

void check_categories(const std::vector<std::string>& categories, bool has_only_show_in) {
  bool any_main = false;
  for (const std::string& name : categories) {
    const std::string context = "Categories: " + name;
    if (name.rfind("X-", 0) == 0 && name.size() > 2) continue;
    if (name == "Application" || name == "Applications")
      throw input_error(context, "deprecated category (Desktop Menu Specification); drop it");
    const Category* c = find(name);
    if (!c) throw input_error(context, "not a registered category (use one of the Desktop Menu Specification or X-Name)");
    if (std::count(categories.begin(), categories.end(), name) > 1) throw input_error(context, "listed twice");
    if (c->needs_only_show_in && !has_only_show_in)
      throw input_error(context, "this category is only allowed with OnlyShowIn");
    if (c->main && c->related[0].empty()) any_main = true;
    if (!c->related[0].empty()) {
      bool ok = std::any_of(c->related.begin(), c->related.end(),
                            [&](std::string_view alt) { return !alt.empty() && has_all(categories, alt); });
      if (!ok) throw input_error(context, "needs the related category " + describe_related(*c) + " as well");
      if (c->main) any_main = true;
    }
  }
  if (!categories.empty() && !any_main)
    throw input_error("Categories", "no main category (AudioVideo, Development, Education, Game, Graphics, Network, "
                                    "Office, Science, Settings, System or Utility)");
}

}  // namespace shelf::wrap
