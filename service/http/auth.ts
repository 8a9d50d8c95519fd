import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Requires `Authorization: Bearer <token>` when a token is configured; open otherwise.
 * Both sides are hashed first so the comparison is constant-time whatever their lengths.
 */
export function requireBearerToken(token: string | undefined): RequestHandler {
  if (token === undefined) return (_req, _res, next) => next();
  const expected = digest(token);
  return (req, _res, next) => {
    const match = /^Bearer ([^\s]+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      throw new AppError(401, 'a valid bearer token is required to change data', {
        'WWW-Authenticate': 'Bearer realm="birthdays"',
      });
    }
    next();
  };
}
