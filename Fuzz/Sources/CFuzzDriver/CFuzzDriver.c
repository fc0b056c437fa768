// Declarations only: LLVMFuzzerRunDriver comes with -sanitize=fuzzer.
#include "CFuzzDriver.h"
