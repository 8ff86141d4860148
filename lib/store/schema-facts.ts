// Names the health check expects, read from the v24 DDL itself so the two never drift. Read on first use:
// most commands never check health, and every command's start would otherwise pay for the scan.
import { SCHEMA_V24_STATEMENTS } from './schema-v24.js';

export interface SchemaFacts {
  tables: readonly string[];
  indexes: readonly string[];
  triggers: readonly string[];
}

function namesOf(kind: RegExp): string[] {
  const names: string[] = [];
  for (const statement of SCHEMA_V24_STATEMENTS) {
    const match = kind.exec(statement);
    if (match?.[1]) names.push(match[1]);
  }
  return names;
}

let facts: SchemaFacts | undefined;

export function schemaFacts(): SchemaFacts {
  facts ??= {
    tables: namesOf(/^CREATE (?:VIRTUAL )?TABLE (\w+)/),
    indexes: namesOf(/^CREATE (?:UNIQUE )?INDEX (\w+)/),
    triggers: namesOf(/^CREATE TRIGGER (\w+)/),
  };
  return facts;
}
