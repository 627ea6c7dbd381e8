/** A throw-away CA with a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificates {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing here: trusting it must not make the server trusted. */
  otherCa: string;
}

const openssl = (args: string[], cwd: string): void => void execFileSync('openssl', args, { cwd, stdio: 'ignore' });

function makeCa(dir: string, name: string): void {
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    ['req', '-x509', ...key, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`],
    dir,
  );
}

function makeSigned(dir: string, name: string, extensions: string): void {
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
}

/** Writes the files into `dir` (readable by the `mosquitto` user the broker drops to when started as root). */
export function makeTestCertificates(dir: string): TestCertificates {
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  makeSigned(dir, 'server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  makeSigned(dir, 'client', 'extendedKeyUsage=clientAuth\n');
  chmodSync(dir, 0o755);
  for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o644);
  const path = (file: string): string => join(dir, file);
  return {
    ca: path('ca.crt'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    clientCert: path('client.crt'),
    clientKey: path('client.key'),
    otherCa: path('other-ca.crt'),
  };
}
