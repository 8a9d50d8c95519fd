import express, { type Request, type Router } from 'express';
import { AppError } from '../errors';
import { requireBearerToken } from '../http/auth';
import { defineRoute } from '../http/routes';
import type { BirthdayStore } from '../storage/store';
import { daysUntilBirthday, formatIsoDate, parseIsoDate, type CalendarDate } from './calendar';
import { parseBirthdayBody, parseUsername } from './validation';

export interface BirthdayRoutesDeps {
  store: BirthdayStore;
  /** The calendar date "today" for the configured time zone. */
  today: () => CalendarDate;
  apiToken?: string;
}

export const MAX_BODY_BYTES = 16 * 1024;
const JSON_TYPES = ['application/json', '+json'];

export function greetingFor(username: string, days: number): string {
  if (days === 0) return `Hello, ${username}! Happy birthday!`;
  return `Hello, ${username}! Your birthday is in ${days} day${days === 1 ? '' : 's'}`;
}

export function birthdayRoutes({ store, today, apiToken }: BirthdayRoutesDeps): Router {
  const router = express.Router();
  const requireToken = requireBearerToken(apiToken);
  const parseJson = express.json({ limit: MAX_BODY_BYTES, strict: false, type: JSON_TYPES });
  const requireJson = (req: Request) => {
    if (!req.is(JSON_TYPES)) {
      throw new AppError(415, 'Content-Type must be application/json');
    }
  };
  const username = (req: Request) => parseUsername(String(req.params.username));

  defineRoute(router, '/hello/:username', {
    get: async (req, res) => {
      const name = username(req);
      const stored = await store.findDateOfBirth(name);
      const birth = stored === undefined ? undefined : parseIsoDate(stored);
      if (!birth) throw new AppError(404, `no birthday stored for ${name}`);
      res.json({ message: greetingFor(name, daysUntilBirthday(birth, today())) });
    },
    put: [
      requireToken,
      (req, _res, next) => {
        username(req);
        requireJson(req);
        next();
      },
      parseJson,
      async (req, res) => {
        const birth = parseBirthdayBody(req.body, today());
        await store.upsert(username(req), formatIsoDate(birth));
        res.status(204).end();
      },
    ],
    delete: [
      requireToken,
      async (req, res) => {
        const name = username(req);
        if (!(await store.remove(name))) throw new AppError(404, `no birthday stored for ${name}`);
        res.status(204).end();
      },
    ],
  });
  return router;
}
