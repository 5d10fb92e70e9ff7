// Test PKI made with the openssl CLI at test time (private keys are never committed): a CA that
// signs the server and one client certificate, and a second, untrusted CA with its own client.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string; badCert: string; badKey: string }

export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-k8saudit-pki-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const ca = (name: string) => ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`);
    const leaf = (name: string, caName: string, ext: string) => {
      ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
      writeFileSync(join(dir, `${name}.ext`), ext);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.crt`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
    };
    ca('ca');
    ca('rogue-ca');
    leaf('server', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    leaf('client', 'ca', 'extendedKeyUsage=clientAuth\n');
    leaf('bad', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
    const r = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { ca: r('ca.crt'), serverCert: r('server.crt'), serverKey: r('server.key'), clientCert: r('client.crt'), clientKey: r('client.key'), badCert: r('bad.crt'), badKey: r('bad.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
