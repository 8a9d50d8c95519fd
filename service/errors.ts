import type { ErrorRequestHandler, RequestHandler } from 'express';
import { StoreUnavailableError } from './storage/store';

/** The one error type the service raises on purpose: its message is safe to show the client. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError(404, `no route for ${req.method} ${req.path}`));
};

// body-parser and the router tag their client errors with `type`; give each a clear message.
const CLIENT_ERROR_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'request body is not valid JSON',
  'entity.too.large': 'request body is larger than 16 KiB',
  'encoding.unsupported': 'unsupported Content-Encoding',
  'charset.unsupported': 'unsupported charset; send UTF-8 JSON',
  'request.aborted': 'request aborted',
  'request.size.invalid': 'request body length does not match Content-Length',
  'stream.encoding.set': 'request stream is unreadable',
};

/** Turns any throwable into an AppError; unknown faults become a generic 500. */
export function normaliseError(error: unknown): { appError: AppError; fault?: unknown } {
  if (error instanceof AppError) return { appError: error };
  if (error instanceof StoreUnavailableError) {
    return { appError: new AppError(503, 'database unavailable, try again later', { 'Retry-After': '5' }), fault: error };
  }
  const { status, type, expose } = (error ?? {}) as { status?: unknown; type?: unknown; expose?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && expose !== false) {
    const message = (typeof type === 'string' && CLIENT_ERROR_MESSAGES[type]) || clientMessageFor(status);
    return { appError: new AppError(status, message) };
  }
  return { appError: new AppError(500, 'internal server error'), fault: error };
}

function clientMessageFor(status: number): string {
  if (status === 400) return 'malformed request';
  return `request failed with status ${status}`;
}

/** The last middleware: a JSON body `{ error }` for every failure, never a stack trace. */
export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const { appError, fault } = normaliseError(error);
  if (fault !== undefined) {
    const level = appError.status >= 500 && appError.status !== 503 ? 'error' : 'warn';
    req.log[level]({ err: fault }, appError.message);
  }
  res.status(appError.status).set(appError.headers).json({ error: appError.message });
};
