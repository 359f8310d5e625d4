import { describe, expect, it } from 'vitest';
import { addDays, dateIn, endOfDate, isCalendarDate, startOfDate } from './calendar.js';

describe('calendar', () => {
  it('finds the midnight that ends a date in UTC and in a zone', () => {
    expect(endOfDate('2026-11-22', 'UTC').toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(endOfDate('2026-11-22', 'Europe/Paris').toISOString()).toBe('2026-11-22T23:00:00.000Z');
    expect(endOfDate('2026-11-22', 'America/New_York').toISOString()).toBe('2026-11-23T05:00:00.000Z');
  });

  it('gives daylight-saving days in Europe/London 23 and 25 hours', () => {
    const hours = (date: string) => (endOfDate(date, 'Europe/London').getTime() - startOfDate(date, 'Europe/London').getTime()) / 3.6e6;
    expect(hours('2026-03-29')).toBe(23);
    expect(hours('2026-10-25')).toBe(25);
    expect(hours('2026-11-22')).toBe(24);
    expect(endOfDate('2026-03-29', 'Europe/London').toISOString()).toBe('2026-03-29T23:00:00.000Z');
    expect(endOfDate('2026-10-25', 'Europe/London').toISOString()).toBe('2026-10-26T00:00:00.000Z');
  });

  it('starts a day whose midnight is skipped at the first instant that exists', () => {
    // Santiago skips 00:00-01:00 when summer time begins.
    const start = startOfDate('2026-09-06', 'America/Santiago');
    expect(dateIn(start, 'America/Santiago')).toBe('2026-09-06');
    expect(dateIn(new Date(start.getTime() - 1000), 'America/Santiago')).toBe('2026-09-05');
  });

  it('validates dates and steps across months', () => {
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('26-1-1')).toBe(false);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(dateIn(new Date('2026-11-22T23:30:00Z'), 'Europe/Paris')).toBe('2026-11-23');
  });
});
