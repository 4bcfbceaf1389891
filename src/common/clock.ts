import { Injectable } from '@nestjs/common';

/** The one source of "now", so tests can move time without touching the system clock. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
