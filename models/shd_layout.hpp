#pragma once
// The Spiking Heidelberg Digits layout and the input window of the papers (models/SPEC.md
// sections 4.1 and 4.2): the defaults of every tool. Other layouts are legitimate (a network
// records its own channels, classes, bins and window), so these are defaults, never limits.
namespace mosaic {

constexpr int kShdChannels = 700;     // channel ids 0..699 (the cochlea's output channels)
constexpr int kShdClasses = 20;       // digits 0-9 in English and German
constexpr int kShdBins = 100;         // T, network steps per sample
constexpr double kShdWindowS = 1.4;   // the bins cover [0, 1.4 s)

}  // namespace mosaic
