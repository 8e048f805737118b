#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's documented driver entry point (compiler-rt FuzzerInterface.h, LLVM 11+): runs the
/// fuzzing loop with `callback` as LLVMFuzzerTestOneInput. Only linked with -sanitize=fuzzer;
/// SwiftPM names every executable's entry point itself, so the harness keeps its own main and
/// hands control to libFuzzer from there instead of using libFuzzer's main.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
