/**
 * Checks of the files and folders a config names, made when the config is loaded so that a mistake is reported with
 * its key and exit status 2 instead of failing (or spinning) later at start.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { makeDirs } from '../fs/make-dirs.ts';

const errorCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

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
