import { databaseHealth } from '../../../store/db-doctor.js';
import { defineCommand } from '../../command.js';
import { checkUniversalValues, noPositionals } from '../../flag-checks.js';

export default defineCommand({
  name: 'db-doctor',
  help: `usage: conveyor db-doctor [--json] [--path <workerctl.db>]

Checks the database: foreign keys on, WAL journal, busy timeout >= 5000 ms, schema version 24 (user_version and
schema_migrations), every required table, index and trigger, and no foreign-key violations. Prints a JSON report
{checks, ok, ...} and exits 1 when a check fails.

example:
  conveyor db-doctor --path /tmp/demo/workerctl.db
`,
  run(ctx) {
    noPositionals(ctx.flags);
    checkUniversalValues(ctx.flags);
    const report = databaseHealth(ctx.db(), ctx.dbPath());
    return { json: report, exitCode: report.ok ? 0 : 1 };
  },
});
