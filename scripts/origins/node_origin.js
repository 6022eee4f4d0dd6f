// One Node.js HTTPS test origin (started by scripts/origins/origin.py, kinds node-*).
//   node node_origin.js '<JSON>'
// JSON: {"host": "127.0.0.1", "port": 0, "key": FILE, "cert": FILE, "ca": FILE (optional),
//        "tls": {options passed as they are to https.createServer: minVersion, maxVersion, ciphers,
//                ecdhCurve, honorCipherOrder, requestCert, rejectUnauthorized, ...}}
// Files are read relative to the current directory (the origin's folder). Prints
// "LISTENING <port>" once bound, answers every request with "ok", exits on SIGTERM/SIGINT.
'use strict';
const fs = require('fs');
const https = require('https');

const config = JSON.parse(process.argv[2] || '{}');
const options = Object.assign({}, config.tls || {});
options.key = fs.readFileSync(config.key);
options.cert = fs.readFileSync(config.cert);
if (config.ca) options.ca = fs.readFileSync(config.ca);

let server;
try {
  // createServer validates ciphers / groups at once: a name OpenSSL does not know throws here.
  server = https.createServer(options, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
  });
} catch (e) {
  console.error('node_origin: bad TLS options: ' + e.message);
  process.exit(1);
}
server.on('tlsClientError', (e) => {
  if (process.env.NODE_ORIGIN_DEBUG) console.error('tlsClientError: ' + e.message);
});
server.listen(config.port || 0, config.host || '127.0.0.1', () => {
  console.log('node ' + process.version + ' openssl ' + process.versions.openssl);
  console.log('LISTENING ' + server.address().port);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
