import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { QueryFailedError } from 'typeorm';
import { HttpExceptionFilter } from './http-exception.filter.js';
import { describeError } from './logger.js';
import { fieldWithNul } from './input-guard.js';

const SECRET = 'søren.secret@example.org';

function driverError(): Error {
  const driver = Object.assign(new Error(`invalid input syntax for type bigint: "${SECRET}"`), { code: '22P02' });
  return new QueryFailedError('SELECT $1', [SECRET], driver);
}

describe('error logging', () => {
  it('keeps the class, the code and the frames of a driver error, never its message or values', () => {
    const described = describeError(driverError());
    expect(described.type).toBe('QueryFailedError');
    expect(described.code).toBe('22P02');
    expect(described.frames).toMatch(/^\s+at /);
    expect(JSON.stringify(described)).not.toContain(SECRET);
  });

  it('the global filter logs an unknown failure without the value it quotes', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }));
    const res = { status: () => res, json: () => res } as unknown as import('express').Response;
    const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ requestId: 'r1' }) }) } as unknown as import('@nestjs/common').ArgumentsHost;
    new HttpExceptionFilter(logger).catch(driverError(), host);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('QueryFailedError');
    expect(lines[0]).toContain('22P02');
    expect(lines[0]).not.toContain(SECRET);
  });
});

describe('NUL guard', () => {
  it('names the field that holds a NUL, in nested bodies too', () => {
    expect(fieldWithNul({ email: 'a\u0000b' })).toBe('email');
    expect(fieldWithNul({ filter: { action: ['x', 'y\u0000'] } })).toBe('filter.action.1');
    expect(fieldWithNul({ email: 'fine' })).toBeUndefined();
    expect(fieldWithNul(Buffer.from([0, 0]))).toBeUndefined();
  });
});
