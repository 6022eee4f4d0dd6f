#ifndef TLSMATRIX_COPENSSL_SHIM_H
#define TLSMATRIX_COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#endif
