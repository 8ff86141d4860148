// The task page's evidence section, with everything written by the real bin/conveyor in another process:
// the criteria checklist agrees with finish-task --require-criteria-audit, decisions (which write no telemetry)
// appear live newest first, the loop run shows its evidence and gate, audit and replay read as text, and
// "Export bundle" downloads what export-task --zip writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { zipEntries } from '../lib/audit/zip-entries.test-support';
import { startDeck, type Deck } from './deck';

let deck: Deck;

test.beforeAll(async () => {
  deck = await startDeck({ seed: 'empty' });
});
test.afterAll(async () => {
  await deck.close();
});

async function createTask(name: string): Promise<string> {
  const out = await deck.cli(['tasks', '--create', name, '--goal', `Goal of ${name}`]);
  return (JSON.parse(out.stdout) as { id: string }).id;
}

test('the checklist shows what blocks finish-task --require-criteria-audit, live, as the CLI decides', async ({
  page,
}) => {
  const taskId = await createTask('checklist-task');
  await page.goto(`${deck.origin}/tasks/${taskId}`);
  const checklist = page.getByRole('list', { name: 'Criteria checklist' });
  const gates = page.getByLabel('Finish gates');
  await expect(page.getByText('No acceptance criteria recorded for this task.')).toBeVisible();

  const hostile = 'Renders <img src=x onerror=alert(1)> as text';
  const added = await deck.cli([
    'criteria',
    'checklist-task',
    '--add',
    '--criterion',
    hostile,
    '--source',
    'user_requested',
    '--status',
    'accepted',
  ]);
  const id = (JSON.parse(added.stdout) as { affected_criterion: { id: number } }).affected_criterion.id;
  await deck.cli([
    'criteria',
    'checklist-task',
    '--add',
    '--criterion',
    'Docs updated',
    '--source',
    'manager_inferred',
  ]);

  const open = checklist.getByRole('listitem').filter({ hasText: hostile });
  await expect(open).toContainText('blocks finish');
  await expect(open).toContainText('user_requested');
  await expect(checklist.getByRole('listitem').filter({ hasText: 'Docs updated' })).not.toContainText('blocks finish');
  await expect(gates).toContainText(`refused: 1 accepted criterion is still open (#${id})`);
  const refused = await deck.cli(['finish-task', 'checklist-task', '--require-criteria-audit'], { allowFailure: true });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain(`#${id}`);

  await deck.cli(['criteria', 'checklist-task', '--satisfy', String(id), '--proof', 'Checked in the browser']);
  await expect(open).not.toContainText('blocks finish');
  await expect(open).toContainText('Proof: Checked in the browser');
  await expect(gates.getByText('passes').first()).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
});

test('decisions and handoffs appear without a reload, newest first', async ({ page }) => {
  const taskId = await createTask('decisions-task');
  await page.goto(`${deck.origin}/tasks/${taskId}`);
  await expect(page.getByText('No decisions recorded.')).toBeVisible();
  await deck.cli(['record-decision', 'decisions-task', 'wait', '--reason', 'worker is compiling']);
  const decisions = page.getByRole('list', { name: 'Manager decisions' });
  await expect(decisions.getByRole('listitem')).toHaveCount(1);
  await deck.cli(['record-decision', 'decisions-task', 'nudge', '--reason', 'stalled for ten minutes']);
  await expect(decisions.getByRole('listitem')).toHaveCount(2);
  await expect(decisions.getByRole('listitem').first()).toContainText('nudge');
  await expect(decisions.getByRole('listitem').first()).toContainText('stalled for ten minutes');
  await expect(decisions.getByRole('listitem').last()).toContainText('worker is compiling');

  await deck.cli(['handoff', 'decisions-task', '--summary', 'parser done', '--next-step', 'write the tests']);
  const handoffs = page.getByRole('list', { name: 'Worker handoffs' });
  await expect(handoffs).toContainText('parser done');
  await expect(handoffs).toContainText('write the tests');
});

