/**
 * Checks of the files and folders a config names, made when the config is loaded so that a mistake is reported with
 * its key and exit status 2 instead of failing (or spinning) later at start.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const errorCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * `mkdir -p`, one level at a time: Node's `mkdir(..., { recursive: true })` spins forever where mkdir answers ENOENT
 * under a parent that exists (`/proc/self/nope`).
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (e) {
      // Made by someone else meanwhile: fine, as long as it is a folder.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(level).isDirectory()) throw e;
    }
  }
}

/** Why `dir` cannot hold the bridge's files, or undefined when it can; a missing folder is created. */
export function writableDirProblem(dir: string): string | undefined {
  try {
    makeDirs(dir);
  } catch (e) {
    const code = errorCode(e);
    if (code === 'EEXIST' || code === 'ENOTDIR') return `${dir} is (or lies inside) a file, not a folder`;
    return `cannot create the folder ${dir}: ${code}`;
  }
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is a file, not a folder`;
    accessSync(dir, constants.W_OK);
  } catch (e) {
    return `cannot write to ${dir}: ${errorCode(e)}`;
  }
  return undefined;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Why `path` is not a PEM file of certificates (`ca`, `cert`) or a private key (`key`), or undefined when it is. */
export function pemProblem(path: string, kind: 'certificate' | 'key'): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return `cannot read ${path}: ${errorCode(e)}`;
  }
  try {
    if (kind === 'key') {
      createPrivateKey(text);
      return undefined;
    }
    const blocks = text.match(PEM_CERTIFICATE) ?? [];
    if (blocks.length === 0) return `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
    for (const block of blocks) new X509Certificate(block);
    return undefined;
  } catch (e) {
    const what = kind === 'key' ? 'an unencrypted PEM private key' : 'valid PEM certificates';
    return `${path} is not ${what}: ${(e as Error).message}`;
  }
}
