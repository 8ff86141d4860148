// Empty states that teach: what to run to get something to show.
function quote(path: string): string {
  return `'${path.replaceAll("'", `'"'"'`)}'`;
}

export function EmptyDatabase({ dbPath }: { dbPath: string | null }) {
  const db = dbPath ? ` --path ${quote(dbPath)}` : '';
  return (
    <section aria-labelledby="empty-heading" className="empty">
      <h1 id="empty-heading">No tasks yet</h1>
      <p>
        This database has no tasks
        {dbPath ? (
          <>
            {' '}
            (<code>{dbPath}</code>)
          </>
        ) : null}
        . Create a manager/worker pair and it appears here at once:
      </p>
      <pre className="command">{`bin/conveyor create-disposable-binding my-task --goal 'What the pair should do' --cwd .${db} --json`}</pre>
      <p>or register sessions by hand and bind them:</p>
      <pre className="command">{`bin/conveyor tasks --create my-task --goal 'What the pair should do'${db}
bin/conveyor bind --task my-task --worker WORKER --manager MANAGER${db}`}</pre>
      <p>
        Want to see the dashboard move first? <code>npm run demo</code> fills a demo database and keeps writing to it.
      </p>
    </section>
  );
}

export function NoReceipts() {
  return (
    <section className="empty" aria-label="No receipts">
      <p>No dispatch receipts yet.</p>
      <p>
        A receipt is written each time wake-ups are dispatched: press <strong>Dispatch wake-ups</strong> on a task page,
        or run <code>bin/conveyor app-wakeup-dispatch TASK --json</code>. Deliveries recorded against it (sent, skipped,
        blocked) then show here.
      </p>
    </section>
  );
}