test('the loop run shows its iteration, required evidence, evidence rows and the continue gate', async ({ page }) => {
  const taskId = await createTask('loop-task');
  await page.goto(`${deck.origin}/tasks/${taskId}`);
  await expect(page.getByText('No Ralph loop run for this task.')).toBeVisible();
  const created = await deck.cli([
    'loop-templates',
    '--create-run',
    'loop-task',
    '--template',
    'test_coverage_loop',
    '--name',
    'coverage-run',
    '--current-iteration',
    '1',
  ]);
  const runId = (JSON.parse(created.stdout) as { id: string }).id;
  const policy = page.getByLabel('Loop policy');
  await expect(policy).toContainText('coverage-run');
  await expect(policy).toContainText('test_coverage_loop');
  await expect(policy).toContainText('1 / 3');
  await expect(policy).toContainText('test_coverage, adversarial_check');
  await expect(policy).toContainText('iteration 2 blocked: missing_required_evidence');

  await deck.cli([
    'loop-evidence',
    'add',
    'loop-task',
    '--loop-run',
    runId,
    '--evidence-type',
    'test_coverage',
    '--iteration',
    '1',
    '--proof',
    'coverage 91%',
  ]);
  await deck.cli([
    'loop-evidence',
    'adversarial-check',
    'loop-task',
    '--loop-run',
    runId,
    '--iteration',
    '1',
    '--failure-mode',
    'flaky under load',
    '--check',
    'ran the suite 20 times',
    '--result',
    'all green',
  ]);
  const evidence = page.getByRole('table', { name: 'Loop evidence' });
  await expect(evidence.getByRole('row').filter({ hasText: 'test_coverage' })).toContainText('coverage 91%');
  await expect(evidence.getByRole('row').filter({ hasText: 'adversarial_check' })).toContainText(
    'ran the suite 20 times',
  );
  await expect(policy).toContainText('iteration 2 may start');
});

test('audit and replay read as the CLI prints them', async ({ page }) => {
  const taskId = await createTask('audit-task');
  await deck.cli(['criteria', 'audit-task', '--add', '--criterion', 'Audit me', '--source', 'user_requested']);
  await page.goto(`${deck.origin}/tasks/${taskId}`);
  const auditCli = await deck.cli(['audit', 'audit-task']);
  await expect(page.getByLabel('Audit text')).toHaveText(auditCli.stdout.trimEnd());
  await page.getByRole('tab', { name: 'Replay' }).click();
  await page.getByLabel('Format').selectOption('compact');
  const replayCli = await deck.cli(['replay', 'audit-task', '--format', 'compact']);
  await expect(page.getByLabel('Replay text')).toHaveText(replayCli.stdout.trimEnd());
});

test('Export bundle downloads exactly what export-task --zip writes', async ({ page }) => {
  const taskId = await createTask('export-task');
  await deck.cli(['criteria', 'export-task', '--add', '--criterion', 'Bundle matches', '--source', 'user_requested']);
  await deck.cli(['record-decision', 'export-task', 'inspect', '--reason', 'check the bundle']);
  await page.goto(`${deck.origin}/tasks/${taskId}`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export bundle' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('export-task-export.zip');
  const saved = join(deck.dir, 'downloaded.zip');
  await download.saveAs(saved);

  const out = join(deck.dir, 'cli-bundle');
  await deck.cli(['export-task', taskId, '--zip', '--output', out]);
  const normalized = (zip: Buffer) =>
    [...zipEntries(zip)].map(([name, data]) => [
      name,
      name === 'manifest.json'
        ? data.toString('utf8').replace(/"created_at": "[^"]+"/, '"created_at": "<TSms>"')
        : data.toString('utf8'),
    ]);
  const downloaded = normalized(readFileSync(saved));
  expect(downloaded.map(([name]) => name)).toContain('manager-decisions.json');
  expect(downloaded).toEqual(normalized(readFileSync(`${out}.zip`)));
});
