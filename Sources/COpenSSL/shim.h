#ifndef TLSMATRIX_COPENSSL_SHIM_H
#define TLSMATRIX_COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <stdint.h>
#include <pthread.h>

/* Wrappers for OpenSSL 3 macros that Swift cannot import. */

static inline int COpenSSL_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline int COpenSSL_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
static inline int COpenSSL_SSL_set_min_proto_version(SSL *ssl, int version) {
    return (int)SSL_set_min_proto_version(ssl, version);
}
static inline int COpenSSL_SSL_set_max_proto_version(SSL *ssl, int version) {
    return (int)SSL_set_max_proto_version(ssl, version);
}
static inline int COpenSSL_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
/* Returns the NID of the negotiated group (or a TLSEXT_nid_unknown | id value). */
static inline int COpenSSL_SSL_get_negotiated_group(SSL *ssl) {
    return (int)SSL_get_negotiated_group(ssl);
}
/* The server's ephemeral key (caller frees with EVP_PKEY_free), or NULL. */
static inline EVP_PKEY *COpenSSL_SSL_get_peer_tmp_key(SSL *ssl) {
    EVP_PKEY *key = NULL;
    if (SSL_get_peer_tmp_key(ssl, &key) != 1) return NULL;
    return key;
}
static inline int COpenSSL_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list) {
    return (int)SSL_CTX_set1_groups_list(ctx, list);
}
static inline long COpenSSL_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}
static inline int COpenSSL_SSL_get_secure_renegotiation_support(SSL *ssl) {
    return (int)SSL_get_secure_renegotiation_support(ssl);
}
static inline int COpenSSL_sk_X509_num(const STACK_OF(X509) *sk) {
    return sk_X509_num(sk);
}
static inline X509 *COpenSSL_sk_X509_value(const STACK_OF(X509) *sk, int i) {
    return sk_X509_value(sk, i);
}
static inline int COpenSSL_sk_SSL_CIPHER_num(const STACK_OF(SSL_CIPHER) *sk) {
    return sk_SSL_CIPHER_num(sk);
}
static inline const SSL_CIPHER *COpenSSL_sk_SSL_CIPHER_value(const STACK_OF(SSL_CIPHER) *sk, int i) {
    return sk_SSL_CIPHER_value(sk, i);
}
static inline void COpenSSL_sk_SSL_CIPHER_free(STACK_OF(SSL_CIPHER) *sk) {
    sk_SSL_CIPHER_free(sk);
}
static inline void COpenSSL_free(void *p) {
    OPENSSL_free(p);
}

static inline uint64_t COpenSSL_SSL_OP_NO_TICKET(void) { return (uint64_t)SSL_OP_NO_TICKET; }
static inline uint64_t COpenSSL_SSL_OP_NO_COMPRESSION(void) { return (uint64_t)SSL_OP_NO_COMPRESSION; }
static inline uint64_t COpenSSL_SSL_OP_LEGACY_SERVER_CONNECT(void) { return (uint64_t)SSL_OP_LEGACY_SERVER_CONNECT; }
static inline uint64_t COpenSSL_SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION(void) { return (uint64_t)SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION; }
static inline uint64_t COpenSSL_SSL_OP_NO_ENCRYPT_THEN_MAC(void) { return (uint64_t)SSL_OP_NO_ENCRYPT_THEN_MAC; }
static inline uint64_t COpenSSL_SSL_OP_IGNORE_UNEXPECTED_EOF(void) { return (uint64_t)SSL_OP_IGNORE_UNEXPECTED_EOF; }
static inline uint64_t COpenSSL_SSL_OP_ENABLE_MIDDLEBOX_COMPAT(void) { return (uint64_t)SSL_OP_ENABLE_MIDDLEBOX_COMPAT; }
static inline long COpenSSL_SSL_CTX_disable_session_cache(SSL_CTX *ctx) {
    return SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}

/* Two SSL ex_data slots, made once per process: the last alert read from the peer, and whether the peer asked
   for a client certificate. */
static int COpenSSL_alert_index_value = -1;
static int COpenSSL_request_index_value = -1;
static pthread_once_t COpenSSL_ex_index_once = PTHREAD_ONCE_INIT;
static inline void COpenSSL_ex_index_init(void) {
    COpenSSL_alert_index_value = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    COpenSSL_request_index_value = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}
/* Alert bookkeeping through the info callback: the last alert read from the peer. */
static inline int COpenSSL_alert_ex_index(void) {
    pthread_once(&COpenSSL_ex_index_once, COpenSSL_ex_index_init);
    return COpenSSL_alert_index_value;
}
static inline int COpenSSL_request_ex_index(void) {
    pthread_once(&COpenSSL_ex_index_once, COpenSSL_ex_index_init);
    return COpenSSL_request_index_value;
}
static inline void COpenSSL_info_callback(const SSL *ssl, int where, int ret) {
    if ((where & SSL_CB_READ_ALERT) == SSL_CB_READ_ALERT) {
        /* ret = (level << 8) | description; store it plus one so zero means "none". */
        SSL_set_ex_data((SSL *)ssl, COpenSSL_alert_ex_index(), (void *)(intptr_t)((ret & 0xFFFF) + 1));
    }
}
static inline void COpenSSL_track_alerts(SSL *ssl) {
    SSL_set_ex_data(ssl, COpenSSL_alert_ex_index(), NULL);
    SSL_set_info_callback(ssl, COpenSSL_info_callback);
}
/* Whether the server asked for a client certificate (a CertificateRequest; encrypted in TLS 1.3, so only the
   library sees it): the client certificate callback marks the SSL object and sends no certificate. */
static inline int COpenSSL_client_cert_callback(SSL *ssl, X509 **x509, EVP_PKEY **pkey) {
    (void)x509; (void)pkey;
    SSL_set_ex_data(ssl, COpenSSL_request_ex_index(), (void *)(intptr_t)1);
    return 0; /* no certificate */
}
static inline void COpenSSL_track_certificate_request(SSL_CTX *ctx) {
    SSL_CTX_set_client_cert_cb(ctx, COpenSSL_client_cert_callback);
}
static inline int COpenSSL_certificate_requested(const SSL *ssl) {
    return SSL_get_ex_data(ssl, COpenSSL_request_ex_index()) != NULL;
}
/* The last alert received: (level << 8) | description, or -1 when none. */
static inline int COpenSSL_last_alert(const SSL *ssl) {
    intptr_t v = (intptr_t)SSL_get_ex_data(ssl, COpenSSL_alert_ex_index());
    return v == 0 ? -1 : (int)(v - 1);
}
#endif
