import type { Db } from './open.js';

/**
 * Statements prepared once per connection: `perConnection(prepare)` returns a getter that prepares on a
 * connection's first use and hands back the same statements afterwards (a closed connection is dropped with it).
 */
export function perConnection<T>(prepare: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let prepared = cache.get(db);
    if (prepared === undefined) {
      prepared = prepare(db);
      cache.set(db, prepared);
    }
    return prepared;
  };
}
