import { StoreUnavailable } from '@fairdraw/application';
import { describe, expect, it } from 'vitest';
import { classify, Reachability } from './reachability.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('classify', () => {
  it('knows a database that cannot be reached from one that refused a query', () => {
    for (const error of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('terminating connection because of crash of another server process', '57P02'),
      withCode('the database system is starting up', '57P03'),
      withCode('the database system is in recovery mode', '57P03'),
      withCode('sorry, too many clients already', '53300'),
      withCode('connection failure', '08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('Client has encountered a connection error and is not queryable'),
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''),
    ]) {
      expect(classify(error), error.message).toBe('unreachable');
    }
    expect(classify(new Error('timeout exceeded when trying to connect'))).toBe('busy');
    for (const error of [
      withCode('duplicate key value violates unique constraint', '23505'),
      withCode('canceling statement due to statement timeout', '57014'),
      withCode('terminating connection due to idle-in-transaction timeout', '25P03'),
      withCode('deadlock detected', '40P01'),
      new Error('Connection terminated'),
      'not an error',
    ]) {
      expect(classify(error)).toBeNull();
    }
  });
});

describe('Reachability', () => {
  function recorded() {
    const events: string[] = [];
    const reachability = new Reachability({
      onUnreachable: (error) => events.push(`down: ${error.message}`),
      onReachable: () => events.push('up'),
      onBusy: () => events.push('busy'),
    });
    return { events, reachability };
  }

  it('turns unavailability into StoreUnavailable with Retry-After, and leaves other errors alone', () => {
    const { reachability } = recorded();
    const refused = reachability.failed(withCode('connect ECONNREFUSED', 'ECONNREFUSED'));
    expect(refused).toBeInstanceOf(StoreUnavailable);
    expect((refused as StoreUnavailable).retryAfterSeconds).toBeGreaterThan(0);
    expect(reachability.failed(new Error('timeout exceeded when trying to connect'))).toBeInstanceOf(StoreUnavailable);
    const constraint = withCode('duplicate key', '23505');
    expect(reachability.failed(constraint)).toBe(constraint);
  });

  it('reports an outage once however many requests meet it, and its end once', () => {
    const { events, reachability } = recorded();
    for (let i = 0; i < 50; i++) reachability.failed(withCode('connect ECONNREFUSED', 'ECONNREFUSED'));
    expect(reachability.reachable).toBe(false);
    const since = reachability.attempt();
    reachability.succeeded(since);
    reachability.succeeded(reachability.attempt());
    expect(events).toEqual(['down: connect ECONNREFUSED', 'up']);
    expect(reachability.reachable).toBe(true);
  });

  it('does not call an outage over for a query that began before it was noticed', () => {
    const { events, reachability } = recorded();
    const inFlight = reachability.attempt();
    reachability.failed(withCode('terminating connection due to administrator command', '57P01'));
    // A fast shutdown still answers some queries while it terminates the rest.
    reachability.succeeded(inFlight);
    expect(reachability.reachable).toBe(false);
    reachability.failed(withCode('connect ECONNREFUSED', 'ECONNREFUSED'));
    reachability.succeeded(reachability.attempt());
    expect(events).toEqual(['down: terminating connection due to administrator command', 'up']);
  });

  it('reports a busy pool at most once a minute, and a busy pool is not an outage', () => {
    const { events, reachability } = recorded();
    for (let i = 0; i < 10; i++) reachability.failed(new Error('timeout exceeded when trying to connect'));
    expect(events).toEqual(['busy']);
    expect(reachability.reachable).toBe(true);
  });
});
