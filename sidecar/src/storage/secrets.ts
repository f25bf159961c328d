/**
 * At-rest encryption of Klaviyo keys and webhook secrets: AES-256-GCM with the key from the SECRET_KEY setting, else
 * a key file in DATA_DIR created on the first start.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class SecretBox {
  private constructor(private readonly key: Buffer, readonly source: 'SECRET_KEY' | 'file') {}

  /** The SECRET_KEY setting (32 bytes, base64) when given, else the key file in `dataDir`. */
  static from(dataDir: string, secretKey?: string): SecretBox {
    return secretKey ? new SecretBox(Buffer.from(secretKey, 'base64'), 'SECRET_KEY') : SecretBox.fromDataDir(dataDir);
  }

  static fromDataDir(dataDir: string): SecretBox {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, 'secret.key');
    createOnce(path, randomBytes(32).toString('base64'));
    return new SecretBox(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64'), 'file');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join('.');
  }

  /** Whether every sealed value opens with this key. */
  opensAll(sealed: readonly string[]): boolean {
    try {
      for (const s of sealed) this.open(s);
      return true;
    } catch {
      return false;
    }
  }

  open(sealed: string): string {
    const [v, iv, tag, data] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('unreadable sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }
}

/**
 * Creates `path` with `content` unless it exists, atomically: replicas starting together on one DATA_DIR all end up
 * reading the same complete file, never an empty or half-written one. Returns whether this call created it.
 */
export function createOnce(path: string, content: string): boolean {
  if (existsSync(path)) return false;
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}
