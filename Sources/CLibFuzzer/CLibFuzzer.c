// Header-only: the declaration of LLVMFuzzerRunDriver lives in include/CLibFuzzer.h.
#include "CLibFuzzer.h"
