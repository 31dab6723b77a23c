#pragma once
// Reading the tools' SVG figures back in tests: parsed as XML by expat (a malformed file is a
// test failure), flattened to the list of elements with their attributes and text.
#include <expat.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace mosaic::test_support {

struct SvgElement {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;   // character data directly inside the element
  int parent = -1;    // index of the enclosing element, -1 for the root
  std::string attr(const std::string& key) const {
    const auto it = attributes.find(key);
    return it == attributes.end() ? "" : it->second;
  }
};

struct SvgDocument {
  std::vector<SvgElement> elements;  // in document order
  // Elements named `name` (and, when given, with attribute `key` equal to `value`).
  std::vector<const SvgElement*> all(const std::string& name, const std::string& key = "", const std::string& value = "") const {
    std::vector<const SvgElement*> out;
    for (const SvgElement& e : elements)
      if (e.name == name && (key.empty() || e.attr(key) == value)) out.push_back(&e);
    return out;
  }
  const SvgElement* by_id(const std::string& id) const {
    for (const SvgElement& e : elements)
      if (e.attr("id") == id) return &e;
    return nullptr;
  }
  // The texts of the direct <text> children of element `index`.
  std::vector<std::string> child_texts(const SvgElement* parent) const {
    std::vector<std::string> out;
    const int index = static_cast<int>(parent - elements.data());
    for (const SvgElement& e : elements)
      if (e.parent == index && e.name == "text") out.push_back(e.text);
    return out;
  }
  // Every text on the figure, joined by newlines.
  std::string all_text() const {
    std::string out;
    for (const SvgElement& e : elements)
      if (e.name == "text") out += e.text + "\n";
    return out;
  }
};

// Throws std::runtime_error naming the line of the first XML error.
inline SvgDocument parse_svg(const std::string& text) {
  struct State {
    SvgDocument doc;
    std::vector<int> open;
  } state;
  XML_Parser parser = XML_ParserCreate("UTF-8");
  XML_SetUserData(parser, &state);
  XML_SetElementHandler(
      parser,
      [](void* data, const XML_Char* name, const XML_Char** attributes) {
        auto* s = static_cast<State*>(data);
        SvgElement e;
        e.name = name;
        for (int i = 0; attributes[i]; i += 2) e.attributes[attributes[i]] = attributes[i + 1];
        e.parent = s->open.empty() ? -1 : s->open.back();
        s->doc.elements.push_back(std::move(e));
        s->open.push_back(static_cast<int>(s->doc.elements.size()) - 1);
      },
      [](void* data, const XML_Char*) { static_cast<State*>(data)->open.pop_back(); });
  XML_SetCharacterDataHandler(parser, [](void* data, const XML_Char* chars, int length) {
    auto* s = static_cast<State*>(data);
    if (!s->open.empty()) s->doc.elements[s->open.back()].text.append(chars, length);
  });
  const bool ok = XML_Parse(parser, text.data(), static_cast<int>(text.size()), 1) == XML_STATUS_OK;
  const std::string error = ok ? "" : std::string(XML_ErrorString(XML_GetErrorCode(parser))) + " at line " +
                                          std::to_string(XML_GetCurrentLineNumber(parser));
  XML_ParserFree(parser);
  if (!ok) throw std::runtime_error("SVG is not well-formed XML: " + error);
  return state.doc;
}

}  // namespace mosaic::test_support
