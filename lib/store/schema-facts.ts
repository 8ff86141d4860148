// Names the health check expects, read from the v24 DDL itself so the two never drift.
import { SCHEMA_V24_STATEMENTS } from './schema-v24.js';

function namesOf(kind: RegExp): string[] {
  const names: string[] = [];
  for (const statement of SCHEMA_V24_STATEMENTS) {
    const match = kind.exec(statement);
    if (match?.[1]) names.push(match[1]);
  }
  return names;
}

export const REQUIRED_TABLES = namesOf(/^CREATE (?:VIRTUAL )?TABLE (\w+)/);
export const REQUIRED_INDEXES = namesOf(/^CREATE (?:UNIQUE )?INDEX (\w+)/);
export const REQUIRED_TRIGGERS = namesOf(/^CREATE TRIGGER (\w+)/);
