import { expect } from 'chai';
import { z } from 'zod';
import { ConfigError, describeIssues, duration, flag, integer, logLevel, parseDuration, port, setVariables } from '../../service/shared/env';

const problemsOf = (schema: z.ZodType, input: unknown): string[] => {
  const parsed = schema.safeParse(input);
  return parsed.success ? [] : describeIssues(parsed.error.issues);
};

describe('shared environment reading', () => {
  describe('ConfigError', () => {
    it('should join every problem into one line after "invalid configuration:"', () => {
      const error = new ConfigError(['PORT must be a whole number from 0 to 65535', 'LOG_LEVEL must be one of fatal']);
      expect(error.message).to.equal('invalid configuration: PORT must be a whole number from 0 to 65535; LOG_LEVEL must be one of fatal');
      expect(error).to.include({ name: 'ConfigError' }).and.be.instanceOf(Error);
      expect(error.problems).to.have.length(2);
    });
  });

  describe('setVariables', () => {
    it('should keep only the known variables that are set, an empty one counting as unset', () => {
      const known = { PORT: true, HOST: true, LOG_LEVEL: true };
      expect(setVariables({ PORT: '8080', HOST: '', PATH: '/usr/bin', LOG_LEVEL: undefined }, known)).to.deep.equal({ PORT: '8080' });
    });
  });

  describe('describeIssues', () => {
    const schema = z.object({ URL: z.string(), PORT: port.optional() });

    it('should name a missing required variable as required', () => {
      expect(problemsOf(schema, {})).to.deep.equal(['URL is required']);
    });

    it('should name each bad variable with its message, behind an optional prefix', () => {
      const parsed = schema.safeParse({ URL: 'x', PORT: '70000' });
      expect(parsed.success).to.equal(false);
      expect(!parsed.success && describeIssues(parsed.error.issues, 'app.')).to.deep.equal(['app.PORT must be a whole number from 0 to 65535']);
    });
  });

  describe('value schemas', () => {
    const cases: { name: string; schema: z.ZodType; input: string; expected: unknown }[] = [
      { name: 'flag 1', schema: flag, input: '1', expected: true },
      { name: 'flag true', schema: flag, input: 'true', expected: true },
      { name: 'flag 0', schema: flag, input: '0', expected: false },
      { name: 'flag false', schema: flag, input: 'false', expected: false },
      { name: 'integer within bounds', schema: integer(1, 10), input: '10', expected: 10 },
      { name: 'port 0 (any free port)', schema: port, input: '0', expected: 0 },
      { name: 'log level', schema: logLevel, input: 'debug', expected: 'debug' },
      { name: 'duration in seconds', schema: duration(1000, 'too short'), input: '15s', expected: 15_000 },
    ];
    for (const { name, schema, input, expected } of cases) {
      it(`should read ${name}`, () => expect(schema.parse(input)).to.equal(expected));
    }

    const refusals: { name: string; schema: z.ZodType; input: string; problem: RegExp }[] = [
      { name: 'a flag of yes', schema: flag, input: 'yes', problem: /must be one of 0, 1, true, false/ },
      { name: 'an integer above the maximum', schema: integer(1, 10), input: '11', problem: /must be a whole number from 1 to 10/ },
      { name: 'a decimal integer', schema: integer(1, 10), input: '2.5', problem: /must be a whole number from 1 to 10/ },
      { name: 'port 65536', schema: port, input: '65536', problem: /must be a whole number from 0 to 65535/ },
      { name: 'a log level of loud', schema: logLevel, input: 'loud', problem: /must be one of fatal, error, warn, info, debug, trace, silent/ },
      { name: 'a duration below the minimum', schema: duration(1000, 'must be at least 1s'), input: '500ms', problem: /must be at least 1s/ },
      { name: 'a duration without a number', schema: duration(0, 'must be a duration'), input: 'often', problem: /must be a duration/ },
    ];
    for (const { name, schema, input, problem } of refusals) {
      it(`should refuse ${name}`, () => expect(problemsOf(schema, input).join('; ')).to.match(problem));
    }
  });

  describe('parseDuration', () => {
    it('should read ms, s, m and h, a bare number as seconds, and refuse anything else', () => {
      expect(['0', '15', '1500ms', '1.5s', '5m', '1h', ' 30s ', 'x', '5d', '-1s'].map(parseDuration)).to.deep.equal([
        0, 15_000, 1500, 1500, 300_000, 3_600_000, 30_000, undefined, undefined, undefined,
      ]);
    });
  });
});
