// Byte sinks, as in Nix's libutil: the NAR writer emits into a Sink, and
// hashing, writing to a file descriptor and reference scanning are sinks that
// compose (TeeSink), so one pass over a tree does all three.
#pragma once

#include <string_view>
#include <vector>

namespace shelf::store {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void write(std::string_view data) = 0;
};

// Forwards every write to several sinks, in order.
class TeeSink : public Sink {
 public:
  TeeSink(std::initializer_list<Sink*> sinks) : sinks_(sinks) {}
  void write(std::string_view data) override {
    for (Sink* s : sinks_) s->write(data);
  }

 private:
  std::vector<Sink*> sinks_;
};

// Collects everything in memory (tests, small NARs).
class StringSink : public Sink {
 public:
  void write(std::string_view data) override { text.append(data); }
  std::string text;
};

}  // namespace shelf::store
