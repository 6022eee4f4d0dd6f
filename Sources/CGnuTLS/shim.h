#ifndef TLSMATRIX_CGNUTLS_SHIM_H
#define TLSMATRIX_CGNUTLS_SHIM_H
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* gnutls_free is a global function pointer, which Swift 6 rejects as shared mutable state. */
static inline void CGnuTLS_free(void *p) {
    gnutls_free(p);
}
/* gnutls_transport_set_int is a macro. */
static inline void CGnuTLS_transport_set_int(gnutls_session_t session, int fd) {
    gnutls_transport_set_int2(session, fd, fd);
}
/* GNUTLS_CLIENT / GNUTLS_NONBLOCK are ambiguous in Swift; give them a plain type. */
static inline unsigned int CGnuTLS_client_nonblock_flags(void) {
    return (unsigned int)(GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS);
}
static inline unsigned int CGnuTLS_client_flags(void) {
    return (unsigned int)(GNUTLS_CLIENT | GNUTLS_NO_TICKETS);
}
#endif
