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
/* GNUTLS_CLIENT / GNUTLS_NONBLOCK are ambiguous in Swift; give them a plain type.
   GNUTLS_NO_SIGNAL: GnuTLS sends with MSG_NOSIGNAL, so a server that closes the socket is an EPIPE
   error, never a SIGPIPE that kills tlsmatrix (which also ignores SIGPIPE at start). */
static inline unsigned int CGnuTLS_client_nonblock_flags(void) {
    return (unsigned int)(GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS | GNUTLS_NO_SIGNAL);
}
static inline unsigned int CGnuTLS_client_flags(void) {
    return (unsigned int)(GNUTLS_CLIENT | GNUTLS_NO_TICKETS | GNUTLS_NO_SIGNAL);
}
#endif
