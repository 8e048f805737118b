#ifndef CHRONICLE_WITNESS_CSODIUM_SHIM_H
#define CHRONICLE_WITNESS_CSODIUM_SHIM_H
// libsodium, the library paragonie/chronicle itself uses for Ed25519 and BLAKE2b.
#include <sodium.h>
#endif
